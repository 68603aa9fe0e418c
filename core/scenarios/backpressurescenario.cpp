#include "scenarios/backpressurescenario.h"
#include "scenarios/statistics.h"

#include "runtime/joinset.h"
#include "sync/mpsc.h"
#include "sync/semaphore.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace taskscope {

namespace {

struct Item
{
    int index;
    Instant producedAt;
};

/// What the run measures, shared by the producer, the processor and the item tasks (all on
/// the runtime; the counters are atomics because items run on any worker). Shared ownership:
/// a run cancelled half-way (Reset, --duration) destroys the processor's frame while the
/// producer and item tasks may still be running on other workers.
struct Measures
{
    Measures()
        : queueLength(QStringLiteral("queue length"))
        , inFlightCounter(QStringLiteral("in flight"))
        , latencyMs(QStringLiteral("latency ms"))
        , producerBlocked(QStringLiteral("producer blocked"))
    {
    }
    TraceCounter queueLength;
    TraceCounter inFlightCounter;
    // For the backpressure page: each item's latency (produced → processed) and whether the
    // producer is held back by a full queue (1) or not (0).
    TraceCounter latencyMs;
    TraceCounter producerBlocked;
    std::atomic<int> produced{0}; // items sent, as the producer goes
    std::atomic<int> processed{0};
    std::atomic<int> inFlight{0};
    std::atomic<int> maxInFlight{0};
    std::atomic<int> maxQueueLength{0}; // sampled by the producer right after each send
    std::atomic<std::int64_t> producerWaitNs{0};
    detail::Mutex latencyMutex;
    std::vector<Duration> latencies;
};

void raiseTo(std::atomic<int> &high, int value)
{
    int seen = high.load();
    while (value > seen && !high.compare_exchange_weak(seen, value)) {
    }
}

// The producer: `items` items at `rate` per second; a full channel makes it wait.
Task<int> producer(mpsc::Sender<Item> out, int items, double ratePerSecond, Runtime &runtime,
                   std::shared_ptr<Measures> measures)
{
    const Duration gap = ratePerSecond > 0 ? std::chrono::duration_cast<Duration>(
                                                 std::chrono::duration<double>(1.0 / ratePerSecond))
                                           : Duration::zero();
    const Instant start = runtime.now();
    int produced = 0;
    for (int index = 0; index < items; ++index) {
        co_await sleepUntil(start + gap * index);
        const Instant before = runtime.now();
        // The page shows the producer blocked while a full queue holds it back.
        const bool full = out.len() >= out.capacity();
        if (full)
            measures->producerBlocked.set(1);
        const bool sent = static_cast<bool>(co_await out.send(Item{index, before}));
        if (full)
            measures->producerBlocked.set(0);
        if (!sent)
            break;
        measures->producerWaitNs += (runtime.now() - before).count();
        // Every queued item holds one of the channel's slots, so this never exceeds the capacity.
        const int length = int(out.len());
        raiseTo(measures->maxQueueLength, length);
        measures->queueLength.set(length);
        ++produced;
        ++measures->produced;
    }
    co_return produced;
}

// One item's work; the owned permit goes when the task ends (the seed's drop(permit)).
Task<void> processItem(Item item, OwnedSemaphorePermit permit, Duration work, Runtime &runtime,
                       std::shared_ptr<Measures> measures)
{
    const int now = measures->inFlight.fetch_add(1) + 1;
    raiseTo(measures->maxInFlight, now);
    measures->inFlightCounter.set(now);
    co_await sleep(work);
    {
        const Duration latency = runtime.now() - item.producedAt;
        measures->latencyMs.set(std::chrono::duration_cast<std::chrono::milliseconds>(latency).count());
        detail::LockGuard lock(measures->latencyMutex);
        measures->latencies.push_back(latency);
    }
    measures->inFlightCounter.set(measures->inFlight.fetch_sub(1) - 1);
    ++measures->processed;
    (void)permit;
}

} // namespace

QString BackpressureScenario::description() const
{
    return QStringLiteral("A producer sends items into a channel of queue_capacity; the processor takes one of "
                          "max_concurrent permits before it spawns each item's work_ms of work (the seed's "
                          "process_with_backpressure), so a slow consumer makes the producer wait.");
}

