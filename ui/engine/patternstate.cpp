#include "engine/patternstate.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace taskscope {

PatternState::PatternState(QObject *parent)
    : QObject(parent)
{
}

QStringList PatternState::counterNames() const
{
    QStringList names = m_counters.keys();
    names.sort();
    return names;
}

QVariantMap PatternState::values() const
{
    if (m_valuesStale) {
        m_values.clear();
        for (auto it = m_counters.constBegin(); it != m_counters.constEnd(); ++it)
            m_values.insert(it.key(), it->value);
        m_valuesStale = false;
    }
    return m_values;
}

PatternState::ObjectEntry *PatternState::entryFor(std::uint64_t object, const ObjectNames &names)
{
    auto found = m_objects.find(object);
    if (found != m_objects.end())
        return &found->second;
    if (m_objects.size() >= objectCacheCapacity)
        m_objects.clear(); // a run that makes objects without end (one channel per request)
    QString name = names.value(object);
    // An unnamed object may be named later (TraceRecorder::nameObject): not remembered, so
    // the name is asked again.
    if (name.isEmpty())
        return nullptr;
    return &m_objects.emplace(object, ObjectEntry{std::move(name)}).first->second;
}

void PatternState::forgetPointers()
{
    for (auto &[object, entry] : m_objects) {
        entry.counter = nullptr;
        entry.span = nullptr;
    }
}

void PatternState::apply(const std::vector<TraceEvent> &events, const ObjectNames &names)
{
    if (events.empty())
        return;
    for (const TraceEvent &event : events) {
        const double timeMs = double(event.timeNs) / 1e6;
        m_latestMs = std::max(m_latestMs, timeMs);
        const bool span = event.kind == TraceKind::SpanBegin || event.kind == TraceKind::SpanEnd;
        if (event.kind != TraceKind::Counter && event.kind != TraceKind::Instant && !span)
            continue;
        ObjectEntry *known = entryFor(event.object, names);
        if (!known)
            continue;
        ObjectEntry &entry = *known;
        if (span) {
            if (!entry.span) {
                auto family = m_spanFamilies.constFind(entry.name);
                if (family == m_spanFamilies.constEnd())
                    family = m_spanFamilies.insert(entry.name, spanFamily(entry.name));
                auto series = m_spans.find(*family);
                if (series == m_spans.end()) {
                    forgetPointers();
                    series = m_spans.insert(*family, SpanSeries{});
                }
                entry.span = &*series;
            }
            SpanSeries &series = *entry.span;
            if (event.kind == TraceKind::SpanBegin) {
                ++series.open;
            } else {
                // A span that began before a drain we did not see (none today) must not go negative.
                series.open = std::max<qint64>(0, series.open - 1);
                series.durationsMs.add(double(event.value) / 1e6);
            }
            continue;
        }
        if (event.kind == TraceKind::Instant) {
            m_instants.push_back({entry.name, timeMs, qint64(event.value)});
            if (m_instants.size() > instantCapacity)
                m_instants.pop_front();
            continue;
        }
        const auto value = qint64(event.value);
        const auto sample = double(value);
        if (!entry.counter) {
            auto found = m_counters.find(entry.name);
            if (found == m_counters.end()) {
                forgetPointers();
                found = m_counters.insert(entry.name, Counter{value, value, {}});
            }
            entry.counter = &*found;
        }
        Counter &counter = *entry.counter;
        counter.value = value;
        counter.peak = std::max(counter.peak, value);
        std::deque<CounterSample> &history = counter.history;
        if (!history.empty() && timeMs - history.back().timeMs < sampleSpacingMs) {
            CounterSample &last = history.back();
            last.value = sample;
            last.low = std::min(last.low, sample);
            last.high = std::max(last.high, sample);
            continue;
        }
        history.push_back({timeMs, sample, sample, sample});
        if (history.size() > historyCapacity)
            history.pop_front();
    }
    m_valuesStale = true;
    ++m_revision;
    emit changed();
}

void PatternState::clear()
{
    m_counters.clear();
    m_instants.clear();
    m_spans.clear();
    m_spanFamilies.clear();
    m_objects.clear();
    m_latestMs = 0;
    m_valuesStale = true;
    ++m_revision;
    emit changed();
}

QVariant PatternState::value(const QString &name, const QVariant &fallback) const
{
    auto found = m_counters.constFind(name);
    return found == m_counters.constEnd() ? fallback : QVariant(found->value);
}

