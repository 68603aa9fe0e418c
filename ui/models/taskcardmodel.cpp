#include "models/taskcardmodel.h"

#include "engine/timelinedata.h"
#include "trace/taskregistry.h"

#include <algorithm>

namespace taskscope {

namespace {

int laneOf(TaskState state)
{
    switch (state) {
    case TaskState::Scheduled: return TaskCardModel::ScheduledLane;
    case TaskState::Running: return TaskCardModel::RunningLane;
    case TaskState::Idle: return TaskCardModel::IdleLane;
    case TaskState::Done:
    case TaskState::Cancelled:
    case TaskState::Panicked: break;
    }
    return TaskCardModel::FinishedLane;
}

} // namespace

TaskCardModel::TaskCardModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void TaskCardModel::setRegistry(const TaskRegistry *registry)
{
    beginResetModel();
    m_registry = registry;
    m_cards.clear();
    endResetModel();
    refresh();
}

void TaskCardModel::setCapacity(int capacity)
{
    capacity = std::max(0, capacity);
    if (capacity == m_capacity)
        return;
    m_capacity = capacity;
    emit capacityChanged();
    refresh();
}

void TaskCardModel::refresh()
{
    // The tasks running now, then the newest of the rest (the registry lists them by id, and
    // ids only grow): a worker's seat never looks free while it polls an older task.
    std::vector<const TaskInfo *> shown;
    int total = 0;
    if (m_registry) {
        const std::vector<const TaskInfo *> all = m_registry->tasks();
        total = int(all.size());
        std::vector<bool> picked(all.size(), false);
        int budget = m_capacity;
        for (std::size_t i = 0; i < all.size() && budget > 0; ++i) {
            if (all[i]->state == TaskState::Running) {
                picked[i] = true;
                --budget;
            }
        }
        for (std::size_t i = all.size(); i-- > 0 && budget > 0;) {
            if (!picked[i]) {
                picked[i] = true;
                --budget;
            }
        }
        shown.reserve(std::size_t(std::min(total, m_capacity)));
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (picked[i])
                shown.push_back(all[i]);
        }
    }

    // What each card should say now, with its place in its lane: spawn order in the
    // scheduled and idle lanes, its worker in the running lane, finishing order in the last.
    std::vector<Card> fresh(shown.size());
    QList<int> counts(LaneCount, 0);
    std::vector<std::size_t> finished;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        const TaskInfo &task = *shown[i];
        Card &card = fresh[i];
        card.id = task.id;
        card.name = task.name.isEmpty() ? QStringLiteral("task %1").arg(task.id) : task.name;
        card.state = int(task.state);
        card.lane = laneOf(task.state);
        card.worker = task.worker;
        card.awaitingAt = task.state == TaskState::Idle ? task.awaitingAt.section(QLatin1Char('/'), -1) : QString();
        if (card.lane == FinishedLane) {
            finished.push_back(i);
        } else if (card.lane == RunningLane && task.worker >= 0) {
            card.slot = task.worker; // a worker runs one task at a time: its seat is the worker's
            ++counts[RunningLane];
        } else {
            card.slot = counts[card.lane]++;
        }
    }
    std::stable_sort(finished.begin(), finished.end(), [&shown](std::size_t a, std::size_t b) {
        return shown[a]->finishedTime < shown[b]->finishedTime;
    });
    for (std::size_t i : finished)
        fresh[i].slot = counts[FinishedLane]++;

    const auto isShown = [&fresh](quint64 id) {
        auto found = std::lower_bound(fresh.begin(), fresh.end(), id,
                                      [](const Card &card, quint64 value) { return card.id < value; });
        return found != fresh.end() && found->id == id;
    };
    // Remove the cards of pruned or pushed-out tasks, in contiguous runs from the back.
    for (int row = int(m_cards.size()) - 1; row >= 0;) {
        if (isShown(m_cards[std::size_t(row)].id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !isShown(m_cards[std::size_t(first - 1)].id))
            --first;
        beginRemoveRows({}, first, row);
        m_cards.erase(m_cards.begin() + first, m_cards.begin() + row + 1);
        endRemoveRows();
        row = first - 1;
    }
    // Insert the new ones where their ids go (the cards left are a subset of `fresh`, in order).
    std::size_t row = 0;
    for (std::size_t i = 0; i < fresh.size();) {
        if (row < m_cards.size() && m_cards[row].id == fresh[i].id) {
            ++row;
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < fresh.size() && (row >= m_cards.size() || fresh[end].id < m_cards[row].id))
            ++end;
        beginInsertRows({}, int(row), int(row + (end - i)) - 1);
        m_cards.insert(m_cards.begin() + std::ptrdiff_t(row), fresh.begin() + std::ptrdiff_t(i),
                       fresh.begin() + std::ptrdiff_t(end));
        endInsertRows();
        row += end - i;
        i = end;
    }
    // The rest changed in place: one dataChanged over the span that did.
    int firstChanged = -1;
    int lastChanged = -1;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        if (m_cards[i] == fresh[i])
            continue;
        m_cards[i] = std::move(fresh[i]);
        if (firstChanged < 0)
            firstChanged = int(i);
        lastChanged = int(i);
    }
    if (firstChanged >= 0)
        emit dataChanged(index(firstChanged), index(lastChanged));

    const int hidden = total - int(m_cards.size());
    if (hidden != m_hidden || counts != m_laneCounts) {
        m_hidden = hidden;
        m_laneCounts = counts;
        emit countsChanged();
    }
}

int TaskCardModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_cards.size());
}

QVariant TaskCardModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Card &card = m_cards[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return card.name;
    case TaskIdRole: return card.id;
    case StateRole: return taskStateName(TaskState(card.state));
    case LaneRole: return card.lane;
    case SlotRole: return card.slot;
    case WorkerRole: return card.worker;
    case AwaitingAtRole: return card.awaitingAt;
    case ColorRole: return TimelineData::colorOf(card.id);
    default: return {};
    }
}

QHash<int, QByteArray> TaskCardModel::roleNames() const
{
    return {{TaskIdRole, "taskId"}, {NameRole, "name"},       {StateRole, "taskState"},
            {LaneRole, "lane"},     {SlotRole, "slot"},       {WorkerRole, "worker"},
            {AwaitingAtRole, "awaitingAt"}, {ColorRole, "taskColor"}};
}

} // namespace taskscope
