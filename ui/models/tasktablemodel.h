#pragma once

#include <QAbstractTableModel>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace taskscope {

class TaskRegistry;

/// tokio-console's task table: one row per task known to a TaskRegistry, updated in place at
/// display rate (new tasks inserted, pruned ones removed, the rest changed — never a reset).
class TaskTableModel : public QAbstractTableModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by EngineController")

    /// Whether a view shows the table now. While it does not, refresh() still inserts and
    /// removes rows but skips the per-cell updates (each rebinds every delegate's text: most of
    /// a busy frame's time), and makes them up in one go when the table is shown again.
    Q_PROPERTY(bool shown READ isShown WRITE setShown NOTIFY shownChanged)

public:
    enum Column { Id, State, Name, Worker, Polls, Busy, Scheduled, Idle, AwaitingAt, SpawnedAt, Parent, ColumnCount };
    Q_ENUM(Column)
    /// TaskIdRole, TaskColorRole, StateRole: per row; SortRole: the cell as a number where the
    /// column is one (polls, busy…), so sorting is numeric; FinishedRole: done, cancelled or panicked.
    enum Role { TaskIdRole = Qt::UserRole + 1, TaskColorRole, StateRole, SortRole, FinishedRole };

    explicit TaskTableModel(QObject *parent = nullptr);

    /// Points the model at @p registry (or nothing) and rebuilds it.
    void setRegistry(const TaskRegistry *registry);
    /// Brings the rows in line with the registry.
    void refresh();

    [[nodiscard]] bool isShown() const { return m_shown; }
    void setShown(bool shown);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

signals:
    void shownChanged();

private:
    /// Tells the views every cell may have changed.
    void announceCellChanges();

    const TaskRegistry *m_registry = nullptr;
    std::vector<quint64> m_rows;   // task ids, ascending
    std::vector<char> m_finished;  // per row: finished when last announced
    bool m_shown = true;
    bool m_cellsStale = false; // cells changed while not shown
};

} // namespace taskscope
