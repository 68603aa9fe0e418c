#include "scenarios/streampipelinescenario.h"

#include "stream/numberstream.h"
#include "stream/stream.h"
#include "time/sleep.h"
#include "trace/span.h"
#include "trace/tracecounter.h"

#include <memory>
#include <optional>
#include <ranges>
#include <utility>

namespace taskscope {

namespace {

// How many values a list metric shows: enough to read, small enough for any items.
constexpr qsizetype kShownValues = 100;

// The most numbers NumberStream may count: as many as the pipeline's items.
constexpr int kMaxNumbers = 1000000;

/// The next number of @p numbers, as the guide's `stream.next().await` gets it. NumberStream's
/// poll_next is always Ready, so that await never suspends: next() is run here, to its end,
/// and awaiting the task given back finds it done. (Awaited lazily instead, every item would
/// be a nested resumption, which in a debug build, where GCC makes no tail call of it, deepens
/// the worker's stack.) A plain function, not a coroutine, for the same reason.
Task<std::optional<std::size_t>> pollNext(NumberStream &numbers)
{
    Task<std::optional<std::size_t>> next = numbers.next();
    next.handle().resume();
    Q_ASSERT(next.isDone()); // NumberStream::next() never suspends
    return next;
}

qlonglong toMs(Duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

} // namespace

QString StreamPipelineScenario::description() const
{
    return QStringLiteral("The numbers 1…items flow one at a time through map (× multiply, sleeping stage_delay_ms "
                          "per item), filter (> keep_above) and collect; then the guide's custom NumberStream "
                          "counts 0…numbers−1 (the guide's NumberStream::new(5)). It is always ready and never "
                          "yields, as in the guide: its whole loop is one poll, and with a large count the task "
                          "registry warns that it held its worker. That warning is the lesson.");
}

std::vector<ParameterSpec> StreamPipelineScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("items"), QStringLiteral("Items"), Type::Int, 0, 1000000, 10, QStringLiteral("items"),
         QStringLiteral("The source yields 1 up to this number."), {}},
        {QStringLiteral("multiply"), QStringLiteral("Multiply by"), Type::Int, -1000, 1000, 2, {},
         QStringLiteral("The map stage multiplies each item by this factor."), {}},
        {QStringLiteral("keep_above"), QStringLiteral("Keep above"), Type::Int, -1000000, 1000000, 5, {},
         QStringLiteral("The filter stage keeps only items greater than this."), {}},
        {QStringLiteral("stage_delay_ms"), QStringLiteral("Stage delay"), Type::Int, 0, 10000, 0,
         QStringLiteral("ms"), QStringLiteral("The map stage sleeps this long per item, so items visibly flow."),
         {}},
        {QStringLiteral("numbers"), QStringLiteral("NumberStream count"), Type::Int, 0, kMaxNumbers, 5,
         QStringLiteral("items"),
         QStringLiteral("The custom NumberStream yields 0 up to this number less one (the guide: 5). It never "
                        "yields to the scheduler, so a large count holds the worker in one long poll."),
         {}},
    };
}

Task<QVariantMap> StreamPipelineScenario::run(ScenarioContext &context) const
{
    const qint64 itemCount = context.parameters.value(QStringLiteral("items")).toLongLong();
    const qint64 factor = context.parameters.value(QStringLiteral("multiply")).toLongLong();
    const qint64 threshold = context.parameters.value(QStringLiteral("keep_above")).toLongLong();
    const Duration stageDelay =
        std::chrono::milliseconds(context.parameters.value(QStringLiteral("stage_delay_ms")).toLongLong());
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    // What has come out so far, kept as it goes so that a run cut short still reports it.
    // The pipeline runs inline in this task, so only this task writes it; the runner reads it
    // after a cut, in this task too.
    struct SoFar
    {
        QVariantList result;
        qint64 count = 0;
        qint64 sum = 0;
        QVariantList numberList;
        std::optional<Duration> elapsed;
    };
    auto soFar = std::make_shared<SoFar>();
    context.metricsSoFar = [soFar, start, &runtime] {
        QVariantMap metrics;
        metrics.insert(QStringLiteral("result"), soFar->result);
        metrics.insert(QStringLiteral("count"), qlonglong(soFar->count));
        metrics.insert(QStringLiteral("sum"), qlonglong(soFar->sum));
        metrics.insert(QStringLiteral("number_stream"), soFar->numberList);
        metrics.insert(QStringLiteral("elapsed_ms"), toMs(soFar->elapsed.value_or(runtime.now() - start)));
        return metrics;
    };

    // Each stage is named, so the trace counts what it passes on ("stage iter", "stage map",
    // "stage filter", "stage filter dropped", "stage collect", "stage collect last"): the
    // Pattern page animates the items from those counters.
    // The seed's map is synchronous; with a delay it becomes an awaited stage (then) that
    // sleeps in a span per item, so the timeline shows each item passing through it.
    Stream<qint64> source = iter(std::views::iota(qint64(1), itemCount + 1), QStringLiteral("iter"));
    Stream<qint64> mapped = stageDelay > Duration::zero()
        ? std::move(source).then(
              [factor, stageDelay](qint64 value) -> Task<qint64> {
                  Span span(QStringLiteral("map item"));
                  co_await sleep(stageDelay);
                  co_return value * factor;
              },
              QStringLiteral("map"))
        : std::move(source).map([factor](qint64 value) { return value * factor; }, QStringLiteral("map"));
    // Noted as it passes: collect takes each item the moment the filter lets it through.
    // Built outside the co_await: as a temporary inside it, GCC 12 released the lambda's
    // shared_ptr once too often (valgrind: SoFar freed while the metrics still held it).
    Stream<qint64> filtered = std::move(mapped).filter(
        [threshold, soFar](qint64 value) {
            if (value <= threshold)
                return false;
            if (soFar->result.size() < kShownValues)
                soFar->result << value;
            ++soFar->count;
            soFar->sum += value;
            return true;
        },
        QStringLiteral("filter"));
    (void)co_await std::move(filtered).collect(QStringLiteral("collect")); // counted as they passed
    soFar->elapsed = runtime.now() - start;

    // The guide's custom_stream_example: `while let Some(number) = stream.next().await`. The
    // loop awaits NumberStream::next() itself, not through Stream<T>::next(), whose cooperative
    // budget would add a yield the guide does not have: every item is ready, so the whole loop
    // runs in this one poll. Each number is traced where the guide prints it.
    const qint64 numberCount = context.parameters.value(QStringLiteral("numbers")).toLongLong();
    const TraceInstant printed(QStringLiteral("number stream printed"));
    NumberStream numbers{std::size_t(numberCount)};
    while (std::optional<std::size_t> number = co_await pollNext(numbers)) {
        printed.mark(std::int64_t(*number));
        if (soFar->numberList.size() < kShownValues)
            soFar->numberList << qulonglong(*number);
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
