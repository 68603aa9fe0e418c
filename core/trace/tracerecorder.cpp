#include "trace/tracerecorder.h"

#include "sync/impl/tracedobject.h"


#include <algorithm>
#include <array>

namespace taskscope {

namespace {

detail::Atomic<std::uint64_t> s_nextSerial{1};

/// One thread's rings in the recorders it recorded into lately (a thread rarely records
/// into more than one at a time; more just means a few more lookups under the lock).
struct OutsideRingCache
{
    struct Entry
    {
        std::uint64_t serial = 0;
        detail::TraceRing *ring = nullptr;
    };
    std::array<Entry, 4> entries{};
    std::size_t next = 0;
};
thread_local OutsideRingCache t_outsideRings;

bool earlier(const TraceEvent &a, const TraceEvent &b)
{
    return a.timeNs < b.timeNs;
}

} // namespace

TraceRecorder::TraceRecorder(int workers, std::size_t ringCapacity)
    : m_serial(s_nextSerial.fetch_add(1, std::memory_order_relaxed))
    , m_ringCapacity(ringCapacity)
    , m_shared(ringCapacity)
{
    for (int index = 0; index < workers; ++index) {
        m_rings.push_back(std::make_unique<detail::TraceRing>(ringCapacity));
        m_ringPointers.push_back(m_rings.back().get());
    }
    setWorkerRings(m_ringPointers.data(), m_ringPointers.size());
}

detail::TraceRing *TraceRecorder::outsideRing()
{
    OutsideRingCache &cache = t_outsideRings;
    for (const auto &entry : cache.entries) {
        if (entry.serial == m_serial)
            return entry.ring;
    }
    // First event from this thread into this recorder (or it fell out of the cache: then it
    // gets a new ring, which is still single-producer).
    detail::TraceRing *ring = nullptr;
    {
        detail::LockGuard lock(m_outsideMutex);
        if (m_outsideRings.size() < maxOutsideThreads) {
            m_outsideRings.push_back(std::make_unique<detail::TraceRing>(m_ringCapacity));
            ring = m_outsideRings.back().get();
        }
    }
    cache.entries[cache.next] = {m_serial, ring};
    cache.next = (cache.next + 1) % cache.entries.size();
    return ring;
}

void TraceRecorder::record(const TraceEvent &event) noexcept
{
    if (event.worker >= 0 && std::size_t(event.worker) < m_rings.size()) {
        m_rings[std::size_t(event.worker)]->push(event);
        return;
    }
    detail::TraceRing *ring = nullptr;
    try {
        ring = outsideRing();
    } catch (...) {
        // No memory for a ring: the shared one needs none.
    }
    if (ring) {
        ring->push(event);
    } else {
        detail::LockGuard lock(m_sharedMutex);
        m_shared.push(event);
    }
}

std::vector<TraceEvent> TraceRecorder::drain()
{
    std::vector<TraceEvent> events;
    drain(events);
    return events;
}

void TraceRecorder::mergeIntoPrefix(std::vector<TraceEvent> &events, std::size_t middle, std::size_t end)
{
    if (middle == 0 || middle == end || !earlier(events[middle], events[middle - 1]))
        return; // nothing to merge, or the run starts after the prefix ends
    const auto begin = events.begin();
    // Stable: prefix events at the run's first time stay before it; run events at the
    // prefix's last time stay after it.
    const auto from = std::upper_bound(begin, begin + std::ptrdiff_t(middle), events[middle], earlier);
    const auto to = std::lower_bound(begin + std::ptrdiff_t(middle), begin + std::ptrdiff_t(end), events[middle - 1], earlier);
    m_mergeScratch.assign(from, begin + std::ptrdiff_t(middle));
    // Merge the moved prefix tail (scratch) with the run's head [middle, to) into [from, to).
    // The write position never passes the run's read position, so the run is read in place.
    auto out = from;
    auto left = m_mergeScratch.cbegin();
    auto right = begin + std::ptrdiff_t(middle);
    while (left != m_mergeScratch.cend() && right != to)
        *out++ = earlier(*right, *left) ? *right++ : *left++;
    out = std::copy(left, m_mergeScratch.cend(), out);
    (void)out; // what remains of the run's head is already in place
}

void TraceRecorder::drain(std::vector<TraceEvent> &events)
{
    events.clear();
    // The runs to merge, in tie-break order: other threads first (at equal times a spawn from
    // outside comes before the polls it causes), then worker 0, worker 1, …
    m_drainRings.clear();
    {
        detail::LockGuard lock(m_outsideMutex);
        for (const auto &ring : m_outsideRings)
            m_drainRings.push_back(ring.get());
    }
    // The shared ring's producers read the clock before taking its lock, so it may be
    // slightly out of order: sort a copy of it, as its own run.
    m_sharedSorted.clear();
    {
        detail::LockGuard lock(m_sharedMutex);
        m_shared.drainInto(m_sharedSorted);
    }
    std::stable_sort(m_sharedSorted.begin(), m_sharedSorted.end(), earlier);
    for (const auto &ring : m_rings)
        m_drainRings.push_back(ring.get());

    // Copy every run in (each is in time order), then merge them into the sorted prefix one
    // by one. Runs mostly follow one another or overlap a little at the edges, so each merge
    // touches only the overlap: the prefix's tail later than the run's first event and the
    // run's head earlier than the prefix's last event.
    m_runEnds.clear();
    const std::size_t outsideCount = m_drainRings.size() - m_rings.size();
    for (std::size_t index = 0; index < m_drainRings.size(); ++index) {
        if (index == outsideCount) {
            events.insert(events.end(), m_sharedSorted.begin(), m_sharedSorted.end());
            m_runEnds.push_back(events.size());
        }
        detail::TraceRing &ring = *m_drainRings[index];
        const auto pending = ring.pending();
        ring.appendTo(events, pending);
        ring.release(pending.end);
        m_runEnds.push_back(events.size());
    }
    if (outsideCount == m_drainRings.size()) {
        events.insert(events.end(), m_sharedSorted.begin(), m_sharedSorted.end());
        m_runEnds.push_back(events.size());
    }
    std::size_t mergedEnd = 0;
    for (std::size_t end : m_runEnds) {
        mergeIntoPrefix(events, mergedEnd, end);
        mergedEnd = end;
    }
    // A gap's marker is not an event anyone recorded: recorded + dropped = what was produced.
    const auto markers = std::count_if(events.begin(), events.end(),
                                       [](const TraceEvent &event) { return event.kind == TraceKind::Lost; });
    m_recorded.fetch_add(events.size() - std::size_t(markers), std::memory_order_relaxed);
}

std::uint64_t TraceRecorder::eventsDropped() const noexcept
{
    std::uint64_t dropped = m_shared.dropped();
    for (const auto &ring : m_rings)
        dropped += ring->dropped();
    detail::LockGuard lock(m_outsideMutex);
    for (const auto &ring : m_outsideRings)
        dropped += ring->dropped();
    return dropped;
}

void TraceRecorder::describeTask(std::uint64_t task, const QString &name, std::source_location spawnedAt,
                                 std::uint64_t parent)
{
    (void)spawnedAt, (void)parent; // the Spawn event carries both (spawnSiteOf)
    // Only a name is left to keep: an unnamed task takes no lock on the spawning thread.
    if (name.isEmpty())
        return;
    detail::LockGuard lock(m_tasksMutex);
    m_tasks.push_back({task, name}); // implicitly shared: no copy of the characters
}

TraceRecorder::TaskDescriptions TraceRecorder::takeTaskDescriptions()
{
    TaskDescriptions taken;
    detail::LockGuard lock(m_tasksMutex);
    taken.swap(m_tasks);
    return taken;
}

void TraceRecorder::nameObject(std::uint64_t object, const QString &name)
{
    if (detail::objectNameOf(object) == name)
        return; // the id carries it already (a span names itself on every call)
    detail::LockGuard lock(m_namesMutex);
    m_names.insert(object, name);
}

QString TraceRecorder::objectName(std::uint64_t object) const
{
    return objectNames().value(object);
}

ObjectNames TraceRecorder::objectNames() const
{
    detail::LockGuard lock(m_namesMutex);
    return ObjectNames(m_names);
}

} // namespace taskscope
