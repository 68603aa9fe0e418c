#include "scenarios/streampipelinescenario.h"

#include "stream/numberstream.h"
#include "stream/stream.h"
#include "time/sleep.h"
#include "trace/span.h"

#include <memory>
#include <optional>
#include <ranges>
#include <utility>

namespace taskscope {

namespace {

// How many values a list metric shows: enough to read, small enough for any items.
constexpr qsizetype kShownValues = 100;

qlonglong toMs(Duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

} // namespace

QString StreamPipelineScenario::description() const
{
    return QStringLiteral("The numbers 1…items flow one at a time through map (× multiply, sleeping stage_delay_ms "
                          "per item), filter (> keep_above) and collect; then the seed's custom NumberStream "
                          "counts 0…items−1.");
}

std::vector<ParameterSpec> StreamPipelineScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("items"), QStringLiteral("Items"), Type::Int, 0, 1000000, 10, QStringLiteral("items"),
         QStringLiteral("The source yields 1 up to this number; NumberStream yields this many."), {}},
        {QStringLiteral("multiply"), QStringLiteral("Multiply by"), Type::Int, -1000, 1000, 2, {},
         QStringLiteral("The map stage multiplies each item by this factor."), {}},
        {QStringLiteral("keep_above"), QStringLiteral("Keep above"), Type::Int, -1000000, 1000000, 5, {},
         QStringLiteral("The filter stage keeps only items greater than this."), {}},
        {QStringLiteral("stage_delay_ms"), QStringLiteral("Stage delay"), Type::Int, 0, 10000, 0,
         QStringLiteral("ms"), QStringLiteral("The map stage sleeps this long per item, so items visibly flow."),
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

    // The seed's custom stream, read item by item as its `while let Some(number)` loop does.
    Stream<std::size_t> numbers = Stream<std::size_t>::from<NumberStream>(std::size_t(itemCount));
    while (std::optional<std::size_t> number = co_await numbers.next()) {
        if (soFar->numberList.size() < kShownValues)
            soFar->numberList << qulonglong(*number);
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
