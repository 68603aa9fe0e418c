#include "scenarios/tracingscenario.h"
#include "scenarios/statistics.h"

#include "runtime/joinset.h"
#include "time/sleep.h"
#include "trace/span.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>
#include <utility>

namespace taskscope {

namespace {

const QString expensiveOperationName = QStringLiteral("expensive_operation");

/// What expensive_operation gives back: the seed's result, and how long its span lasted.
struct Operation
{
    QString result;
    Duration spanLength{};
};

/// What one spawned task gives back: its operation and the time timedTask reported for it.
struct TimedOperation
{
    Operation operation;
    Duration timed{};
};

// The seed's #[instrument]ed expensive_operation: a span around a sleep of @p length.
Task<Operation> expensiveOperation(int id, Duration length)
{
    Span span(expensiveOperationName);
    co_await sleep(length);
    // Read before returning: no await follows, so this equals the duration the span records.
    co_return Operation{QStringLiteral("Result for %1").arg(id), span.elapsed()};
}

// The seed's timed_task around expensive_operation.
Task<TimedOperation> timedOperation(int id, Duration length)
{
    Duration timed{};
    Operation operation = co_await timedTask(QStringLiteral("task-%1").arg(id), expensiveOperation(id, length), &timed);
    // timedTask's frame has finished by now, so `timed` holds its report.
    co_return TimedOperation{std::move(operation), timed};
}

qlonglong toMs(Duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

} // namespace

QString TracingScenario::description() const
{
    return QStringLiteral("Tasks spawned into a JoinSet each run timedTask(\"task-i\", expensive_operation(i)); the "
                          "operation opens a span and sleeps op_ms plus up to jitter_ms. The run reports the "
                          "spans' and the timed tasks' p50 and p99 durations.");
}

std::vector<ParameterSpec> TracingScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("tasks"), QStringLiteral("Tasks"), Type::Int, 0, 100000, 100, QStringLiteral("tasks"),
         QStringLiteral("How many timed tasks are spawned."), {}},
        {QStringLiteral("op_ms"), QStringLiteral("Operation"), Type::Int, 0, 600000, 100, QStringLiteral("ms"),
         QStringLiteral("How long each expensive operation sleeps at least."), {}},
        {QStringLiteral("jitter_ms"), QStringLiteral("Jitter"), Type::Int, 0, 600000, 0, QStringLiteral("ms"),
         QStringLiteral("Each operation sleeps up to this much longer, drawn at random."), {}},
    };
}

Task<QVariantMap> TracingScenario::run(ScenarioContext &context) const
{
    const int taskCount = context.parameters.value(QStringLiteral("tasks")).toInt();
    const qlonglong operationMs = context.parameters.value(QStringLiteral("op_ms")).toLongLong();
    const auto jitterMs = std::uint64_t(context.parameters.value(QStringLiteral("jitter_ms")).toLongLong());
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    JoinSet<TimedOperation> set;
    for (int index = 0; index < taskCount; ++index) {
        // Drawn here, in spawn order, so a deterministic run gives every task the same length.
        const qlonglong jitter = jitterMs == 0 ? 0 : qlonglong(runtime.random() % (jitterMs + 1));
        const Duration length = std::chrono::milliseconds(operationMs + jitter);
        set.spawn(timedOperation(index, length), QStringLiteral("task-%1").arg(index));
    }

    // What the joined operations measured, kept as they come so that a run cut short still
    // reports it (only this task writes it; the runner reads it after a cut, in this task too).
    struct SoFar
    {
        std::vector<Duration> spanLengths;
        std::vector<Duration> timedLengths;
        qlonglong results = 0;
        std::optional<Duration> elapsed;
    };
    auto soFar = std::make_shared<SoFar>();
    soFar->spanLengths.reserve(std::size_t(taskCount));
    soFar->timedLengths.reserve(std::size_t(taskCount));
    context.metricsSoFar = [soFar, start, &runtime] {
        std::vector<Duration> spanLengths = soFar->spanLengths;
        std::vector<Duration> timedLengths = soFar->timedLengths;
        std::sort(spanLengths.begin(), spanLengths.end());
        std::sort(timedLengths.begin(), timedLengths.end());
        QVariantMap operationSpans;
        operationSpans.insert(QStringLiteral("count"), qlonglong(spanLengths.size()));
        operationSpans.insert(QStringLiteral("p50_ms"), percentileMs(spanLengths, 50));
        operationSpans.insert(QStringLiteral("p99_ms"), percentileMs(spanLengths, 99));
        QVariantMap spans;
        spans.insert(expensiveOperationName, operationSpans);

        QVariantMap metrics;
        metrics.insert(QStringLiteral("spans"), spans);
        metrics.insert(QStringLiteral("timed_p50_ms"), percentileMs(timedLengths, 50));
        metrics.insert(QStringLiteral("timed_p99_ms"), percentileMs(timedLengths, 99));
        metrics.insert(QStringLiteral("results"), soFar->results);
        metrics.insert(QStringLiteral("elapsed_ms"), toMs(soFar->elapsed.value_or(runtime.now() - start)));
        return metrics;
    };
    while (auto joined = co_await set.joinNext()) {
        if (!joined->isOk())
            continue;
        const TimedOperation &done = joined->value();
        soFar->spanLengths.push_back(done.operation.spanLength);
        soFar->timedLengths.push_back(done.timed);
        if (!done.operation.result.isEmpty())
            ++soFar->results;
    }
    soFar->elapsed = runtime.now() - start;
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
