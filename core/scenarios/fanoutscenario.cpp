#include "scenarios/fanoutscenario.h"

#include "patterns/httptransport.h"
#include "patterns/simulatedhttptransport.h"
#include "runtime/joinset.h"
#include "runtime/spawnblocking.h"
#include "stream/futuresunordered.h"
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

/// Which client a request goes through.
enum class Client { Shared, OwnPerRequest };

// One request. With its own client it is the guide's
// `async move { let client = reqwest::Client::new(); client.get(url).send().await }`; the
// index and the counters are ours, for the page: the guide's future gives only the Result.
Task<Completion> fetch(int index, QString path, std::shared_ptr<HttpTransport> transport,
                       std::shared_ptr<Measures> measures, Client client)
{
    const InFlight counted(*measures);
    const TraceCounter &traced = measures->requestCounters[std::size_t(index)];
    traced.set(kRequestInFlight);
    // Not one co_await per arm of a ?: : g++ 12 corrupts the frame's temporaries there.
    Task<HttpResponse> request = client == Client::OwnPerRequest ? transport->getWithOwnClient(std::move(path))
                                                                 : transport->get(std::move(path));
    HttpResponse response = co_await std::move(request);
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
    return QStringLiteral("Sends requests GET /delay/<ms> requests, request i waiting (i+1) x base_delay_ms (or the "
                          "same delays descending or shuffled), and handles each answer as it arrives: completion_order "
                          "follows the delays, not the order the requests were made in. The seed variant is the guide's "
                          "code: every request in one FuturesUnordered polled from the one task (no task per request, no "
                          "limit: concurrency is ignored), each through a client of its own, and the guide's filter_map: "
                          "statuses lists the status of each answer in completion order, a 500 kept like a 200, while a "
                          "request that got no answer is dropped without a word (answers_dropped counts them; the "
                          "guide's result cannot). The robust variant runs each request as a task of its own in a "
                          "JoinSet, at most concurrency at a time, through one shared client, and keeps a request "
                          "without an answer in statuses (by request) as 0, counted in errors. failure_rate asks that "
                          "share of the requests for a 500 answer, drop_rate that share for no answer at all (the "
                          "server resets the connection at once), both drawn with the seeded generator. transport=http goes "
                          "over real HTTP to an embedded server on 127.0.0.1 (a shared client opens at most 6 "
                          "connections to it, so robust requests beyond 6 wait for one); transport=simulated (forced "
                          "on the virtual clock, so deterministic runs stay reproducible) replaces the network with "
                          "timers.");
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
         QStringLiteral("requests"),
         QStringLiteral("Requests in flight at most; 0: all at once. The robust variant's: the seed has no limit."), {}},
        {QStringLiteral("failure_rate"), QStringLiteral("Failure rate"), Type::Double, 0, 1, 0.0, QString(),
         QStringLiteral("Share of the requests that ask the server for a 500 answer."), {}},
        {QStringLiteral("drop_rate"), QStringLiteral("Drop rate"), Type::Double, 0, 1, 0.0, QString(),
         QStringLiteral("Share of the requests the server never answers: it resets the connection at once, a "
                        "transport error (the seed drops it from its results)."),
         {}},
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
    const double dropRate = values.value(QStringLiteral("drop_rate")).toDouble();
    const bool seed = context.variant == variant::seed;
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
        const bool dropped = dropRate > 0 && uniform(runtime) < dropRate;
        QString path = QStringLiteral("/delay/%1").arg(delays[std::size_t(index)]);
        if (dropped)
            path += QStringLiteral("?drop=1");
        else if (fails)
            path += QStringLiteral("?status=500");
        paths << path;
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
        /// robust: by request, 0 for no answer; seed: the guide's filter_map result, the
        /// statuses of the answers in completion order.
        QVariantList statuses;
        int errors = 0; ///< requests without an answer (kept by robust, dropped by the seed)
    };
    auto soFar = std::make_shared<SoFar>();
    if (!seed) {
        for (int index = 0; index < requests; ++index)
            soFar->statuses << 0;
    }
    QVariantList delaysMs;
    for (long long delay : delays)
        delaysMs << delay;
    context.metricsSoFar = [soFar, measures, delaysMs, transportName = transport->name(), start, &runtime, seed] {
        QVariantMap metrics;
        metrics.insert(QStringLiteral("completion_order"), soFar->completionOrder);
        metrics.insert(QStringLiteral("statuses"), soFar->statuses);
        metrics.insert(QStringLiteral("delays_ms"), delaysMs);
        // What the guide's code loses without a word (we count it; its result cannot).
        metrics.insert(seed ? QStringLiteral("answers_dropped") : QStringLiteral("errors"), soFar->errors);
        metrics.insert(QStringLiteral("max_in_flight"), measures->maxInFlight.load());
        metrics.insert(QStringLiteral("transport"), transportName);
        metrics.insert(QStringLiteral("total_ms"),
                       qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(runtime.now() - start).count()));
        return metrics;
    };
    // Instrumentation both variants share: the completion order as the trace tells it.
    auto recordCompletion = [&](const Completion &completion) {
        soFar->completionOrder << completion.index;
        completionCounters.emplace_back(QStringLiteral("completion %1").arg(soFar->completionOrder.size()));
        completionCounters.back().set(completion.index);
        if (!completion.response.answered())
            ++soFar->errors;
    };
    if (seed) {
        // The guide's: every request's future in one FuturesUnordered, all polled from this
        // task (no task per request, no limit), each through a client of its own; its
        // filter_map keeps the status of every answer, a 500 as much as a 200, and drops a
        // request that got no answer.
        FuturesUnordered<Completion> futures;
        for (int index = 0; index < requests; ++index)
            futures.push(fetch(index, paths.at(index), transport, measures, Client::OwnPerRequest));
        while (std::optional<Completion> done = co_await futures.next()) {
            recordCompletion(*done);
            if (done->response.answered())
                soFar->statuses << done->response.status;
        }
    } else {
        // A task per request in a JoinSet, with an optional limit (as buffer_unordered has):
        // keep up to `limit` requests in the set, and start the next one as one completes.
        JoinSet<Completion> inFlight;
        int next = 0;
        auto launchNext = [&] {
            inFlight.spawn(fetch(next, paths.at(next), transport, measures, Client::Shared),
                           QStringLiteral("request-%1").arg(next));
            ++next;
        };
        while (next < requests && (limit == 0 || int(inFlight.size()) < limit))
            launchNext();
        while (auto done = co_await inFlight.joinNext()) {
            const Completion &completion = done->value();
            recordCompletion(completion);
            soFar->statuses[completion.index] = completion.response.status;
            if (next < requests)
                launchNext();
        }
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
