#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QString>
#include <QtQml/qqmlregistration.h>

#include <deque>
#include <vector>

#include "trace/objectnames.h"
#include "trace/traceevent.h"

namespace taskscope {

/// The newest trace events in words ("task 12 `fetch(3)` woken by timer on worker 1"),
/// newest first, at most `capacity`, optionally filtered by kind.
class EventLogModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by EngineController")
    /// Kind names to hide ("poll-start", "wake", …); empty shows everything.
    Q_PROPERTY(QStringList hiddenKinds READ hiddenKinds WRITE setHiddenKinds NOTIFY hiddenKindsChanged)

public:
    static constexpr int capacity = 500;
    enum Role { TextRole = Qt::UserRole + 1, KindRole, TimeRole };

    explicit EventLogModel(QObject *parent = nullptr);

    /// Adds @p events (oldest first), naming tasks and objects from the maps.
    void append(const std::vector<TraceEvent> &events, const QHash<std::uint64_t, QString> &taskNames,
                const ObjectNames &objectNames);
    /// Sets @p events (oldest first) aside for the next flush(), keeping only the newest
    /// `capacity` that the kind filter shows: a busy run brings far more between two updates of
    /// the log than it can show, and most of them may be of hidden kinds.
    void stage(const std::vector<TraceEvent> &events);
    /// Adds what stage() set aside, as append() would.
    void flush(const QHash<std::uint64_t, QString> &taskNames, const ObjectNames &objectNames);
    /// Forgets every line and everything staged.
    void clear();

    /// One event in words.
    [[nodiscard]] static QString describe(const TraceEvent &event, const QHash<std::uint64_t, QString> &taskNames,
                                          const ObjectNames &objectNames);

    [[nodiscard]] QStringList hiddenKinds() const { return m_hiddenKinds; }
    void setHiddenKinds(const QStringList &kinds);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

signals:
    void hiddenKindsChanged();

private:
    struct Line
    {
        QString text;
        QString kind;
        double timeMs;
    };
    [[nodiscard]] bool shows(TraceKind kind) const;

    std::deque<Line> m_lines; // newest first
    QStringList m_hiddenKinds;
    std::vector<TraceEvent> m_staged; // oldest first, at most `capacity`, all of shown kinds
};

} // namespace taskscope
