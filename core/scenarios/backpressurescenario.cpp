#include "scenarios/backpressurescenario.h"
#include "scenarios/statistics.h"

#include "runtime/joinset.h"
#include "sync/mpsc.h"
#include "sync/notify.h"
#include "sync/semaphore.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace taskscope {

namespace {

struct Item
{
    int index;
    Instant producedAt;
    /// Drawn by the producer (item_failure_rate): this item's processing throws.
    bool fails;
};

/// What a failing item throws: in C++ the stand-in for a panic in the item's processor.
class ItemFailed : public std::runtime_error
{
public:
    explicit ItemFailed(int index)
        : std::runtime_error("item " + std::to_string(index) + " failed")
    {
    }
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
        , processorRunning(QStringLiteral("processor running"))
        , itemsFailedCounter(QStringLiteral("items failed"))
        , panicsReportedCounter(QStringLiteral("panics reported"))
        , panicsLostCounter(QStringLiteral("panics lost"))
        , returnedBeforeDone(QStringLiteral("returned before done ms"))
        , itemEnded(QStringLiteral("item ended"))
    {
    }
    TraceCounter queueLength;
    TraceCounter inFlightCounter;
    // For the backpressure page: each item's latency (produced → processed) and whether the
    // producer is held back by a full queue (1) or not (0).
    TraceCounter latencyMs;
    TraceCounter producerBlocked;
    // For the page's verdict on the processor: running (1) or returned (0); the items that
    // threw, the panics the processor reported and those not reported (so far, then in the
    // end); and, once it has returned, how long its items went on (growing while they run).
    TraceCounter processorRunning;
    TraceCounter itemsFailedCounter;
    TraceCounter panicsReportedCounter;
    TraceCounter panicsLostCounter;
    TraceCounter returnedBeforeDone;
    /// Notified each time an item ends, so that the run can wait for the last one.
    Notify itemEnded;
    std::atomic<int> produced{0}; // items sent, as the producer goes
    std::atomic<int> processed{0};
    std::atomic<int> itemsFailed{0};
    std::atomic<int> panicsReported{0}; // by the robust processor, as it joins them
    std::atomic<int> itemsEnded{0};
    /// When the processor returned (ns on the runtime clock), -1 while it runs.
    std::atomic<std::int64_t> returnedAtNs{-1};
    /// When the latest item ended (ns on the runtime clock).
    std::atomic<std::int64_t> lastEndNs{0};
    std::atomic<int> inFlight{0};
    std::atomic<int> maxInFlight{0};
    std::atomic<int> maxQueueLength{0}; // sampled by the producer right after each send
    std::atomic<std::int64_t> producerWaitNs{0};
    detail::Mutex latencyMutex;
    std::vector<Duration> latencies;
};

template<typename T>
void raiseTo(std::atomic<T> &high, T value)
{
    T seen = high.load();
    while (value > seen && !high.compare_exchange_weak(seen, value)) {
    }
}

std::int64_t nanoseconds(Instant at)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

/// A number in [0, 1) from the runtime's seeded generator.
double uniform(Runtime &runtime)
{
    return double(runtime.random() >> 11) * 0x1.0p-53;
}

// The producer: `items` items at `rate` per second; a full channel makes it wait.
Task<int> producer(mpsc::Sender<Item> out, int items, double ratePerSecond, double failureRate, Runtime &runtime,
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
        // Drawn here, in item order, by the one producer: the same seed fails the same items.
        const bool fails = failureRate > 0 && uniform(runtime) < failureRate;
        const bool sent = static_cast<bool>(co_await out.send(Item{index, before, fails}));
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

/// One item's processing as the run measures it: in flight while it lives, then ended, also
/// when the item throws or is cancelled (the destructor runs as the frame unwinds).
class ItemRun
{
public:
    ItemRun(Measures &measures, Runtime &runtime)
        : m_measures(measures)
        , m_runtime(runtime)
    {
        const int now = m_measures.inFlight.fetch_add(1) + 1;
        raiseTo(m_measures.maxInFlight, now);
        m_measures.inFlightCounter.set(now);
    }
    ItemRun(const ItemRun &) = delete;
    ItemRun &operator=(const ItemRun &) = delete;
    ~ItemRun()
    {
        m_measures.inFlightCounter.set(m_measures.inFlight.fetch_sub(1) - 1);
        const std::int64_t endNs = nanoseconds(m_runtime.now());
        raiseTo(m_measures.lastEndNs, endNs);
        // Only the seed's processor has returned while items still end.
        if (const std::int64_t returnedNs = m_measures.returnedAtNs.load(); returnedNs >= 0)
            m_measures.returnedBeforeDone.set(std::max<std::int64_t>(0, (endNs - returnedNs) / 1000000));
        // The count goes up before the notification: the run rechecks it after each wake.
        ++m_measures.itemsEnded;
        m_measures.itemEnded.notifyOne();
    }

private:
    Measures &m_measures;
    Runtime &m_runtime;
};

/// The processor the run hands to process_with_backpressure (the seed's `processor`): work_ms
/// of work per item; an item drawn to fail throws at the end of it.
using Processor = std::function<Task<void>(Item)>;

Task<void> processItem(Item item, Duration work, Runtime &runtime, std::shared_ptr<Measures> measures)
{
    const ItemRun running(*measures, runtime);
    co_await sleep(work);
    if (item.fails) {
        const int failed = measures->itemsFailed.fetch_add(1) + 1;
        measures->itemsFailedCounter.set(failed);
        // Unreported so far; the robust processor lowers it again as it joins the item.
        measures->panicsLostCounter.set(failed - measures->panicsReported.load());
        throw ItemFailed(item.index);
    }
    const Duration latency = runtime.now() - item.producedAt;
    measures->latencyMs.set(std::chrono::duration_cast<std::chrono::milliseconds>(latency).count());
    {
        detail::LockGuard lock(measures->latencyMutex);
        measures->latencies.push_back(latency);
    }
    ++measures->processed;
}

/// The body of each spawned item task: `processor(item).await; drop(permit);`. Had the
/// processor thrown, the permit still goes back, as the frame unwinds (as in Rust).
Task<void> processHolding(std::shared_ptr<Processor> processor, Item item, OwnedSemaphorePermit permit)
{
    co_await (*processor)(item);
    permit.release();
}

/// The seed's process_with_backpressure, line for line: each item's task is spawned and its
/// JoinHandle dropped. The function returns once the channel is closed and drained, while up
/// to max_concurrent items still run, and nobody ever learns whether any of them threw.
Task<void> processWithBackpressureSeed(mpsc::Receiver<Item> input, Processor processor, std::size_t maxConcurrent,
                                       std::shared_ptr<Measures> measures)
{
    auto semaphore = std::make_shared<Semaphore>(maxConcurrent, QStringLiteral("processing permits"));
    auto shared = std::make_shared<Processor>(std::move(processor));

    while (std::optional<Item> item = co_await input.recv()) {
        measures->queueLength.set(std::int64_t(input.len())); // trace only: the queue drains as well as fills
        OwnedSemaphorePermit permit = co_await semaphore->acquireOwned();
        std::shared_ptr<Processor> itemProcessor = shared;

        (void)spawn(processHolding(std::move(itemProcessor), *item, std::move(permit)),
                    QStringLiteral("item-%1").arg(item->index));
    }
}

/// What the robust processor saw of its items.
struct ProcessingReport
{
    int joined = 0;
    int panics = 0;
};

/// The robust processor: the same permits, but every item task stays in a JoinSet. Finished
/// ones are joined as the loop goes (so the set stays at max_concurrent), the rest before it
/// returns, and each panic joined is counted (and would be the caller's to handle).
Task<ProcessingReport> processWithBackpressureRobust(mpsc::Receiver<Item> input, Processor processor,
                                                     std::size_t maxConcurrent, std::shared_ptr<Measures> measures)
{
    auto semaphore = std::make_shared<Semaphore>(maxConcurrent, QStringLiteral("processing permits"));
    auto shared = std::make_shared<Processor>(std::move(processor));
    ProcessingReport report;
    auto account = [&](const JoinResult<void> &result) {
        ++report.joined;
        if (!result.isOk() && result.error().isPanicked()) {
            ++report.panics;
            const int reported = measures->panicsReported.fetch_add(1) + 1;
            measures->panicsReportedCounter.set(reported);
            measures->panicsLostCounter.set(measures->itemsFailed.load() - reported);
        }
    };

    JoinSet<void> running;
    while (std::optional<Item> item = co_await input.recv()) {
        measures->queueLength.set(std::int64_t(input.len())); // the queue drains as well as fills
        OwnedSemaphorePermit permit = co_await semaphore->acquireOwned();
        running.spawn(processHolding(shared, *item, std::move(permit)), QStringLiteral("item-%1").arg(item->index));
        // A permit per running item: past max_concurrent in the set, one has finished.
        while (running.size() > maxConcurrent) {
            std::optional<JoinResult<void>> done = co_await running.joinNext();
            if (!done)
                break;
            account(*done);
        }
    }
    while (std::optional<JoinResult<void>> done = co_await running.joinNext())
        account(*done);
    co_return report;
}

} // namespace

QString BackpressureScenario::description() const
{
    return QStringLiteral("A producer sends items into a channel of queue_capacity; the processor takes one of "
                          "max_concurrent permits before it spawns each item's work_ms of work (the seed's "
                          "process_with_backpressure), so a slow consumer makes the producer wait. A share "
                          "item_failure_rate of the items throws at the end of its work. The seed variant drops each "
                          "item's handle: it returns while its last items still run (returned_before_done_ms) and "
                          "never hears of the items that threw (panics_lost). The robust variant joins every item "
                          "in a JoinSet before it returns and counts the panics it joins (panics_reported).");
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
        {QStringLiteral("item_failure_rate"), QStringLiteral("Item failure rate"), Type::Double, 0, 1, 0.02, QString(),
         QStringLiteral("Share of the items whose processing throws at the end of its work (a panic in Rust), drawn "
                        "with the seeded generator. The seed loses them without a word."),
         {}},
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
    const double failureRate = values.value(QStringLiteral("item_failure_rate")).toDouble();
    const bool seed = context.variant == QLatin1String("seed");
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
        const int failed = measures->itemsFailed.load();
        const int reported = measures->panicsReported.load();
        const std::int64_t returnedAt = measures->returnedAtNs.load();
        QVariantMap metrics;
        metrics.insert(QStringLiteral("produced"), measures->produced.load());
        metrics.insert(QStringLiteral("processed"), measures->processed.load());
        metrics.insert(QStringLiteral("items_failed"), failed);
        metrics.insert(QStringLiteral("panics_reported"), reported);
        metrics.insert(QStringLiteral("panics_lost"), failed - reported);
        // Null while the processor has not returned (a run cut short before it did).
        metrics.insert(QStringLiteral("returned_before_done_ms"),
                       returnedAt < 0 ? QVariant()
                                      : QVariant(qlonglong(std::max<std::int64_t>(0, (measures->lastEndNs.load() - returnedAt) / 1000000))));
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
    producing.spawn(producer(std::move(tx), items, rate, failureRate, runtime, measures), QStringLiteral("producer"));

    Processor processor = [work, &runtime, measures](Item item) { return processItem(item, work, runtime, measures); };
    measures->processorRunning.set(1);
    ProcessingReport report;
    if (seed)
        co_await processWithBackpressureSeed(std::move(rx), std::move(processor), std::size_t(maxConcurrent), measures);
    else
        report = co_await processWithBackpressureRobust(std::move(rx), std::move(processor), std::size_t(maxConcurrent),
                                                        measures);
    const Instant returned = runtime.now();
    measures->returnedAtNs.store(nanoseconds(returned));
    measures->processorRunning.set(0);

    // The processor has returned; the run, as its caller, waits for every item it was given,
    // however the processor left them, to see how long the work went on without it.
    std::optional<JoinResult<int>> produced = co_await producing.joinNext();
    const int producedCount = produced->value();
    while (measures->itemsEnded.load() < producedCount)
        co_await measures->itemEnded.notified();
    const auto returnedBeforeDoneMs = std::max<std::int64_t>(0, (measures->lastEndNs.load() - nanoseconds(returned)) / 1000000);
    measures->returnedBeforeDone.set(returnedBeforeDoneMs);
    const int panicsLost = measures->itemsFailed.load() - report.panics;
    measures->panicsLostCounter.set(panicsLost);

    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
