#include "scenarios/fanoutscenario.h"

#include "patterns/httptransport.h"
#include "patterns/simulatedhttptransport.h"
#include "runtime/joinset.h"
#include "runtime/spawnblocking.h"
#include "trace/tracecounter.h"

#include <atomic>
#include <deque>
#include <memory>
#include <stdexcept>
#include <utility>

namespace taskscope {

namespace {

/// What a request's trace counter "request <i>" reads while the request is out: an answer
/// replaces it with the HTTP status (0: no answer).
constexpr std::int64_t kRequestInFlight = -1;

/// Shared by the scenario and its request tasks (atomics: requests run on any worker; shared,
/// so a request task that outlives an aborted run still has them).
struct Measures
{
    Measures(QString counterName, int requests)
        : inFlightCounter(std::move(counterName))
    {
        for (int index = 0; index < requests; ++index)
            requestCounters.emplace_back(QStringLiteral("request %1").arg(index));
    }
    std::atomic<int> inFlight{0};
    std::atomic<int> maxInFlight{0};
    TraceCounter inFlightCounter;
    /// One per request, "request <i>": kRequestInFlight from the moment it goes out, then its
    /// status; the Pattern page draws each request's bar from them. (Filled before any request
    /// starts and never resized, so the tasks read it without a lock.)
    std::deque<TraceCounter> requestCounters;
};

/// One request's outcome, for the collector.
struct Completion
{
    int index = 0;
    HttpResponse response;
};

/// Counts a request in flight for as long as it lives, also when its task is aborted.
class InFlight
{
public:
    explicit InFlight(Measures &measures)
        : m_measures(measures)
    {
        const int now = m_measures.inFlight.fetch_add(1) + 1;
        int seen = m_measures.maxInFlight.load();
        while (now > seen && !m_measures.maxInFlight.compare_exchange_weak(seen, now)) {
        }
        m_measures.inFlightCounter.set(now);
    }
    InFlight(const InFlight &) = delete;
    InFlight &operator=(const InFlight &) = delete;
    ~InFlight() { m_measures.inFlightCounter.set(m_measures.inFlight.fetch_sub(1) - 1); }

private:
    Measures &m_measures;
};

// One request: the seed's `async move { client.get(url).send().await }`.
Task<Completion> fetch(int index, QString path, std::shared_ptr<HttpTransport> transport,
                       std::shared_ptr<Measures> measures)
{
    const InFlight counted(*measures);
    const TraceCounter &traced = measures->requestCounters[std::size_t(index)];
    traced.set(kRequestInFlight);
    HttpResponse response = co_await transport->get(std::move(path));
    traced.set(response.status);
    co_return Completion{index, std::move(response)};
}

/// A number in [0, 1) from the runtime's seeded generator.
double uniform(Runtime &runtime)
{
    return double(runtime.random() >> 11) * 0x1.0p-53;
}

/// Request i's delay: (i+1) × base, handed out ascending (the seed's URLs), descending, or
/// shuffled with the runtime's seeded generator.
std::vector<long long> plannedDelays(int requests, long long baseMs, const QString &order, Runtime &runtime)
{
    std::vector<long long> delays(std::size_t(requests), 0);
    for (int index = 0; index < requests; ++index)
        delays[std::size_t(index)] = (order == QLatin1String("descending") ? requests - index : index + 1) * baseMs;
    if (order == QLatin1String("shuffled")) {
        for (int index = requests - 1; index > 0; --index)
            std::swap(delays[std::size_t(index)], delays[std::size_t(runtime.random() % std::uint64_t(index + 1))]);
    }
    return delays;
}

/// Prepares @p transport on the runtime's blocking pool, so that its start holds no worker.
Task<bool> prepareOffTheWorkers(std::shared_ptr<HttpTransport> transport, QString *error)
{
    // The closure gets a raw pointer: built with g++ 12, a closure holding the shared_ptr
    // itself reached the pool thread as garbage (tst_http crashed in it); a trivially copyable
    // one does not. The transport outlives the closure even if this task is cancelled first:
    // the runtime waits for its blocking closures before it goes, and the installed transport
    // outlives the runtime. The error comes back by value, so the closure writes nothing here.
    HttpTransport *starting = transport.get();
    const auto [prepared, why] = co_await spawnBlocking([starting] {
        QString reason;
        const bool ready = starting->prepare(&reason);
        return std::make_pair(ready, reason);
    });
    *error = why;
    co_return prepared;
}

} // namespace

QString FanOutScenario::description() const
{
    return QStringLiteral("Sends requests GET /delay/<ms> requests, request i waiting (i+1) × base_delay_ms (or the "
                          "same delays descending or shuffled), all at once or at most concurrency at a time, each "
                          "request a task of its own, and handles each answer as it arrives (as the seed's "
                          "FuturesUnordered does, though it polls every request from one task): completion_order "
                          "follows the delays, not the order the requests were made in. A request that gets no answer "
                          "is kept in statuses as 0 and counted in errors (the seed drops it). With failure_rate, that "
                          "share of the requests (drawn with the seeded generator) asks for a 500 answer, kept like any "
                          "other status (by the seed too). transport=http goes over "
                          "real HTTP to an embedded server on 127.0.0.1 (Qt 6.4's QNetworkAccessManager opens at most 6 "
                          "connections to it, so beyond 6 requests in flight the others wait for a connection); "
                          "transport=simulated (forced on the virtual clock, so deterministic runs stay reproducible) "
                          "replaces the network with timers.");
}

std::vector<ParameterSpec> FanOutScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("requests"), QStringLiteral("Requests"), Type::Int, 0, 1000, 3, QStringLiteral("requests"),
         QStringLiteral("How many requests go out."), {}},
        {QStringLiteral("base_delay_ms"), QStringLiteral("Base delay"), Type::Int, 0, 60000, 1000, QStringLiteral("ms"),
         QStringLiteral("Request i asks the server to wait (i+1) × this before it answers."), {}},
        {QStringLiteral("concurrency"), QStringLiteral("Concurrency limit"), Type::Int, 0, 1000, 0,
         QStringLiteral("requests"), QStringLiteral("Requests in flight at most; 0: all at once."), {}},
        {QStringLiteral("failure_rate"), QStringLiteral("Failure rate"), Type::Double, 0, 1, 0.0, QString(),
         QStringLiteral("Share of the requests that ask the server for a 500 answer."), {}},
        {QStringLiteral("delay_order"), QStringLiteral("Delay order"), Type::Choice, 0, 0, QStringLiteral("ascending"),
         QString(), QStringLiteral("How the delays are handed out: ascending (the seed's), descending or shuffled."),
         {QStringLiteral("ascending"), QStringLiteral("descending"), QStringLiteral("shuffled")}},
        {QStringLiteral("transport"), QStringLiteral("Transport"), Type::Choice, 0, 0, QStringLiteral("http"), QString(),
         QStringLiteral("http: real requests to an embedded server on 127.0.0.1; simulated: timers on the runtime "
                        "clock (always used on the virtual clock)."),
         {QStringLiteral("http"), QStringLiteral("simulated")}},
    };
}

