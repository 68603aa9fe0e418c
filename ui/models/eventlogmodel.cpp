#include "models/eventlogmodel.h"

#include <algorithm>
#include <iterator>

namespace taskscope {

namespace {

QString taskLabel(std::uint64_t task, const QHash<std::uint64_t, QString> &names)
{
    const QString name = names.value(task);
    return name.isEmpty() ? QStringLiteral("task %1").arg(task) : QStringLiteral("task %1 `%2`").arg(task).arg(name);
}

QString objectLabel(std::uint64_t object, const ObjectNames &names, const char *fallback)
{
    const QString name = names.value(object);
    return name.isEmpty() ? QStringLiteral("%1 %2").arg(QLatin1String(fallback)).arg(object) : name;
}

} // namespace

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

QString EventLogModel::describe(const TraceEvent &event, const QHash<std::uint64_t, QString> &tasks,
                                const ObjectNames &objects)
{
    const QString where = event.worker >= 0 ? QStringLiteral(" on worker %1").arg(event.worker) : QString();
    const QString task = taskLabel(event.task, tasks);
    switch (event.kind) {
    case TraceKind::Spawn:
        return event.object ? QStringLiteral("%1 spawned by %2").arg(task, taskLabel(event.object, tasks))
                            : QStringLiteral("%1 spawned from outside").arg(task);
    case TraceKind::PollStart: return QStringLiteral("%1 polled%2").arg(task, where);
    case TraceKind::PollEnd:
        return (event.value & 1) ? QStringLiteral("%1 finished its last poll%2").arg(task, where)
                                 : QStringLiteral("%1 suspended%2").arg(task, where);
    case TraceKind::Complete: {
        static const char *const outcomes[] = {"", "completed", "was cancelled", "panicked"};
        return QStringLiteral("%1 %2").arg(task, QLatin1String(outcomes[std::clamp<int>(int(event.value), 0, 3)]));
    }
    case TraceKind::Wake:
        if (event.value == 1)
            return QStringLiteral("%1 woken by a timer%2").arg(task, where);
        if (event.object == event.task)
            return QStringLiteral("%1 woke itself (yield)%2").arg(task, where);
        if (event.object != 0)
            return QStringLiteral("%1 woken by %2%3").arg(task, taskLabel(event.object, tasks), where);
        return QStringLiteral("%1 woken from outside").arg(task);
    case TraceKind::Steal:
        return QStringLiteral("worker %1 stole %2 task(s) from worker %3").arg(event.worker).arg(event.value).arg(event.object);
    case TraceKind::Park: return QStringLiteral("worker %1 parks").arg(event.worker);
    case TraceKind::Unpark: return QStringLiteral("worker %1 wakes up").arg(event.worker);
    case TraceKind::TimerArm:
        return QStringLiteral("%1 sleeps until %2 ms").arg(task).arg(double(event.value) / 1e6, 0, 'f', 3);
    case TraceKind::TimerFire: return QStringLiteral("%1 timer(s) fired%2").arg(event.value).arg(where);
    case TraceKind::Send:
        return QStringLiteral("%1 sent on %2 (length %3)").arg(task, objectLabel(event.object, objects, "channel")).arg(event.value);
    case TraceKind::Receive:
        return QStringLiteral("%1 received from %2 (length %3)").arg(task, objectLabel(event.object, objects, "channel")).arg(event.value);
    case TraceKind::Acquire:
        return QStringLiteral("%1 took %2 permit(s) of %3").arg(task).arg(event.value).arg(objectLabel(event.object, objects, "semaphore"));
    case TraceKind::Release:
        return QStringLiteral("%1 gave back %2 permit(s) of %3").arg(task).arg(event.value).arg(objectLabel(event.object, objects, "semaphore"));
    case TraceKind::WaitBegin:
        return QStringLiteral("%1 waits on %2 (%3 waiting)").arg(task, objectLabel(event.object, objects, "object")).arg(event.value);
    case TraceKind::WaitEnd:
        return QStringLiteral("%1 stops waiting on %2 (%3)").arg(task, objectLabel(event.object, objects, "object"),
                                                                  event.value ? QStringLiteral("served") : QStringLiteral("cancelled or closed"));
    case TraceKind::Notify:
        return QStringLiteral("%1 notified %2 waiter(s) of %3").arg(task).arg(event.value).arg(objectLabel(event.object, objects, "notify"));
    case TraceKind::Counter:
        return QStringLiteral("%1 = %2").arg(objectLabel(event.object, objects, "counter")).arg(event.value);
    case TraceKind::Instant:
        return QStringLiteral("%1 → state %2").arg(objectLabel(event.object, objects, "instant")).arg(event.value);
    case TraceKind::SpanBegin:
        return QStringLiteral("%1 enters span %2").arg(task, objectLabel(event.object, objects, "span"));
    case TraceKind::SpanEnd:
        return QStringLiteral("%1 leaves span %2 after %3 ms").arg(task, objectLabel(event.object, objects, "span"))
            .arg(double(event.value) / 1e6, 0, 'f', 3);
    case TraceKind::PollCpu:
        return QStringLiteral("%1's long poll%2: %3 ms on the CPU, %4 wait(s) in the kernel, %5 preemption(s)")
            .arg(task, where).arg(double(event.value) / 1e6, 0, 'f', 1).arg(pollCpuWaits(event))
            .arg(pollCpuPreemptions(event));
    case TraceKind::Lost: {
        const QString ring = event.worker >= 0 ? QStringLiteral("worker %1's trace ring").arg(event.worker)
                                               : QStringLiteral("a trace ring outside the workers");
        return QStringLiteral("%1 was full: %2 event(s) lost over %3 ms (the views undercount there)")
            .arg(ring).arg(event.value).arg(double(std::int64_t(event.object) - event.timeNs) / 1e6, 0, 'f', 3);
    }
    }
    return QString::fromLatin1(traceKindName(event.kind));
}

void EventLogModel::append(const std::vector<TraceEvent> &events, const QHash<std::uint64_t, QString> &taskNames,
                           const ObjectNames &objectNames)
{
    // Only the newest `capacity` can show: skip the rest without formatting them.
    std::vector<Line> incoming;
    for (auto it = events.rbegin(); it != events.rend() && int(incoming.size()) < capacity; ++it) {
        if (!shows(it->kind))
            continue;
        incoming.push_back({describe(*it, taskNames, objectNames), QString::fromLatin1(traceKindName(it->kind)),
                            double(it->timeNs) / 1e6});
    }
    if (incoming.empty())
        return;
    beginInsertRows({}, 0, int(incoming.size()) - 1);
    m_lines.insert(m_lines.begin(), incoming.begin(), incoming.end());
    endInsertRows();
    if (int(m_lines.size()) > capacity) {
        beginRemoveRows({}, capacity, int(m_lines.size()) - 1);
        m_lines.resize(std::size_t(capacity));
        endRemoveRows();
    }
}

bool EventLogModel::shows(TraceKind kind) const
{
    return m_hiddenKinds.isEmpty() || !m_hiddenKinds.contains(QLatin1String(traceKindName(kind)));
}

void EventLogModel::stage(const std::vector<TraceEvent> &events)
{
    const auto keep = std::size_t(capacity);
    std::size_t shown = 0;
    auto from = events.end(); // the oldest of the newest `keep` shown events
    while (from != events.begin() && shown < keep) {
        --from;
        if (shows(from->kind))
            ++shown;
    }
    std::copy_if(from, events.end(), std::back_inserter(m_staged), [this](const TraceEvent &event) { return shows(event.kind); });
    if (m_staged.size() > keep)
        m_staged.erase(m_staged.begin(), m_staged.end() - std::ptrdiff_t(keep));
}

void EventLogModel::flush(const QHash<std::uint64_t, QString> &taskNames, const ObjectNames &objectNames)
{
    append(m_staged, taskNames, objectNames);
    m_staged.clear();
}

void EventLogModel::clear()
{
    m_staged.clear();
    beginResetModel();
    m_lines.clear();
    endResetModel();
}

void EventLogModel::setHiddenKinds(const QStringList &kinds)
{
    if (kinds == m_hiddenKinds)
        return;
    m_hiddenKinds = kinds;
    emit hiddenKindsChanged();
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &line = m_lines[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return QStringLiteral("%1 ms  %2").arg(line.timeMs, 10, 'f', 3).arg(line.text);
    case KindRole: return line.kind;
    case TimeRole: return line.timeMs;
    default: return {};
    }
}

QHash<int, QByteArray> EventLogModel::roleNames() const
{
    return {{TextRole, "text"}, {KindRole, "kind"}, {TimeRole, "timeMs"}};
}

} // namespace taskscope
