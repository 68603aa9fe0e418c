#include "models/taskfilterproxymodel.h"

#include "models/tasktablemodel.h"

namespace taskscope {

TaskFilterProxyModel::TaskFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setSortRole(TaskTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void TaskFilterProxyModel::setShow(Show show)
{
    if (show == m_show)
        return;
    m_show = show;
    invalidateRowsFilter();
    emit showChanged();
}

void TaskFilterProxyModel::setNameFilter(const QString &filter)
{
    if (filter == m_nameFilter)
        return;
    m_nameFilter = filter;
    invalidateRowsFilter();
    emit nameFilterChanged();
}

void TaskFilterProxyModel::sortBy(int column)
{
    const Qt::SortOrder order = column == sortColumn() && sortOrder() == Qt::AscendingOrder ? Qt::DescendingOrder
                                                                                              : Qt::AscendingOrder;
    sort(column, order);
    emit sortChanged();
}

qint64 TaskFilterProxyModel::taskIdAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return 0;
    return data(index(row, 0), TaskTableModel::TaskIdRole).toLongLong();
}

int TaskFilterProxyModel::rowOfTask(qint64 task) const
{
    for (int row = 0; row < rowCount(); ++row) {
        if (data(index(row, 0), TaskTableModel::TaskIdRole).toLongLong() == task)
            return row;
    }
    return -1;
}

bool TaskFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    if (!source)
        return false;
    if (m_show != Show::All) {
        const bool finished = source->index(sourceRow, 0, sourceParent).data(TaskTableModel::FinishedRole).toBool();
        if (finished != (m_show == Show::Finished))
            return false;
    }
    if (!m_nameFilter.isEmpty()) {
        const QString name = source->index(sourceRow, TaskTableModel::Name, sourceParent).data().toString();
        if (!name.contains(m_nameFilter, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace taskscope
