#include "scenarios/connectionpoolscenario.h"
#include "scenarios/statistics.h"

#include "patterns/connectionpool.h"
#include "runtime/joinset.h"
#include "runtime/impl/loom.h"
#include "time/sleep.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

namespace taskscope {

namespace {

/// How long each acquire took, every client's together, as they go: the run reads them at its
/// end or when it is cut short, while clients may still run on other workers.
struct Waits
{
    detail::Mutex mutex;
    std::vector<Duration> waits;
};

// One client: requests one after the other, each holding a connection for hold (the query),
// noting how long each acquire took. The pool and the waits are shared, so an aborted run
// cannot leave a client pointing at what is gone.
Task<void> poolClient(std::shared_ptr<ConnectionPool> pool, int requests, Duration hold, std::shared_ptr<Waits> waits)
{
    for (int request = 0; request < requests; ++request) {
        PooledConnection connection = co_await pool->acquire();
        {
            detail::LockGuard lock(waits->mutex);
            waits->waits.push_back(connection.waited());
        }
        co_await sleep(hold);
        co_await connection.release();
    }
}

} // namespace

QString ConnectionPoolScenario::description() const
{
    return QStringLiteral("Clients share a pool guarded by a semaphore of pool_size permits; each request takes a "
                          "connection, holds it for hold_ms and gives it back. Opening one calls the guide's "
                          "synchronous factory, which holds its worker for connect_ms: the task registry warns "
                          "of that long poll, in both variants. The "
                          "seed variant releases the permit before the connection is back on the idle stack, so "
                          "the next client may find the stack empty and open an extra connection "
                          "(connections_created > pool_size); the robust variant returns the connection first, and calls the factory outside the lock.");
}

std::vector<ParameterSpec> ConnectionPoolScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("pool_size"), QStringLiteral("Pool size"), Type::Int, 1, 1000, 4, QStringLiteral("connections"),
         QStringLiteral("Connections lent out at most at once (the semaphore's permits)."), {}},
        {QStringLiteral("clients"), QStringLiteral("Clients"), Type::Int, 1, 100000, 16, QStringLiteral("tasks"),
         QStringLiteral("Concurrent tasks using the pool."), {}},
        {QStringLiteral("requests_per_client"), QStringLiteral("Requests per client"), Type::Int, 0, 10000, 10,
         QStringLiteral("requests"), QStringLiteral("Requests each client makes, one after the other."), {}},
        {QStringLiteral("connect_ms"), QStringLiteral("Connect time"), Type::Int, 0, 60000, 50, QStringLiteral("ms"),
         QStringLiteral("How long opening a new connection holds its worker (the guide's factory is a blocking "
                        "function)."), {}},
        {QStringLiteral("hold_ms"), QStringLiteral("Hold time"), Type::Int, 0, 60000, 20, QStringLiteral("ms"),
         QStringLiteral("How long a request keeps its connection."), {}},
    };
}

Task<QVariantMap> ConnectionPoolScenario::run(ScenarioContext &context) const
{
    const QVariantMap &parameters = context.parameters;
    const int clients = parameters.value(QStringLiteral("clients")).toInt();
    const int requests = parameters.value(QStringLiteral("requests_per_client")).toInt();
    const Duration hold = std::chrono::milliseconds(parameters.value(QStringLiteral("hold_ms")).toLongLong());
    ConnectionPoolOptions options;
    options.poolSize = std::size_t(parameters.value(QStringLiteral("pool_size")).toLongLong());
    options.connectTime = std::chrono::milliseconds(parameters.value(QStringLiteral("connect_ms")).toLongLong());
    options.variant = context.variant == QLatin1String("seed") ? PoolVariant::Seed : PoolVariant::Robust;
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    auto pool = std::make_shared<ConnectionPool>(options, QStringLiteral("pool"));
    auto waits = std::make_shared<Waits>();
    context.metricsSoFar = [pool, waits, start, &runtime] {
        std::vector<Duration> sorted;
        {
            detail::LockGuard lock(waits->mutex);
            sorted = waits->waits;
        }
        std::sort(sorted.begin(), sorted.end());
        QVariantMap metrics;
        metrics.insert(QStringLiteral("requests_done"), qlonglong(sorted.size()));
        metrics.insert(QStringLiteral("connections_created"), qlonglong(pool->connectionsCreated()));
        metrics.insert(QStringLiteral("max_in_use"), qlonglong(pool->maxInUse()));
        metrics.insert(QStringLiteral("wait_ms_p50"), percentileMs(sorted, 50));
        metrics.insert(QStringLiteral("wait_ms_p99"), percentileMs(sorted, 99));
        metrics.insert(QStringLiteral("elapsed_ms"),
                       qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(runtime.now() - start).count()));
        return metrics;
    };
    waits->waits.reserve(std::size_t(clients) * std::size_t(requests));
    {
        JoinSet<void> tasks;
        for (int index = 0; index < clients; ++index)
            tasks.spawn(poolClient(pool, requests, hold, waits), QStringLiteral("client-%1").arg(index));
        while (auto finished = co_await tasks.joinNext())
            (void)finished->value(); // a client that failed fails the run
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
