#include "trace/tracerecorder.h"

#include "sync/impl/tracedobject.h"

#include <QSet>

#include <algorithm>

namespace taskscope {

namespace {

/// Kinds whose `object` is a traced object id (not a task or a worker).
bool carriesObject(TraceKind kind)
{
    return kind >= TraceKind::Send;
}

} // namespace

TraceRecorder::TraceRecorder(int workers, std::size_t ringCapacity)
    : m_outside(ringCapacity)
{
    for (int index = 0; index < workers; ++index)
        m_rings.push_back(std::make_unique<detail::TraceRing>(ringCapacity));
}

void TraceRecorder::record(const TraceEvent &event) noexcept
{
    if (event.worker >= 0 && std::size_t(event.worker) < m_rings.size()) {
        m_rings[std::size_t(event.worker)]->push(event);
    } else {
        detail::LockGuard lock(m_outsideMutex);
        m_outside.push(event);
    }
}

std::vector<TraceEvent> TraceRecorder::drain()
{
    std::vector<TraceEvent> events;
    std::vector<std::size_t> runEnds;
    {
        // Outside first: at equal times, a spawn from outside comes before the polls it causes.
        detail::LockGuard lock(m_outsideMutex);
        m_outside.drainInto(events);
    }
    // Outside threads read the clock before taking the ring's lock, so this run may be
    // slightly out of order; the worker rings never are.
    std::stable_sort(events.begin(), events.end(),
                     [](const TraceEvent &a, const TraceEvent &b) { return a.timeNs < b.timeNs; });
    runEnds.push_back(events.size());
    for (auto &ring : m_rings) {
        ring->drainInto(events);
        runEnds.push_back(events.size());
    }
    // Each ring is already in time order: merge each run into the merged prefix (stable).
    std::size_t mergedEnd = 0;
    for (std::size_t end : runEnds) {
        std::inplace_merge(events.begin(), events.begin() + std::ptrdiff_t(mergedEnd),
                           events.begin() + std::ptrdiff_t(end),
                           [](const TraceEvent &a, const TraceEvent &b) { return a.timeNs < b.timeNs; });
        mergedEnd = end;
    }
    m_recorded.fetch_add(events.size(), std::memory_order_relaxed);
    // Name the objects these events mention while they (most likely) still exist; each
    // unnamed id is looked up once per drain.
    {
        detail::LockGuard lock(m_namesMutex);
        QSet<std::uint64_t> lookedUp;
        for (const TraceEvent &event : events) {
            if (event.object == 0 || !carriesObject(event.kind) || m_names.contains(event.object)
                || lookedUp.contains(event.object))
                continue;
            lookedUp.insert(event.object);
            const QString name = detail::liveObjectName(event.object);
            if (!name.isNull())
                m_names.insert(event.object, name);
        }
    }
    return events;
}

std::uint64_t TraceRecorder::eventsDropped() const noexcept
{
    std::uint64_t dropped = m_outside.dropped();
    for (const auto &ring : m_rings)
        dropped += ring->dropped();
    return dropped;
}

void TraceRecorder::describeTask(std::uint64_t task, const QString &name, std::source_location spawnedAt,
                                 std::uint64_t parent)
{
    // On the spawning thread, per spawn: no formatting, no hashing.
    detail::LockGuard lock(m_tasksMutex);
    m_tasks.push_back({task, name, spawnedAt, parent});
}

QHash<std::uint64_t, TraceRecorder::TaskDescription> TraceRecorder::takeTaskDescriptions()
{
    std::vector<RawDescription> raw;
    {
        detail::LockGuard lock(m_tasksMutex);
        raw.swap(m_tasks);
    }
    QHash<std::uint64_t, TaskDescription> descriptions;
    descriptions.reserve(qsizetype(raw.size()));
    for (const RawDescription &each : raw) {
        descriptions.insert(each.task,
                            {each.name,
                             QStringLiteral("%1:%2").arg(QString::fromUtf8(each.spawnedAt.file_name())).arg(each.spawnedAt.line()),
                             each.parent});
    }
    return descriptions;
}

void TraceRecorder::nameObject(std::uint64_t object, const QString &name)
{
    detail::LockGuard lock(m_namesMutex);
    m_names.insert(object, name);
}

QString TraceRecorder::objectName(std::uint64_t object) const
{
    detail::LockGuard lock(m_namesMutex);
    return m_names.value(object);
}

QHash<std::uint64_t, QString> TraceRecorder::objectNames() const
{
    detail::LockGuard lock(m_namesMutex);
    return m_names;
}

} // namespace taskscope
