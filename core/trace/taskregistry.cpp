#include "trace/taskregistry.h"

#include <algorithm>

namespace taskscope {

namespace {

Duration percentileOf(std::vector<std::int64_t> samples, double p)
{
    if (samples.empty())
        return Duration::zero();
    const auto rank = std::size_t(std::clamp(p, 0.0, 100.0) / 100.0 * double(samples.size() - 1) + 0.5);
    std::nth_element(samples.begin(), samples.begin() + std::ptrdiff_t(rank), samples.end());
    return Duration(samples[rank]);
}

/// Keeps the latest maxSamples values: once full, each new one replaces the oldest in place
/// (a busy task adds thousands a second; shifting the window for each cost a memmove).
void keepSample(std::vector<std::int64_t> &samples, std::uint64_t &seen, std::int64_t value)
{
    if (samples.size() < TaskInfo::maxSamples)
        samples.push_back(value);
    else
        samples[seen % TaskInfo::maxSamples] = value;
    ++seen;
}

QString milliseconds(Duration duration)
{
    return QString::number(std::chrono::duration<double, std::milli>(duration).count(), 'f', 1)
        + QStringLiteral(" ms");
}

/// How many panicked tasks the warning names.
constexpr qsizetype s_panicsNamed = 3;

QString describe(const TaskInfo &task)
{
    return task.name.isEmpty() ? QStringLiteral("task %1").arg(task.id)
                               : QStringLiteral("task %1 (%2)").arg(task.id).arg(task.name);
}

/// "1 preemption", "3 preemptions".
QString counted(std::uint64_t n, const char *noun)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(noun)).arg(n == 1 ? QString() : QStringLiteral("s"));
}

/// A poll longer than the threshold, and why, as far as the runtime could tell.
TaskWarning longPollWarning(const TaskInfo &info, Duration threshold)
{
    const Duration poll = info.longestPoll;
    const QString held = QStringLiteral("%1 held worker %2 for %3 in one poll (threshold %4)")
                             .arg(describe(info)).arg(info.worker).arg(milliseconds(poll), milliseconds(threshold));
    const TaskInfo::PollUsage &usage = info.longestPollUsage;
    if (!usage.known)
        return {TaskWarning::Kind::LongPoll, info.id,
                held + QStringLiteral(": CPU work or blocking calls between awaits"), poll};
    // The window may start a little before the poll (ThreadCpuWindow): never more than all of it.
    const Duration cpu = std::min(usage.cpu, poll);
    const QString onCpu = milliseconds(cpu);
    // Most of the poll on the CPU: the task's own code computed. When a good part was spent
    // off the CPU all the same, say so: the poll's length is not all the task's doing.
    if (2 * cpu >= poll) {
        const Duration off = poll - cpu;
        const QString rest = 4 * off > poll
            ? QStringLiteral("; off it for %1: %2, %3 in the kernel")
                  .arg(milliseconds(off), counted(usage.preemptions, "preemption"), counted(usage.waits, "wait"))
            : QString();
        return {TaskWarning::Kind::LongPoll, info.id,
                held + QStringLiteral(": CPU work between awaits (on the CPU for %1 of it%2)").arg(onCpu, rest), poll};
    }
    // Mostly off the CPU: it waited in the kernel (voluntary switches), or the OS gave the
    // CPU to other threads while the worker was ready to run (involuntary ones).
    if (usage.waits >= usage.preemptions && usage.waits > 0)
        return {TaskWarning::Kind::LongPoll, info.id,
                held + QStringLiteral(": a blocking call between awaits (on the CPU for only %1; it waited "
                                      "in the kernel %2: a sleep, a lock or I/O)")
                           .arg(onCpu, counted(usage.waits, "time")), poll};
    return {TaskWarning::Kind::Preempted, info.id,
            QStringLiteral("the OS preempted worker %1 during a %2 poll of %3: the worker ran for only %4 "
                           "of it (%5). The machine is busy; the task's code is not to blame")
                .arg(info.worker).arg(milliseconds(poll), describe(info), onCpu,
                                      counted(usage.preemptions, "preemption")), poll};
}

} // namespace

QString taskStateName(TaskState state)
{
    switch (state) {
    case TaskState::Scheduled: return QStringLiteral("scheduled");
    case TaskState::Running: return QStringLiteral("running");
    case TaskState::Idle: return QStringLiteral("idle");
    case TaskState::Done: return QStringLiteral("done");
    case TaskState::Cancelled: return QStringLiteral("cancelled");
    case TaskState::Panicked: return QStringLiteral("panicked");
    }
    return {};
}

Duration TaskInfo::pollPercentile(double p) const
{
    return percentileOf(pollSamples, p);
}

