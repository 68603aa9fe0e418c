#include "scenarios/joinsetscenario.h"

#include "runtime/joinset.h"
#include "runtime/yieldnow.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <memory>
#include <optional>
#include <utility>

namespace taskscope {

namespace {

/// What one task of the first batch gives back: which task it was, and the seed's message.
struct Completion
{
    int index = 0;
    QString message;
};

// The seed's task body: task i sleeps i steps.
Task<Completion> sleepsThenReports(int index, Duration step)
{
    co_await sleep(index * step);
    co_return Completion{index, QStringLiteral("Task %1 completed").arg(index)};
}

// A task of the second batch: it would sleep far past the first batch, but is aborted.
Task<Completion> sleepsTooLong(int index, Duration length)
{
    co_await sleep(length);
    co_return Completion{index, QStringLiteral("Task %1 was not aborted").arg(index)};
}

qlonglong toMs(Duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

} // namespace

QString JoinSetScenario::description() const
{
    return QStringLiteral("As the guide does, tasks 0…tasks−1 are spawned into a JoinSet in that order, task i "
                          "sleeping i × step_ms, and collected with joinNext() in the order they finish; then a "
                          "second batch is cancelled with abortAll().");
}

std::vector<ParameterSpec> JoinSetScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("tasks"), QStringLiteral("Tasks"), Type::Int, 0, 1000, 5, QStringLiteral("tasks"),
         QStringLiteral("How many tasks each batch spawns into the set."), {}},
        {QStringLiteral("step_ms"), QStringLiteral("Step"), Type::Int, 0, 60000, 100, QStringLiteral("ms"),
         QStringLiteral("Task i sleeps i times this long."), {}},
    };
}

Task<QVariantMap> JoinSetScenario::run(ScenarioContext &context) const
{
    const int taskCount = context.parameters.value(QStringLiteral("tasks")).toInt();
    const Duration step = std::chrono::milliseconds(context.parameters.value(QStringLiteral("step_ms")).toLongLong());
    Runtime &runtime = context.runtime;
    const TraceCounter pending(QStringLiteral("join set size"));
    // For the join-set page: each task index as it is spawned and as joinNext() returns it.
    const TraceInstant spawned(QStringLiteral("join set spawned"));
    const TraceInstant joined(QStringLiteral("join set joined"));
    const TraceCounter abortedCount(QStringLiteral("join set aborted"));
    const Instant start = runtime.now();

    // What the run has seen, kept as it goes so that a run cut short still reports it (only
    // this task writes it; the runner reads it after the cut, in this task too).
    struct SoFar
    {
        QVariantList spawnOrder;
        QVariantList completionOrder;
        QStringList messages;
        std::optional<Duration> elapsed;
        int aborted = 0;
    };
    auto soFar = std::make_shared<SoFar>();
    context.metricsSoFar = [soFar, start, &runtime] {
        QVariantMap metrics;
        metrics.insert(QStringLiteral("spawn_order"), soFar->spawnOrder);
        metrics.insert(QStringLiteral("completion_order"), soFar->completionOrder);
        metrics.insert(QStringLiteral("messages"), soFar->messages);
        metrics.insert(QStringLiteral("elapsed_ms"), toMs(soFar->elapsed.value_or(runtime.now() - start)));
        metrics.insert(QStringLiteral("aborted"), soFar->aborted);
        return metrics;
    };

    // The guide's `for i in 0..5 { set.spawn(...) }`.
    JoinSet<Completion> set;
    for (int index = 0; index < taskCount; ++index) {
        set.spawn(sleepsThenReports(index, step), QStringLiteral("task-%1").arg(index));
        soFar->spawnOrder << index;
        spawned.mark(index);
    }
    pending.set(qint64(set.size()));

    while (auto result = co_await set.joinNext()) {
        Completion &completion = result->value();
        soFar->completionOrder << completion.index;
        joined.mark(completion.index);
        soFar->messages << completion.message;
        pending.set(qint64(set.size()));
    }
    soFar->elapsed = runtime.now() - start;

    // abortAll: a batch that would outlast the first one many times over is cancelled. The
    // yield lets every task reach its sleep first, so the abort unwinds a suspended sleep.
    const Duration tooLong = std::chrono::hours(1) + 10 * taskCount * step;
    for (int index = 0; index < taskCount; ++index)
        set.spawn(sleepsTooLong(index, tooLong), QStringLiteral("long-task-%1").arg(index));
    pending.set(qint64(set.size()));
    co_await yieldNow();
    set.abortAll();
    while (auto result = co_await set.joinNext()) {
        if (!result->isOk() && result->error().isCancelled())
            abortedCount.set(++soFar->aborted);
        pending.set(qint64(set.size()));
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
