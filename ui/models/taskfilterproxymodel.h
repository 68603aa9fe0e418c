#pragma once

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace taskscope {

/// The task table as the view shows it: sorted by any column (numbers as numbers), filtered to
/// live or finished tasks and by a piece of the name. Sorting and filtering follow the rows as
/// the source model updates them (dynamic sort/filter), without resetting the view.
class TaskFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    /// Which tasks to show.
    Q_PROPERTY(Show show READ show WRITE setShow NOTIFY showChanged)
    /// Only tasks whose name contains this (any case); empty shows all.
    Q_PROPERTY(QString nameFilter READ nameFilter WRITE setNameFilter NOTIFY nameFilterChanged)
    /// The column sorted by, -1 for the source order; and the direction.
    Q_PROPERTY(int sortColumn READ sortColumn NOTIFY sortChanged)
    Q_PROPERTY(bool descending READ descending NOTIFY sortChanged)

public:
    enum class Show { All, Live, Finished };
    Q_ENUM(Show)

    explicit TaskFilterProxyModel(QObject *parent = nullptr);

    [[nodiscard]] Show show() const { return m_show; }
    void setShow(Show show);
    [[nodiscard]] QString nameFilter() const { return m_nameFilter; }
    void setNameFilter(const QString &filter);
    [[nodiscard]] bool descending() const { return sortOrder() == Qt::DescendingOrder; }

    /// Sorts by @p column; the same column again flips the direction (a header click).
    Q_INVOKABLE void sortBy(int column);
    /// The task id of a row of this model (0 when out of range), for the view's selection.
    Q_INVOKABLE qint64 taskIdAt(int row) const;
    /// The row showing @p task, or -1.
    Q_INVOKABLE int rowOfTask(qint64 task) const;

signals:
    void showChanged();
    void nameFilterChanged();
    void sortChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    Show m_show = Show::All;
    QString m_nameFilter;
};

} // namespace taskscope