std::vector<ParameterSpec> BackpressureScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("producer_rate_per_s"), QStringLiteral("Producer rate"), Type::Double, 0, 1000000, 100,
         QStringLiteral("items/s"), QStringLiteral("How fast the producer offers items (0: as fast as it can)."), {}},
        {QStringLiteral("queue_capacity"), QStringLiteral("Queue capacity"), Type::Int, 1, 100000, 16,
         QStringLiteral("items"), QStringLiteral("Items the channel holds before the producer waits."), {}},
        {QStringLiteral("max_concurrent"), QStringLiteral("Max concurrent"), Type::Int, 1, 10000, 4,
         QStringLiteral("items"), QStringLiteral("Items processed at once (the semaphore's permits)."), {}},
        {QStringLiteral("work_ms"), QStringLiteral("Work"), Type::Int, 0, 600000, 50, QStringLiteral("ms"),
         QStringLiteral("How long processing one item takes."), {}},
        {QStringLiteral("items"), QStringLiteral("Items"), Type::Int, 0, 1000000, 200, QStringLiteral("items"),
         QStringLiteral("How many items the producer sends."), {}},
    };
}

Task<QVariantMap> BackpressureScenario::run(ScenarioContext &context) const
{
    const QVariantMap &values = context.parameters;
    const int items = values.value(QStringLiteral("items")).toInt();
    const int capacity = values.value(QStringLiteral("queue_capacity")).toInt();
    const int maxConcurrent = values.value(QStringLiteral("max_concurrent")).toInt();
    const Duration work = std::chrono::milliseconds(values.value(QStringLiteral("work_ms")).toLongLong());
    const double rate = values.value(QStringLiteral("producer_rate_per_s")).toDouble();
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    const auto measures = std::make_shared<Measures>();
    context.metricsSoFar = [measures, start, &runtime] {
        std::vector<Duration> latencies;
        {
            detail::LockGuard lock(measures->latencyMutex);
            latencies = measures->latencies;
        }
        std::sort(latencies.begin(), latencies.end());
        QVariantMap metrics;
        metrics.insert(QStringLiteral("produced"), measures->produced.load());
        metrics.insert(QStringLiteral("processed"), measures->processed.load());
        metrics.insert(QStringLiteral("max_in_flight"), measures->maxInFlight.load());
        metrics.insert(QStringLiteral("max_queue_len"), measures->maxQueueLength.load());
        metrics.insert(QStringLiteral("producer_wait_ms"), double(measures->producerWaitNs.load()) / 1e6);
        metrics.insert(QStringLiteral("latency_ms_p50"), percentileMs(latencies, 50));
        metrics.insert(QStringLiteral("latency_ms_p99"), percentileMs(latencies, 99));
        metrics.insert(QStringLiteral("elapsed_ms"),
                       qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(runtime.now() - start).count()));
        return metrics;
    };
    auto [tx, rx] = mpsc::channel<Item>(std::size_t(capacity), QStringLiteral("items"));
    // In a set of its own, so that a run cut short takes the producer down with it (a dropped
    // JoinHandle would leave it producing for nobody).
    JoinSet<int> producing;
    producing.spawn(producer(std::move(tx), items, rate, runtime, measures), QStringLiteral("producer"));

    // The seed's processor loop.
    auto semaphore = std::make_shared<Semaphore>(std::size_t(maxConcurrent), QStringLiteral("processing permits"));
    JoinSet<void> running;
    while (std::optional<Item> item = co_await rx.recv()) {
        measures->queueLength.set(std::int64_t(rx.len())); // the queue drains as well as fills
        OwnedSemaphorePermit permit = co_await semaphore->acquireOwned();
        running.spawn(processItem(*item, std::move(permit), work, runtime, measures),
                      QStringLiteral("item-%1").arg(item->index));
        // Finished item tasks leave the set as they go, so it does not grow with the run.
        while (running.size() > std::size_t(maxConcurrent)) {
            if (!co_await running.joinNext())
                break;
        }
    }
    while (auto finished = co_await running.joinNext())
        (void)finished;

    std::optional<JoinResult<int>> produced = co_await producing.joinNext();
    (void)produced->value(); // a failed producer fails the run; its count is measures->produced
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