QVariant PatternState::peak(const QString &name, const QVariant &fallback) const
{
    auto found = m_counters.constFind(name);
    return found == m_counters.constEnd() ? fallback : QVariant(found->peak);
}

QVariantList PatternState::history(const QString &name, double sinceMs) const
{
    QVariantList out;
    const std::deque<CounterSample> *samples = series(name);
    if (!samples)
        return out;
    auto first = std::partition_point(samples->begin(), samples->end(),
                                      [sinceMs](const CounterSample &s) { return s.timeMs < sinceMs; });
    for (auto it = first; it != samples->end(); ++it)
        out.append(QVariantMap{{QStringLiteral("t"), it->timeMs}, {QStringLiteral("v"), it->value}});
    return out;
}

QVariantList PatternState::instants(const QString &namePrefix, int max) const
{
    QVariantList out;
    for (auto it = m_instants.rbegin(); it != m_instants.rend() && out.size() < max; ++it) {
        if (!it->name.startsWith(namePrefix))
            continue;
        out.append(QVariantMap{{QStringLiteral("name"), it->name},
                               {QStringLiteral("t"), it->timeMs},
                               {QStringLiteral("value"), it->value}});
    }
    return out;
}

QList<double> PatternState::instantsAfter(const QStringList &names, double afterMs, int max) const
{
    QList<double> out;
    int found = 0;
    for (auto it = m_instants.rbegin(); it != m_instants.rend() && found < max && it->timeMs > afterMs; ++it) {
        const qsizetype index = names.indexOf(it->name);
        if (index < 0)
            continue;
        out << it->timeMs << double(it->value) << double(index);
        ++found;
    }
    return out;
}

QString PatternState::spanFamily(const QString &spanName)
{
    static const QRegularExpression numbered(QStringLiteral("^(.*\\S-)\\d+$"));
    const QRegularExpressionMatch match = numbered.match(spanName);
    return match.hasMatch() ? match.captured(1) + QLatin1Char('*') : spanName;
}

QVariantList PatternState::spanStats() const
{
    QStringList families = m_spans.keys();
    families.sort();
    QVariantList out;
    for (const QString &family : families) {
        const SpanSeries &series = *m_spans.constFind(family);
        const QuantileSketch &durations = series.durationsMs;
        out.append(QVariantMap{{QStringLiteral("name"), family},
                               {QStringLiteral("count"), qint64(durations.count())},
                               {QStringLiteral("open"), series.open},
                               {QStringLiteral("minMs"), durations.min()},
                               {QStringLiteral("p50Ms"), durations.quantile(0.50)},
                               {QStringLiteral("p95Ms"), durations.quantile(0.95)},
                               {QStringLiteral("maxMs"), durations.max()}});
    }
    return out;
}

QVariantMap PatternState::spanHistogram(const QString &family, int buckets) const
{
    QVariantList counts;
    auto found = m_spans.constFind(family);
    if (found == m_spans.constEnd() || found->durationsMs.count() == 0 || buckets < 1)
        return {{QStringLiteral("counts"), counts}, {QStringLiteral("fromMs"), 0.0}, {QStringLiteral("toMs"), 0.0}};
    const QuantileSketch &durations = found->durationsMs;
    const double from = std::floor(durations.min());
    // At least a tenth of the longest duration (and a millisecond) wide: durations that differ
    // by timer noise alone stay in one or two bars instead of filling the axis with a spread
    // that is not there, and equal durations make one bar rather than a division by zero.
    const double to = std::max(durations.max(), from + std::max(1.0, 0.1 * durations.max()));
    std::vector<qint64> tally(std::size_t(buckets), 0);
    // Each of the sketch's buckets goes whole into the bar of its value (a duration within
    // the sketch's error of a bar's edge may land in the neighbouring bar).
    durations.forEachBucket([&](double value, std::uint64_t count) {
        const auto bucket = std::size_t((value - from) / (to - from) * buckets);
        tally[std::min(bucket, tally.size() - 1)] += qint64(count);
    });
    for (qint64 count : tally)
        counts.append(count);
    return {{QStringLiteral("counts"), counts}, {QStringLiteral("fromMs"), from}, {QStringLiteral("toMs"), to}};
}

const std::deque<CounterSample> *PatternState::series(const QString &name) const
{
    auto found = m_counters.constFind(name);
    return found == m_counters.constEnd() ? nullptr : &found->history;
}

} // namespace taskscope