Duration TaskInfo::scheduledPercentile(double p) const
{
    return percentileOf(scheduledSamples, p);
}

TaskInfo &TaskRegistry::touch(TaskId id, Instant at)
{
    auto [it, inserted] = m_tasks.try_emplace(id);
    TaskInfo &info = it->second;
    if (inserted) {
        info.id = id;
        info.spawnedTime = at;
        info.lastChange = at;
        if (auto description = m_pendingDescriptions.find(id); description != m_pendingDescriptions.end()) {
            info.name = description->name;
            m_pendingDescriptions.erase(description);
        }
    }
    return info;
}

const QString &TaskRegistry::locationName(const char *file, std::int64_t line)
{
    // Keyed by the file name's address: it comes from a std::source_location, a string
    // literal that lives as long as the program.
    QString &name = m_locationNames[file][line];
    if (name.isNull())
        name = QStringLiteral("%1:%2").arg(QString::fromUtf8(file)).arg(line);
    return name;
}

void TaskRegistry::apply(const std::vector<TraceEvent> &events,
                         const TraceRecorder::TaskDescriptions &descriptions)
{
    for (const TraceRecorder::TaskDescription &description : descriptions)
        m_pendingDescriptions.insert(description.task, description);

    for (const TraceEvent &event : events) {
        const Instant at{Duration(event.timeNs)};
        m_now = std::max(m_now, at);
        if (event.kind == TraceKind::Lost) {
            applyGap(event);
            continue;
        }
        if (event.task == 0)
            continue;
        switch (event.kind) {
        case TraceKind::Spawn: {
            // On the virtual clock several workers record at one instant, and the merge cannot
            // tell their order: a task's first poll may come before its spawn. Only a task
            // not seen yet starts in Scheduled.
            const bool known = m_tasks.contains(event.task);
            TaskInfo &info = touch(event.task, at);
            info.parent = event.object;
            if (const auto site = spawnSiteOf(event))
                info.spawnedAt = locationName(site->file_name(), site->line());
            if (!known) {
                info.state = TaskState::Scheduled;
                m_wokenAt[event.task] = at;
            }
            break;
        }
        case TraceKind::Wake: {
            TaskInfo &info = touch(event.task, at);
            ++info.wakes;
            if (event.object == event.task)
                ++info.selfWakes;
            if (info.state == TaskState::Idle) {
                info.idle += at - info.lastChange;
                info.state = TaskState::Scheduled;
                info.lastChange = at;
            }
            m_wokenAt.try_emplace(event.task, at);
            break;
        }
        case TraceKind::PollStart: {
            TaskInfo &info = touch(event.task, at);
            if (auto woken = m_wokenAt.find(event.task); woken != m_wokenAt.end()) {
                const Duration waited = at - woken->second;
                info.scheduled += waited;
                keepSample(info.scheduledSamples, info.scheduledSamplesSeen, waited.count());
                m_wokenAt.erase(woken);
            }
            info.state = TaskState::Running;
            info.worker = event.worker;
            info.lastChange = at;
            info.pollCut = false;
            ++info.polls;
            break;
        }
        case TraceKind::PollEnd: {
            TaskInfo &info = touch(event.task, at);
            // Measured only from its own PollStart: after a gap, or with the start never seen,
            // the time since the last change is not a poll.
            if (info.state == TaskState::Running && !info.pollCut) {
                const Duration poll = at - info.lastChange;
                info.busy += poll;
                info.lastPoll = poll;
                if (poll > info.longestPoll) {
                    info.longestPoll = poll;
                    info.longestPollUsage = {};
                }
                keepSample(info.pollSamples, info.pollSamplesSeen, poll.count());
            }
            info.pollCut = false;
            info.lastChange = at;
            if (!(event.value & 1)) {
                info.state = TaskState::Idle;
                const auto *file = reinterpret_cast<const char *>(event.object);
                info.awaitingAt = file ? locationName(file, event.value >> 1) : QString();
            }
            break;
        }
        case TraceKind::PollCpu: {
            // Follows the PollEnd of the poll it explains, on the same worker and timestamp.
            TaskInfo &info = touch(event.task, at);
            if (info.lastPoll == info.longestPoll)
                info.longestPollUsage = {true, Duration(event.value), pollCpuWaits(event), pollCpuPreemptions(event)};
            break;
        }
        case TraceKind::Complete: {
            TaskInfo &info = touch(event.task, at);
            info.state = event.value == 1   ? TaskState::Done
                         : event.value == 2 ? TaskState::Cancelled
                                            : TaskState::Panicked;
            info.finishedTime = at;
            info.lastChange = at;
            info.awaitingAt.clear();
            m_wokenAt.erase(event.task);
            if (info.state == TaskState::Panicked) {
                if (m_panics++ == 0)
                    m_firstPanic = info.id;
                if (m_panicNames.size() < s_panicsNamed)
                    m_panicNames << describe(info);
            }
            break;
        }
        default:
            break;
        }
    }
}