Task<QVariantMap> FanOutScenario::run(ScenarioContext &context) const
{
    const QVariantMap &values = context.parameters;
    const int requests = values.value(QStringLiteral("requests")).toInt();
    const long long baseMs = values.value(QStringLiteral("base_delay_ms")).toLongLong();
    const int limit = values.value(QStringLiteral("concurrency")).toInt();
    const double failureRate = values.value(QStringLiteral("failure_rate")).toDouble();
    const QString order = values.value(QStringLiteral("delay_order")).toString();
    Runtime &runtime = context.runtime;

    // The virtual clock cannot wait for a real network (and deterministic runs must not depend
    // on one): there the simulated transport is used whatever was asked for.
    std::shared_ptr<HttpTransport> transport;
    const bool simulated = runtime.config().clockMode == ClockMode::Virtual
        || values.value(QStringLiteral("transport")).toString() == QLatin1String("simulated");
    if (simulated) {
        transport = std::make_shared<SimulatedHttpTransport>();
    } else {
        transport = installedHttpTransport();
        if (!transport)
            throw std::runtime_error("transport=http needs the real HTTP transport, and this program has none "
                                     "installed (taskscope_net's installHttpTransport()); use transport=simulated");
    }
    // Every draw happens here, in request order, before anything runs: the same seed gives
    // the same plan on any number of workers.
    const std::vector<long long> delays = plannedDelays(requests, baseMs, order, runtime);
    QStringList paths;
    for (int index = 0; index < requests; ++index) {
        const bool fails = failureRate > 0 && uniform(runtime) < failureRate;
        paths << QStringLiteral("/delay/%1%2").arg(delays[std::size_t(index)]).arg(fails ? QStringLiteral("?status=500")
                                                                                         : QString());
    }

    // Start the transport's threads before the first request, and off the workers: starting
    // the real transport's server and I/O thread waits on them for milliseconds, a blocking
    // call that would hold this worker in the run's first poll. (The simulated one has nothing
    // to start, and going through the blocking pool would only make deterministic runs wait.)
    QString error;
    const bool prepared = simulated ? transport->prepare(&error) : co_await prepareOffTheWorkers(transport, &error);
    if (!prepared)
        throw std::runtime_error(QStringLiteral("transport=%1 could not start: %2").arg(transport->name(), error).toStdString());

    auto measures = std::make_shared<Measures>(QStringLiteral("requests in flight"), requests);
    // "completion <k>" = the request whose answer was handled k-th (from 1): the completion
    // order as the trace tells it, one named counter per place so none is merged away.
    std::deque<TraceCounter> completionCounters;
    const Instant start = runtime.now();
    // What has come back so far, kept as it goes so that a run cut short still reports it
    // (only this task writes it; the runner reads it after a cut, in this task too).
    struct SoFar
    {
        QVariantList completionOrder;
        QVariantList statuses;
        int errors = 0;
    };
    auto soFar = std::make_shared<SoFar>();
    for (int index = 0; index < requests; ++index)
        soFar->statuses << 0;
    QVariantList delaysMs;
    for (long long delay : delays)
        delaysMs << delay;
    context.metricsSoFar = [soFar, measures, delaysMs, transportName = transport->name(), start, &runtime] {
        QVariantMap metrics;
        metrics.insert(QStringLiteral("completion_order"), soFar->completionOrder);
        metrics.insert(QStringLiteral("statuses"), soFar->statuses);
        metrics.insert(QStringLiteral("delays_ms"), delaysMs);
        metrics.insert(QStringLiteral("errors"), soFar->errors);
        metrics.insert(QStringLiteral("max_in_flight"), measures->maxInFlight.load());
        metrics.insert(QStringLiteral("transport"), transportName);
        metrics.insert(QStringLiteral("total_ms"),
                       qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(runtime.now() - start).count()));
        return metrics;
    };
    {
        // FuturesUnordered with an optional limit (buffer_unordered): keep up to `limit`
        // requests in the set, and start the next one each time one completes.
        JoinSet<Completion> inFlight;
        int next = 0;
        auto launchNext = [&] {
            inFlight.spawn(fetch(next, paths.at(next), transport, measures), QStringLiteral("request-%1").arg(next));
            ++next;
        };
        while (next < requests && (limit == 0 || int(inFlight.size()) < limit))
            launchNext();
        while (auto done = co_await inFlight.joinNext()) {
            const Completion &completion = done->value();
            soFar->completionOrder << completion.index;
            completionCounters.emplace_back(QStringLiteral("completion %1").arg(soFar->completionOrder.size()));
            completionCounters.back().set(completion.index);
            soFar->statuses[completion.index] = completion.response.status;
            if (!completion.response.answered())
                ++soFar->errors;
            if (next < requests)
                launchNext();
        }
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
