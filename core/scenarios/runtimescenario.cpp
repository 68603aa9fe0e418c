#include "scenarios/runtimescenario.h"

#include "runtime/joinset.h"
#include "time/sleep.h"
#include "time/timeout.h"
#include "trace/span.h"
#include "trace/tracecounter.h"

#include <memory>
#include <optional>
#include <utility>

namespace taskscope {

namespace {

// The seed's slow_operation.
Task<QString> slowOperation(Duration length)
{
    Span span(QStringLiteral("slow_operation"));
    co_await sleep(length);
    co_return QStringLiteral("Done!");
}

// Background work that keeps the workers busy meanwhile: short CPU bursts and sleeps.
Task<int> backgroundWork(int index)
{
    for (int round = 0; round < 5; ++round) {
        busyFor(std::chrono::milliseconds(2 + index % 3));
        co_await sleep(std::chrono::milliseconds(20 + 10 * (index % 4)));
    }
    co_return index;
}

} // namespace

QString RuntimeScenario::description() const
{
    return QStringLiteral("A slow operation of work_ms races a timeout of timeout_ms (the seed's timeout_example), "
                          "while background tasks share the named worker threads.");
}

std::vector<ParameterSpec> RuntimeScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("work_ms"), QStringLiteral("Work"), Type::Int, 0, 600000, 3000, QStringLiteral("ms"),
         QStringLiteral("How long the slow operation takes."), {}},
        {QStringLiteral("timeout_ms"), QStringLiteral("Timeout"), Type::Int, 1, 600000, 5000, QStringLiteral("ms"),
         QStringLiteral("How long the caller waits before giving up."), {}},
        {QStringLiteral("background_tasks"), QStringLiteral("Background tasks"), Type::Int, 0, 1000, 8,
         QStringLiteral("tasks"), QStringLiteral("Concurrent tasks sharing the workers meanwhile."), {}},
    };
}

Task<QVariantMap> RuntimeScenario::run(ScenarioContext &context) const
{
    const Duration work = std::chrono::milliseconds(context.parameters.value(QStringLiteral("work_ms")).toLongLong());
    const Duration limit =
        std::chrono::milliseconds(context.parameters.value(QStringLiteral("timeout_ms")).toLongLong());
    const int background = context.parameters.value(QStringLiteral("background_tasks")).toInt();
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    JoinSet<int> others;
    for (int i = 0; i < background; ++i)
        others.spawn(backgroundWork(i), QStringLiteral("background-%1").arg(i));

    // The race for the runtime page: both lengths, when it starts (0) and how it ends
    // (1: the work completed, 2: the timeout fired first).
    const TraceCounter workLength(QStringLiteral("race work ms"));
    const TraceCounter timeoutLength(QStringLiteral("race timeout ms"));
    const TraceInstant race(QStringLiteral("timeout race"));
    workLength.set(std::chrono::duration_cast<std::chrono::milliseconds>(work).count());
    timeoutLength.set(std::chrono::duration_cast<std::chrono::milliseconds>(limit).count());
    race.mark(0);
    // How the race ended, once it has: what the metrics report, at the end or at a cut.
    struct RaceSoFar
    {
        bool completed = false;
        bool timedOut = false;
        std::optional<Duration> elapsed;
    };
    auto soFar = std::make_shared<RaceSoFar>();
    context.metricsSoFar = [soFar, start, &runtime] {
        QStringList workerNames;
        for (const WorkerStats &worker : runtime.workerStats())
            workerNames << worker.name;
        QVariantMap metrics;
        metrics.insert(QStringLiteral("completed"), soFar->completed);
        metrics.insert(QStringLiteral("timed_out"), soFar->timedOut);
        metrics.insert(QStringLiteral("elapsed_ms"), qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                   soFar->elapsed.value_or(runtime.now() - start))
                                                                   .count()));
        metrics.insert(QStringLiteral("worker_names"), workerNames);
        return metrics;
    };
    auto result = co_await timeout(limit, slowOperation(work));
    *soFar = {result.hasValue(), result.timedOut(), runtime.now() - start};
    race.mark(result.hasValue() ? 1 : 2);
    while (auto finished = co_await others.joinNext())
        (void)finished;
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
