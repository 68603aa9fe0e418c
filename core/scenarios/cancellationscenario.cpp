#include "scenarios/cancellationscenario.h"

#include "runtime/joinset.h"
#include "sync/cancellationtoken.h"
#include "sync/withcancellation.h"
#include "time/sleep.h"
#include "trace/span.h"
#include "trace/tracecounter.h"

#include <atomic>
#include <memory>
#include <optional>
#include <utility>

namespace taskscope {

namespace {

/// The shape of the task tree and the work each task does.
struct TreeShape
{
    int children = 0;
    int depth = 0;
    Duration work{};
    /// The task whose token is cancelled (its name), or empty when the scenario cancels the
    /// root token itself; and when.
    QString cancelTarget;
    Instant cancelAt{};
};

/// How a subtree ended. Each task sums its children's tallies, so no shared counters.
struct TreeTally
{
    int tasks = 0;
    int cancelled = 0;
    int completed = 0;

    TreeTally &operator+=(const TreeTally &other)
    {
        tasks += other.tasks;
        cancelled += other.cancelled;
        completed += other.completed;
        return *this;
    }
};

// The seed's long_running_work.
Task<void> longRunningWork(Duration length)
{
    Span span(QStringLiteral("long_running_work"));
    co_await sleep(length);
}

/// How a task's race between its work and its token ended, as the "select <task>" counter
/// traces it for the cancellation page.
enum class RaceState : std::int64_t {
    Racing = 0,     ///< the work runs and the task watches its token
    WorkWon = 1,    ///< the work finished first; watching the token was dropped
    CancelWon = 2,  ///< the token was cancelled first; the work was aborted at its await
};

/// Traces "token <node>" = 1 when @p token is cancelled, for as long as the registration lives.
/// The page draws the token tree from these names and lights what they mark.
CancellationToken::Registration traceTokenCancel(const CancellationToken &token, const QString &node)
{
    // The callback runs on the thread that calls cancel(), and may outlive this frame's
    // locals: it owns its counter.
    auto mark = std::make_shared<TraceCounter>(QStringLiteral("token ") + node);
    return token.onCancel([mark] { mark->set(1); });
}

/// At most this many tree nodes get their own named counters (whole levels from the top): a
/// deeper tree (up to 16⁴ tasks) would flood the trace and the page with names no one can read.
constexpr int tracedNodeLimit = 400;

/// The levels (from 0) whose nodes are traced one by one: the most whose nodes, with the root
/// token, stay within tracedNodeLimit.
int tracedLevels(const TreeShape &shape)
{
    int levels = 0;
    qint64 nodes = 1; // the root token
    qint64 perLevel = 1;
    while (levels <= shape.depth && nodes + perLevel <= tracedNodeLimit) {
        nodes += perLevel;
        perLevel *= std::max(1, shape.children);
        ++levels;
    }
    return levels;
}

/// The whole tree's tally as it happens, for the page ("tree tasks", "tree cancelled",
/// "tree work finished"), whatever its size.
struct TreeTrace
{
    int tracedLevels = 0;
    // Relaxed: each is a count on its own, read by the metrics after the tree's join (which
    // orders them) or after a cut, where a count a moment old still counts what ran.
    std::atomic<int> tasks{0};
    std::atomic<int> cancelled{0};
    std::atomic<int> completed{0};
    TraceCounter tasksCounter{QStringLiteral("tree tasks")};
    TraceCounter cancelledCounter{QStringLiteral("tree cancelled")};
    TraceCounter completedCounter{QStringLiteral("tree work finished")};
    /// When cancel() was called on the chosen token, in ns; -1 before (or never).
    std::atomic<std::int64_t> cancelCalledNs{-1};
    /// When what the cancel stopped had stopped (the chosen task's subtree, or the whole tree
    /// for the root token), in ns; -1 before.
    std::atomic<std::int64_t> cancelledSubtreeDoneNs{-1};
};

std::int64_t nowNs()
{
    return currentRuntime("cancellation").now().time_since_epoch().count();
}

/// Cancels @p token and notes when: the latency counts from the call, however late the
/// canceller ran after its planned time (a busy worker holds it back).
void cancelNow(const CancellationToken &token, TreeTrace &trace)
{
    // Relaxed: read after the tree's join (which orders it) or after a cut, where a store not
    // seen yet only leaves the latency null.
    trace.cancelCalledNs.store(nowNs(), std::memory_order_relaxed);
    token.cancel();
}

// One task of the tree: spawns its children with child tokens, races its own work against
// its token (the seed's select!), then waits for its subtree. The children live in a
// JoinSet, so a task that is itself aborted takes its subtree down with it.
// Its "select <name>" counter (RaceState) and "token <name>" mark are what the page draws;
// the names carry the tree's shape ("task-0.1" is a child of "task-0").
Task<TreeTally> treeTask(CancellationToken token, TreeShape shape, int level, QString name,
                         std::shared_ptr<TreeTrace> trace)
{
    std::optional<TraceCounter> race;
    CancellationToken::Registration tokenMark;
    if (level < trace->tracedLevels) {
        race.emplace(QStringLiteral("select ") + name);
        // Before the children spawn, so a parent is traced before its children.
        race->set(std::int64_t(RaceState::Racing));
        tokenMark = traceTokenCancel(token, name);
    }
    trace->tasksCounter.set(trace->tasks.fetch_add(1, std::memory_order_relaxed) + 1);
    JoinSet<TreeTally> children;
    if (level < shape.depth) {
        for (int index = 0; index < shape.children; ++index) {
            const QString childName = QStringLiteral("%1.%2").arg(name).arg(index);
            children.spawn(treeTask(token.childToken(), shape, level + 1, childName, trace), childName);
        }
    }
    // The chosen task cancels its own token at the set time: it and its subtree stop, the
    // tokens above it (and their other children) never hear of it.
    std::optional<JoinHandle<void>> canceller;
    if (name == shape.cancelTarget) {
        canceller = spawn(
            [](CancellationToken target, Instant at, std::shared_ptr<TreeTrace> trace) -> Task<void> {
                co_await sleepUntil(at);
                cancelNow(target, *trace);
            }(token, shape.cancelAt, trace),
            QStringLiteral("cancel ") + name);
    }
    const bool workFinished = (co_await withCancellation(token, longRunningWork(shape.work))).has_value();
    if (canceller)
        canceller->abort(); // the work won: nothing left to cancel
    if (race)
        race->set(std::int64_t(workFinished ? RaceState::WorkWon : RaceState::CancelWon));
    if (workFinished)
        trace->completedCounter.set(trace->completed.fetch_add(1, std::memory_order_relaxed) + 1);
    else
        trace->cancelledCounter.set(trace->cancelled.fetch_add(1, std::memory_order_relaxed) + 1);
    TreeTally tally{1, workFinished ? 0 : 1, workFinished ? 1 : 0};
    while (auto child = co_await children.joinNext())
        tally += child->value();
    if (name == shape.cancelTarget)
        trace->cancelledSubtreeDoneNs.store(nowNs(), std::memory_order_relaxed);
    co_return tally;
}

qlonglong toMs(Duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

/// The metrics of the tree as far as it has run: the tasks started, cancelled and finished,
/// and the cancel's latency — from the cancel() call until what it cancelled had stopped;
/// null when nothing was cancelled or it had not stopped yet.
QVariantMap treeMetrics(const TreeTrace &trace, Instant start, Instant now)
{
    const int cancelled = trace.cancelled.load(std::memory_order_relaxed);
    const std::int64_t calledNs = trace.cancelCalledNs.load(std::memory_order_relaxed);
    const std::int64_t stoppedNs = trace.cancelledSubtreeDoneNs.load(std::memory_order_relaxed);
    QVariant latency = QVariant::fromValue(nullptr);
    if (cancelled > 0 && calledNs >= 0 && stoppedNs >= 0)
        latency = toMs(Duration(std::max<std::int64_t>(0, stoppedNs - calledNs)));
    QVariantMap metrics;
    metrics.insert(QStringLiteral("tasks"), trace.tasks.load(std::memory_order_relaxed));
    metrics.insert(QStringLiteral("cancelled"), cancelled);
    metrics.insert(QStringLiteral("completed"), trace.completed.load(std::memory_order_relaxed));
    metrics.insert(QStringLiteral("cancel_latency_ms"), latency);
    metrics.insert(QStringLiteral("elapsed_ms"), toMs(now - start));
    return metrics;
}

} // namespace

QString CancellationScenario::description() const
{
    return QStringLiteral("A tree of tasks, each racing work_ms of work against a child token of its parent's, is "
                          "stopped by cancelling a token after cancel_after_ms: the root's (the seed's cancellable_task) "
                          "or, with cancel_level, one further down, whose subtree alone stops.");
}

std::vector<ParameterSpec> CancellationScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("work_ms"), QStringLiteral("Work"), Type::Int, 0, 600000, 5000, QStringLiteral("ms"),
         QStringLiteral("How long each task's work takes when it is not cancelled."), {}},
        {QStringLiteral("cancel_after_ms"), QStringLiteral("Cancel after"), Type::Int, 0, 600000, 2000,
         QStringLiteral("ms"), QStringLiteral("When the token is cancelled (the root's, unless Cancel at level says another)."), {}},
        {QStringLiteral("children"), QStringLiteral("Children"), Type::Int, 0, 16, 3, QStringLiteral("tasks"),
         QStringLiteral("How many children each task below the last level spawns."), {}},
        {QStringLiteral("depth"), QStringLiteral("Depth"), Type::Int, 0, 4, 2, QStringLiteral("levels"),
         QStringLiteral("Levels of children below the root task (0: the root task alone)."), {}},
        {QStringLiteral("cancel_level"), QStringLiteral("Cancel at level"), Type::Int, 0, 5, 0, QStringLiteral("level"),
         QStringLiteral("Whose token is cancelled: 0 the root token, 1 task-0's, 2 task-0.0's, 3 task-0.0.0's, … "
                        "(deeper than the tree: its last level). Tokens above it stay live."),
         {}},
    };
}

