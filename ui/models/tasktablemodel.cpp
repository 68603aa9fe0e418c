#include "models/tasktablemodel.h"

#include "engine/timelinedata.h"
#include "trace/taskregistry.h"

#include <algorithm>

namespace taskscope {

namespace {

QString milliseconds(Duration duration)
{
    return QString::number(std::chrono::duration<double, std::milli>(duration).count(), 'f', 2);
}

} // namespace

TaskTableModel::TaskTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TaskTableModel::setRegistry(const TaskRegistry *registry)
{
    beginResetModel();
    m_registry = registry;
    m_rows.clear();
    m_finished.clear();
    endResetModel();
    refresh();
}

void TaskTableModel::refresh()
{
    std::vector<quint64> current;
    if (m_registry) {
        for (const TaskInfo *task : m_registry->tasks())
            current.push_back(task->id);
    }
    // Remove rows whose tasks were pruned, in contiguous runs from the back.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (std::binary_search(current.begin(), current.end(), m_rows[std::size_t(row)])) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !std::binary_search(current.begin(), current.end(), m_rows[std::size_t(first - 1)]))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + row + 1);
        m_finished.erase(m_finished.begin() + first, m_finished.begin() + row + 1);
        endRemoveRows();
        row = first - 1;
    }
    // Ids only grow: new tasks come after every row we have.
    const quint64 last = m_rows.empty() ? 0 : m_rows.back();
    const auto firstNew = std::upper_bound(current.begin(), current.end(), last);
    if (firstNew != current.end()) {
        const int from = int(m_rows.size());
        beginInsertRows({}, from, from + int(current.end() - firstNew) - 1);
        m_rows.insert(m_rows.end(), firstNew, current.end());
        for (auto it = firstNew; it != current.end(); ++it) {
            const TaskInfo *task = m_registry->task(TaskId(*it));
            m_finished.push_back(task && task->isFinished());
        }
        endInsertRows();
    }
    if (m_shown) {
        announceCellChanges();
        return;
    }
    m_cellsStale = true;
    // The live/finished filter (and the Tasks tab's count) must follow even while hidden: announce
    // the rows whose task finished since, for that role alone.
    for (std::size_t row = 0; row < m_rows.size(); ++row) {
        const TaskInfo *task = m_registry ? m_registry->task(TaskId(m_rows[row])) : nullptr;
        const bool finished = task && task->isFinished();
        if (finished != bool(m_finished[row])) {
            m_finished[row] = finished;
            const QModelIndex at = index(int(row), 0);
            emit dataChanged(at, at, {FinishedRole});
        }
    }
}

void TaskTableModel::setShown(bool shown)
{
    if (shown == m_shown)
        return;
    m_shown = shown;
    if (m_shown && m_cellsStale)
        announceCellChanges();
    emit shownChanged();
}

void TaskTableModel::announceCellChanges()
{
    m_cellsStale = false;
    for (std::size_t row = 0; row < m_rows.size(); ++row) {
        const TaskInfo *task = m_registry ? m_registry->task(TaskId(m_rows[row])) : nullptr;
        m_finished[row] = task && task->isFinished();
    }
    if (!m_rows.empty())
        emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int TaskTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TaskTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_registry)
        return {};
    const TaskInfo *task = m_registry->task(m_rows[std::size_t(index.row())]);
    if (!task)
        return {};
    switch (role) {
    case TaskIdRole:
        return quint64(task->id);
    case TaskColorRole:
        return TimelineData::colorOf(task->id);
    case StateRole:
        return taskStateName(task->state);
    case FinishedRole:
        return task->isFinished();
    case SortRole:
        switch (Column(index.column())) {
        case Id: return quint64(task->id);
        case State: return int(task->state);
        case Worker: return task->worker;
        case Polls: return quint64(task->polls);
        case Busy: return qint64(task->busy.count());
        case Scheduled: return qint64(task->scheduled.count());
        case Idle: return qint64(task->idle.count());
        case Parent: return quint64(task->parent);
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case Id: return quint64(task->id);
    case State:
        return task->state == TaskState::Running ? QStringLiteral("running on %1").arg(task->worker)
                                                 : taskStateName(task->state);
    case Name: return task->name.isEmpty() ? QStringLiteral("task %1").arg(task->id) : task->name;
    case Worker: return task->worker;
    case Polls: return quint64(task->polls);
    case Busy: return milliseconds(task->busy);
    case Scheduled: return milliseconds(task->scheduled);
    case Idle: return milliseconds(task->idle);
    case AwaitingAt: return task->awaitingAt.section(QLatin1Char('/'), -1);
    case SpawnedAt: return task->spawnedAt.section(QLatin1Char('/'), -1);
    case Parent: return task->parent == 0 ? QVariant(QString()) : QVariant(quint64(task->parent));
    case ColumnCount: break;
    }
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {"ID", "State", "Name", "Worker", "Polls", "Busy ms", "Scheduled ms",
                                        "Idle ms", "Awaiting at", "Spawned at", "Parent"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(names[section]) : QVariant();
}

QHash<int, QByteArray> TaskTableModel::roleNames() const
{
    return {{Qt::DisplayRole, "display"}, {TaskIdRole, "taskId"}, {TaskColorRole, "taskColor"}, {StateRole, "taskState"},
            {FinishedRole, "finished"}};
}

} // namespace taskscope
