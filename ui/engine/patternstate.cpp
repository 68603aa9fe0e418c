#include "engine/patternstate.h"

#include <algorithm>

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

void PatternState::apply(const std::vector<TraceEvent> &events, const ObjectNames &names)
{
    if (events.empty())
        return;
    for (const TraceEvent &event : events) {
        const double timeMs = double(event.timeNs) / 1e6;
        m_latestMs = std::max(m_latestMs, timeMs);
        if (event.kind != TraceKind::Counter && event.kind != TraceKind::Instant)
            continue;
        const QString name = names.value(event.object);
        if (name.isEmpty())
            continue;
        if (event.kind == TraceKind::Instant) {
            m_instants.push_back({name, timeMs, qint64(event.value)});
            if (m_instants.size() > instantCapacity)
                m_instants.pop_front();
            continue;
        }
        const auto value = qint64(event.value);
        const auto sample = double(value);
        auto found = m_counters.find(name);
        if (found == m_counters.end()) {
            found = m_counters.insert(name, Counter{value, value, {}});
        }
        Counter &counter = *found;
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

const std::deque<CounterSample> *PatternState::series(const QString &name) const
{
    auto found = m_counters.constFind(name);
    return found == m_counters.constEnd() ? nullptr : &found->history;
}

} // namespace taskscope
