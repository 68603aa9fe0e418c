#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace taskscope {

/// The real C++ behind a scenario, line by line, for the code panel: the scenario's
/// `<id>scenario.cpp` and the pattern files it includes, as compiled into the app
/// (qrc:/Taskscope/source/), with how many tasks are awaiting at each line right now.
///
/// ```qml
/// SourceListing { scenarioId: "actor"; awaiting: engine.awaitingLines }
/// ```
/// Rows are the lines of every file in turn (the scenario first); `fileName` lets a view
/// put a header above each file. `awaiting` takes "file:line" → count, as
/// EngineController::awaitingLines gives it; a key's directory is ignored, so full paths
/// from `std::source_location` match the bare file names here.
class SourceListing : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString scenarioId READ scenarioId WRITE setScenarioId NOTIFY scenarioIdChanged)
    /// The files listed, in order (bare names: "actorscenario.cpp", "keyvalueactor.cpp", …).
    Q_PROPERTY(QStringList files READ files NOTIFY scenarioIdChanged)
    /// "file:line" → tasks awaiting there now.
    Q_PROPERTY(QVariantMap awaiting READ awaiting WRITE setAwaiting NOTIFY awaitingChanged)
    /// The first row with a task awaiting at it, or -1 (the view scrolls there).
    Q_PROPERTY(int firstAwaitingRow READ firstAwaitingRow NOTIFY awaitingChanged)
    /// Tasks awaiting at a listed line, in all.
    Q_PROPERTY(int awaitingTotal READ awaitingTotal NOTIFY awaitingChanged)

public:
    enum Role { FileNameRole = Qt::UserRole + 1, LineNumberRole, TextRole, AwaitingCountRole };

    explicit SourceListing(QObject *parent = nullptr);

    /// Where the sources live; tests point it elsewhere. Default ":/Taskscope/source".
    void setSourceRoot(const QString &root) { m_sourceRoot = root; }

    [[nodiscard]] QString scenarioId() const { return m_scenarioId; }
    void setScenarioId(const QString &id);
    [[nodiscard]] QStringList files() const { return m_files; }
    [[nodiscard]] QVariantMap awaiting() const { return m_awaiting; }
    void setAwaiting(const QVariantMap &awaiting);
    [[nodiscard]] int firstAwaitingRow() const { return m_firstAwaitingRow; }
    [[nodiscard]] int awaitingTotal() const { return m_awaitingTotal; }

    /// The row showing @p fileName:@p line, or -1.
    Q_INVOKABLE int rowOf(const QString &fileName, int line) const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// "…/core/patterns/keyvalueactor.cpp:42" → "keyvalueactor.cpp:42".
    [[nodiscard]] static QString locationKey(const QString &location);

signals:
    void scenarioIdChanged();
    void awaitingChanged();

private:
    struct Line
    {
        int fileIndex;
        int number;
        QString text;
        int awaiting = 0;
    };
    void load();
    [[nodiscard]] QStringList filesFor(const QString &scenarioFile) const;

    QString m_sourceRoot = QStringLiteral(":/Taskscope/source");
    QString m_scenarioId;
    QStringList m_files;
    std::vector<Line> m_lines;
    QHash<QString, int> m_rowOfKey; // "file:line" → row
    QVariantMap m_awaiting;
    int m_firstAwaitingRow = -1;
    int m_awaitingTotal = 0;
};

} // namespace taskscope
