#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace taskscope {

/// The async patterns Taskscope teaches, in the order of the seed document, for the sidebar.
class PatternListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT

public:
    /// The data roles QML reads by name.
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        SectionRole,
        SummaryRole,
        ShowsRole,
        ScenarioRole,
    };
    Q_ENUM(Role)

    explicit PatternListModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The row of the pattern with @p id (a pattern id or its scenario's id), or -1.
    Q_INVOKABLE int indexOf(const QString &id) const;
};

} // namespace taskscope