Task<QVariantMap> CancellationScenario::run(ScenarioContext &context) const
{
    const QVariantMap &values = context.parameters;
    TreeShape shape;
    shape.children = values.value(QStringLiteral("children")).toInt();
    shape.depth = values.value(QStringLiteral("depth")).toInt();
    shape.work = std::chrono::milliseconds(values.value(QStringLiteral("work_ms")).toLongLong());
    const Duration cancelAfter = std::chrono::milliseconds(values.value(QStringLiteral("cancel_after_ms")).toLongLong());
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();
    // Level 1 is task-0, level 2 its first child task-0.0, and so on down the first branch.
    const int cancelLevel = std::min(values.value(QStringLiteral("cancel_level"), 0).toInt(), shape.depth + 1);
    if (cancelLevel > 0) {
        shape.cancelTarget = QStringLiteral("task-0") + QStringLiteral(".0").repeated(cancelLevel - 1);
        shape.cancelAt = start + cancelAfter;
    }

    CancellationToken root;
    // The token cancel() is called on: the top of the page's tree.
    const CancellationToken::Registration rootMark = traceTokenCancel(root, QStringLiteral("root"));
    // Should this run be cut short (a --duration limit), the tree must not outlive it.
    DropGuard stopTreeOnExit = root.dropGuard();
    auto trace = std::make_shared<TreeTrace>();
    trace->tracedLevels = tracedLevels(shape);
    context.metricsSoFar = [trace, start, &runtime] { return treeMetrics(*trace, start, runtime.now()); };
    JoinHandle<TreeTally> tree = runtime.spawn(treeTask(root.childToken(), shape, 0, QStringLiteral("task-0"), trace),
                                               QStringLiteral("task-0"));

    if (cancelLevel == 0) {
        co_await sleep(cancelAfter);
        cancelNow(root, *trace);
    }
    // The root task waits for its whole subtree, so its end is the end of the last tree task.
    const TreeTally tally = co_await tree.join();
    // The tree is done: a token that was never cancelled stays so in the trace (the page
    // would light the whole tree at the end otherwise).
    (void)stopTreeOnExit.disarm();
    // The root token stopped the whole tree; a token further down stopped its task's subtree,
    // which noted its end (the rest of the tree goes on with its work, which is not latency).
    if (cancelLevel == 0)
        trace->cancelledSubtreeDoneNs.store(runtime.now().time_since_epoch().count(), std::memory_order_relaxed);
    // The live samples may have landed out of order across workers; these are exact.
    trace->tasksCounter.set(tally.tasks);
    trace->cancelledCounter.set(tally.cancelled);
    trace->completedCounter.set(tally.completed);
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
