#pragma once

/// PatternState: what the pattern pages show, read from the trace — the latest value and a
/// short history of every named counter (a bucket's tokens, a pool's connections in use, a
/// breaker's state) and the recent state-change instants (a breaker opening).
///
/// ```
/// // QML, on the breaker page: one binding update per drained frame
/// text: engine.patternState.values["breaker state"] ?? 0
/// LevelPlot { state: engine.patternState; counter: "bucket tokens" }
/// ```
/// It also sketches the closed user spans' durations (TraceKind::SpanEnd), by span family, for
/// the tracing page's histograms (spanStats(), spanHistogram()): a QuantileSketch per family,
/// so a run of any length holds a bounded number of counters and reads them without a sort.
///
/// EngineController owns it and hands it every drained batch of events; a page never sees an
/// engine object. It emits changed() once per batch, so bindings re-evaluate once per frame.
/// GUI thread only.

#include "trace/objectnames.h"
#include "trace/quantilesketch.h"
#include "trace/traceevent.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QVariant>
#include <QtQml/qqmlregistration.h>

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

namespace taskscope {

/// One point of a counter's history. Samples closer together than PatternState::sampleSpacingMs
/// are merged into one, which keeps the lowest and highest value it covered (a level that dips
/// for a microsecond still shows on the plot).
struct CounterSample
{
    double timeMs;
    double value; ///< the last value in the merged stretch
    double low;
    double high;
};

/// One state change (TraceKind::Instant).
struct InstantMark
{
    QString name;
    double timeMs;
    qint64 value;
};

class PatternState : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("PatternState belongs to an EngineController (engine.patternState).")

    /// Goes up by one per batch of events (and on clear): bind to it to re-read per frame.
    Q_PROPERTY(int revision READ revision NOTIFY changed)
    /// Every counter's latest value by name, for bindings (a property, so a binding that reads
    /// it re-evaluates once per batch).
    Q_PROPERTY(QVariantMap values READ values NOTIFY changed)
    /// The names of the counters seen so far, sorted.
    Q_PROPERTY(QStringList counterNames READ counterNames NOTIFY changed)

public:
    /// Kept per counter, oldest dropped first (at full rate about 16 s of history).
    static constexpr std::size_t historyCapacity = 4096;
    /// Samples closer than this merge (see CounterSample).
    static constexpr double sampleSpacingMs = 4.0;
    /// Instants kept, oldest dropped first.
    static constexpr std::size_t instantCapacity = 256;

    explicit PatternState(QObject *parent = nullptr);

    [[nodiscard]] int revision() const { return m_revision; }
    [[nodiscard]] QStringList counterNames() const;
    [[nodiscard]] QVariantMap values() const;

    /// Takes one drained batch: @p names maps the events' object ids to their names (the
    /// recorder's objectNames()). Emits changed() once if the batch was not empty.
    void apply(const std::vector<TraceEvent> &events, const ObjectNames &names);
    /// Forgets everything (a Reset); emits changed().
    void clear();

    /// The latest value of the counter @p name, or @p fallback if it has not been seen.
    Q_INVOKABLE QVariant value(const QString &name, const QVariant &fallback = QVariant()) const;
    /// Whether the counter @p name has been seen.
    Q_INVOKABLE bool has(const QString &name) const { return m_counters.contains(name); }
    /// The highest value the counter @p name has had (@p fallback if never seen).
    Q_INVOKABLE QVariant peak(const QString &name, const QVariant &fallback = QVariant()) const;
    /// The counter's samples from @p sinceMs on, as a list of {t, v} (ms, value).
    Q_INVOKABLE QVariantList history(const QString &name, double sinceMs = 0) const;
    /// The newest @p max instants whose name starts with @p namePrefix, newest first, as
    /// {name, t, value}.
    Q_INVOKABLE QVariantList instants(const QString &namePrefix, int max = 16) const;
    /// The newest @p max instants named one of @p names and later than @p afterMs, newest
    /// first, flat as [t, value, index in @p names, t, value, index, …]. For a page that
    /// follows instants every drain: numbers only, so JavaScript gets one array and no object
    /// or string per instant for its garbage collector (the actor page asks every drain).
    Q_INVOKABLE QList<double> instantsAfter(const QStringList &names, double afterMs, int max = 16) const;
    /// The time (ms) of the latest event seen, 0 before any.
    Q_INVOKABLE double latestMs() const { return m_latestMs; }

    /// Every span family seen, sorted by name, as {name, count (closed), open, minMs, p50Ms,
    /// p95Ms, maxMs}; count, min and max exact, the percentiles by nearest rank (as the
    /// scenarios' metrics compute them) within QuantileSketch::relativeError (1 %).
    Q_INVOKABLE QVariantList spanStats() const;
    /// The closed durations of span family @p family, as sketched, in @p buckets equal buckets
    /// from the shortest (rounded down to a whole ms) to the longest, the axis at least a tenth
    /// of the longest wide, as {counts: [..], fromMs, toMs} (empty counts if none closed).
    Q_INVOKABLE QVariantMap spanHistogram(const QString &family, int buckets = 20) const;
    /// The family a span named @p spanName is counted under: the name itself, or, for names
    /// that end in a number after a dash ("task-17", the seed's timed_task per task), the name
    /// with the number replaced by "*" ("task-*"), so a hundred timed tasks make one histogram.
    [[nodiscard]] static QString spanFamily(const QString &spanName);

    /// The history of @p name for a plot item (nullptr if never seen).
    [[nodiscard]] const std::deque<CounterSample> *series(const QString &name) const;

signals:
    void changed();

private:
    struct Counter
    {
        qint64 value = 0;
        qint64 peak = 0;
        std::deque<CounterSample> history;
    };

    struct SpanSeries
    {
        qint64 open = 0;
        QuantileSketch durationsMs; // closed spans
    };

    /// What an object id of the trace stands for here, looked up once per object rather than
    /// once per event (a name lookup, a string hash and a string copy per event cost the GUI
    /// thread about a fifth of its time at 50k polls per second).
    struct ObjectEntry
    {
        QString name;
        Counter *counter = nullptr;  ///< into m_counters; reset when it grows
        SpanSeries *span = nullptr;   ///< into m_spans; reset when it grows
    };
    /// At most this many objects are remembered; past it the cache starts again.
    static constexpr std::size_t objectCacheCapacity = 4096;
    /// The entry for @p object, named from @p names on first sight; nullptr if it has no name.
    ObjectEntry *entryFor(std::uint64_t object, const ObjectNames &names);
    /// Forgets the cached pointers (a QHash may move its values when it grows).
    void forgetPointers();

    QHash<QString, Counter> m_counters;
    std::deque<InstantMark> m_instants;
    QHash<QString, SpanSeries> m_spans;         // by family
    QHash<QString, QString> m_spanFamilies;     // span name → family, so the pattern runs once a name
    std::unordered_map<std::uint64_t, ObjectEntry> m_objects;
    double m_latestMs = 0;
    int m_revision = 0;
    mutable QVariantMap m_values; // built on the first read after a change
    mutable bool m_valuesStale = true;
};

} // namespace taskscope