void TaskRegistry::applyGap(const TraceEvent &event)
{
    m_eventsLost += std::uint64_t(std::max<std::int64_t>(event.value, 0));
    ++m_gaps;
    // A poll open on that worker may have ended in the gap: don't measure it, and don't say it
    // never yields.
    if (event.worker >= 0) {
        for (auto &[id, info] : m_tasks) {
            if (info.state == TaskState::Running && info.worker == event.worker)
                info.pollCut = true;
        }
    }
    // A lost PollStart leaves its wake behind, and the next poll would measure from it.
    m_wokenAt.clear();
}

void TaskRegistry::prune(Instant now)
{
    std::erase_if(m_tasks, [&](const auto &entry) {
        return entry.second.isFinished() && now - entry.second.finishedTime > m_options.retention;
    });
}

const TaskInfo *TaskRegistry::task(TaskId id) const
{
    auto it = m_tasks.find(id);
    return it == m_tasks.end() ? nullptr : &it->second;
}

std::vector<const TaskInfo *> TaskRegistry::tasks() const
{
    std::vector<const TaskInfo *> out;
    out.reserve(m_tasks.size());
    for (const auto &[id, info] : m_tasks)
        out.push_back(&info);
    return out;
}

QStringList warningLines(const std::vector<TaskWarning> &warnings)
{
    QStringList lines;
    const TaskWarning *longest = nullptr;
    int preempted = 0;
    for (const TaskWarning &warning : warnings) {
        if (warning.kind != TaskWarning::Kind::Preempted) {
            lines << warning.message;
        } else {
            ++preempted;
            if (!longest || warning.poll > longest->poll)
                longest = &warning;
        }
    }
    if (preempted == 1)
        lines << longest->message;
    else if (preempted > 1)
        lines << QStringLiteral("the OS preempted the workers during %1 long polls; the longest: %2")
                     .arg(preempted).arg(longest->message);
    return lines;
}

std::vector<TaskWarning> TaskRegistry::warnings() const
{
    std::vector<TaskWarning> out;
    const Duration threshold = m_options.longPollThreshold;
    if (m_eventsLost > 0) {
        out.push_back({TaskWarning::Kind::EventsLost, 0,
                       QStringLiteral("the trace lost %1 in %2 (the drain fell behind and a ring was "
                                      "full): polls, wakes and the timeline undercount there")
                           .arg(counted(m_eventsLost, "event"), counted(m_gaps, "gap"))});
    }
    if (m_panics == 1) {
        out.push_back({TaskWarning::Kind::Panicked, m_firstPanic,
                       QStringLiteral("%1 panicked (it threw): whoever awaits it gets a JoinError")
                           .arg(m_panicNames.value(0))});
    } else if (m_panics > 1) {
        const QString more = m_panics > std::uint64_t(m_panicNames.size()) ? QStringLiteral(", …") : QString();
        out.push_back({TaskWarning::Kind::Panicked, m_firstPanic,
                       QStringLiteral("%1 tasks panicked (they threw): whoever awaits one gets a JoinError; %2%3")
                           .arg(m_panics).arg(m_panicNames.join(QStringLiteral(", ")), more)});
    }
    for (const auto &[id, info] : m_tasks) {
        if (info.state == TaskState::Running && !info.pollCut && m_now - info.lastChange > threshold) {
            out.push_back({TaskWarning::Kind::NeverYields, id,
                           QStringLiteral("%1 has been running on worker %2 for %3 without an await "
                                          "(threshold %4): it holds the worker")
                               .arg(describe(info)).arg(info.worker).arg(milliseconds(m_now - info.lastChange))
                               .arg(milliseconds(threshold))});
        } else if (info.longestPoll > threshold) {
            out.push_back(longPollWarning(info, threshold));
        }
        if (info.wakes >= m_options.selfWakeMinimum
            && double(info.selfWakes) >= m_options.selfWakeRatio * double(info.wakes)) {
            out.push_back({TaskWarning::Kind::SelfWaking, id,
                           QStringLiteral("%1 woke itself %2 of %3 times: it polls in a loop (yieldNow) "
                                          "instead of waiting for an event")
                               .arg(describe(info)).arg(info.selfWakes).arg(info.wakes)});
        }
    }
    return out;
}

} // namespace taskscope
