#pragma once

#include <QAbstractListModel>
#include <QColor>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace taskscope {

class TaskRegistry;

/// The runtime and join-set pages' task cards: `capacity` tasks of a TaskRegistry — those
/// running now, then the newest — one row each, with the lane its state puts it in (scheduled → running → idle → finished)
/// and its place in that lane. Rows keep their identity while a task lives (inserted and
/// removed, never reset), so a card delegate can animate from one lane to the next.
///
/// Finished cards are ordered by when they finished, so the lane reads as a completion order;
/// a running card sits at its worker's seat; the other lanes go by task id (spawn order).
class TaskCardModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by EngineController (engine.taskCards)")

    /// How many tasks get a card (the running ones first, then the newest).
    Q_PROPERTY(int capacity READ capacity WRITE setCapacity NOTIFY capacityChanged)
    /// Tasks the registry holds that have no card (older ones, past `capacity`).
    Q_PROPERTY(int hiddenCount READ hiddenCount NOTIFY countsChanged)
    /// Cards per lane, indexed by Lane.
    Q_PROPERTY(QList<int> laneCounts READ laneCounts NOTIFY countsChanged)

public:
    /// Where a card stands: its task's state, grouped as the pages draw it.
    enum Lane { ScheduledLane, RunningLane, IdleLane, FinishedLane, LaneCount };
    Q_ENUM(Lane)
    enum Role {
        TaskIdRole = Qt::UserRole + 1,
        NameRole,
        StateRole,   ///< taskStateName(): scheduled, running, idle, done, cancelled, panicked
        LaneRole,
        SlotRole,    ///< the card's place in its lane, from 0 (running: the worker's index)
        WorkerRole,  ///< the worker it runs on (or last ran on), -1 before its first poll
        AwaitingAtRole, ///< "file:line" (file name only) while idle
        ColorRole,
    };

    static constexpr int defaultCapacity = 24;

    explicit TaskCardModel(QObject *parent = nullptr);

    /// Points the model at @p registry (or nothing) and rebuilds it.
    void setRegistry(const TaskRegistry *registry);
    /// Brings the cards in line with the registry: one pass over its tasks, and a dataChanged
    /// only for the cards whose state, worker or place changed.
    void refresh();

    [[nodiscard]] int capacity() const { return m_capacity; }
    void setCapacity(int capacity);
    [[nodiscard]] int hiddenCount() const { return m_hidden; }
    [[nodiscard]] QList<int> laneCounts() const { return m_laneCounts; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

signals:
    void capacityChanged();
    void countsChanged();

private:
    struct Card
    {
        quint64 id = 0;
        QString name;
        int state = 0;
        int lane = 0;
        int slot = 0;
        int worker = -1;
        QString awaitingAt;
        bool operator==(const Card &) const = default;
    };

    const TaskRegistry *m_registry = nullptr;
    int m_capacity = defaultCapacity;
    std::vector<Card> m_cards; // by task id, ascending
    int m_hidden = 0;
    QList<int> m_laneCounts = QList<int>(LaneCount, 0);
};

} // namespace taskscope
