#pragma once

/// TaskRegistry: tokio-console's task view, computed from drained trace events.
///
/// ```
/// TaskRegistry registry;
/// registry.apply(recorder.drain(), recorder.takeTaskDescriptions());   // at frame rate
/// for (const TaskInfo &task : registry.tasks()) ...
/// for (const TaskWarning &warning : registry.warnings()) ...
/// ```
/// Per task: name, spawn location, parent, state (scheduled / running on worker N / idle and
/// awaiting at file:line / done / cancelled / panicked), polls, busy time, scheduled time
/// (wake → poll), idle time (poll end → wake), wakes and self-wakes, last worker, and poll-
/// and scheduled-time percentiles. Finished tasks stay for `retention` of runtime time.
/// Warnings name the task and say why: a poll longer than the threshold (blocking the
/// worker, and whether by CPU work, a blocking call or the OS preempting the worker), a task
/// that mostly wakes itself (spinning), a poll still running past the threshold (never yields),
/// tasks that panicked (threw: whoever awaits them gets a JoinError), kept past the retention.

#include "runtime/impl/taskheader.h"
#include "time/clock.h"
#include "trace/traceevent.h"
#include "trace/tracerecorder.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <map>
#include <unordered_map>
#include <vector>

namespace taskscope {

/// Where a task is in its life.
enum class TaskState { Scheduled, Running, Idle, Done, Cancelled, Panicked };

/// A task's state name as the UI and the CLI show it.
QString taskStateName(TaskState state);

/// Everything the registry knows about one task.
struct TaskInfo
{
    TaskId id = 0;
    QString name;
    QString spawnedAt;   ///< "file:line"
    TaskId parent = 0;
    TaskState state = TaskState::Scheduled;
    int worker = -1;      ///< running on, or last ran on
    QString awaitingAt;  ///< "file:line" while idle
    std::uint64_t polls = 0;
    std::uint64_t wakes = 0;
    std::uint64_t selfWakes = 0;
    Duration busy{};      ///< sum of polls
    Duration scheduled{}; ///< sum of wake → poll start
    Duration idle{};      ///< sum of poll end → wake
    Instant spawnedTime{};
    Instant finishedTime{};
    Instant lastChange{}; ///< start of the current state
    Duration longestPoll{};
    Duration lastPoll{};
    /// Its current poll began before events were lost on its worker (a Lost marker): where
    /// that poll ended may be among them, so its length is not measured.
    bool pollCut = false;

    /// How the worker thread spent a long poll, when the runtime said (a PollCpu event: polls
    /// of 5 ms or more, on the real clock).
    struct PollUsage
    {
        bool known = false;
        Duration cpu{};               ///< on the CPU
        std::uint32_t waits = 0;       ///< voluntary context switches: sleeps, locks, I/O
        std::uint32_t preemptions = 0; ///< involuntary ones: the OS ran another thread
    };
    PollUsage longestPollUsage; ///< for longestPoll

    /// Poll durations, percentiles over the kept samples (p in 0–100).
    [[nodiscard]] Duration pollPercentile(double p) const;
    [[nodiscard]] Duration scheduledPercentile(double p) const;
    [[nodiscard]] bool isFinished() const noexcept { return state >= TaskState::Done; }

    std::vector<std::int64_t> pollSamples;      ///< ns, the latest `maxSamples`, in no particular order
    std::vector<std::int64_t> scheduledSamples; ///< ns, likewise
    std::uint64_t pollSamplesSeen = 0;          ///< how many were ever kept (where the next one goes)
    std::uint64_t scheduledSamplesSeen = 0;
    static constexpr std::size_t maxSamples = 1024;
};

/// One warning about a task, with the reason in words.
struct TaskWarning
{
    /// Preempted: a long poll whose worker the OS mostly kept off the CPU (a busy machine, not
    /// the task's doing).
    /// EventsLost: not about a task (task 0): the trace rings dropped events, so the figures
    /// undercount.
    /// Panicked: one warning for every task of the run that threw, about the first of them.
    enum class Kind { LongPoll, Preempted, SelfWaking, NeverYields, EventsLost, Panicked };
    Kind kind;
    TaskId task;
    QString message;
    Duration poll{}; ///< LongPoll and Preempted: the poll's length
};

/// The warnings as lines for a status area: those about tasks first, then the preemptions
/// folded into one line (they are the machine's doing, and a busy machine has many).
QStringList warningLines(const std::vector<TaskWarning> &warnings);

class TaskRegistry
{
public:
    struct Options
    {
        Duration longPollThreshold = std::chrono::milliseconds(10);
        Duration retention = std::chrono::seconds(5);
        std::uint64_t selfWakeMinimum = 10; ///< wakes before the self-wake ratio counts
        double selfWakeRatio = 0.5;
    };

    TaskRegistry() = default;
    explicit TaskRegistry(Options options)
        : m_options(options)
    {
    }

    /// Adds the descriptions, then applies @p events (in timestamp order).
    void apply(const std::vector<TraceEvent> &events,
               const TraceRecorder::TaskDescriptions &descriptions = {});
    /// Forgets tasks that finished more than `retention` before @p now.
    void prune(Instant now);

    [[nodiscard]] const TaskInfo *task(TaskId id) const;
    /// All tasks known, by id.
    [[nodiscard]] std::vector<const TaskInfo *> tasks() const;
    [[nodiscard]] std::size_t size() const noexcept { return m_tasks.size(); }
    /// The warnings as of the last event applied.
    [[nodiscard]] std::vector<TaskWarning> warnings() const;
    /// The time of the last event applied.
    [[nodiscard]] Instant lastEventTime() const noexcept { return m_now; }
    /// Events the trace lost (the Lost markers' counts), and in how many gaps.
    [[nodiscard]] std::uint64_t eventsLost() const noexcept { return m_eventsLost; }
    [[nodiscard]] std::uint64_t gaps() const noexcept { return m_gaps; }

private:
    TaskInfo &touch(TaskId id, Instant at);
    /// "file:line" for an await location, formatted once per location (every poll that
    /// ends in an await names one, and formatting it each time cost more than the rest of
    /// applying the event).
    const QString &locationName(const char *file, std::int64_t line);
    /// A Lost marker: what was open on its worker can no longer be measured.
    void applyGap(const TraceEvent &event);

    Options m_options;
    std::map<TaskId, TaskInfo> m_tasks;
    QHash<std::uint64_t, TraceRecorder::TaskDescription> m_pendingDescriptions;
    std::unordered_map<TaskId, Instant> m_wokenAt; // wake time of scheduled tasks
    std::unordered_map<const char *, std::unordered_map<std::int64_t, QString>> m_locationNames;
    Instant m_now{};
    /// Tasks that panicked, for their warning: kept when the tasks are pruned, since a panic
    /// is what a run is asked about afterwards.
    std::uint64_t m_panics = 0;
    TaskId m_firstPanic = 0;
    QStringList m_panicNames; ///< the first few, as describe() names them
    std::uint64_t m_eventsLost = 0;
    std::uint64_t m_gaps = 0;
};

} // namespace taskscope
