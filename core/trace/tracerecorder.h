#pragma once

/// TraceRecorder: the engine's flight recorder (DESIGN.md decision 6).
///
/// ```
/// TraceRecorder recorder(runtime.config().workerThreads);
/// runtime.setTraceSink(&recorder);
/// ... later, from any one thread (the GUI's frame timer, the export):
/// std::vector<TraceEvent> events = recorder.drain();   // in timestamp order
/// ```
/// Each worker writes into its own single-producer ring, so recording is a few stores and
/// never blocks; a full ring drops the event and counts it. Every other thread that records
/// (the GUI thread spawning, a test's main thread) gets a ring of its own on its first event;
/// past maxOutsideThreads of them, the rest share one ring behind a lock. drain() may run
/// while the threads record; it merges every ring by time in one pass. Only one thread may
/// drain.
/// Object ids carry their names (objectnames.h); objectNames() names any id a drain gave.

#include "runtime/impl/loom.h"
#include "trace/objectnames.h"
#include "trace/tracering.h"
#include "trace/tracesink.h"

#include <QHash>
#include <QString>

#include <memory>
#include <vector>

namespace taskscope {

class TraceRecorder final : public TraceSink
{
public:
    static constexpr std::size_t defaultRingCapacity = 1 << 16;
    /// Threads other than the workers that get a ring of their own.
    static constexpr std::size_t maxOutsideThreads = 32;

    /// A recorder for @p workers workers, each ring holding @p ringCapacity events.
    explicit TraceRecorder(int workers, std::size_t ringCapacity = defaultRingCapacity);

    void record(const TraceEvent &event) noexcept override;
    void describeTask(std::uint64_t task, const QString &name, std::source_location spawnedAt,
                      std::uint64_t parent) override;

    /// A named task's name. (Where it was spawned and by whom, its Spawn event says: spawnSiteOf.)
    struct TaskDescription
    {
        std::uint64_t task = 0;
        QString name;
    };
    using TaskDescriptions = std::vector<TaskDescription>;
    /// Takes the names of the named tasks spawned since the last call, in the order described
    /// (an unnamed task has nothing to describe).
    /// A list, not a table by id: every reader files them into a table of its own, and
    /// building one here too cost the drain a hash insert per task.
    [[nodiscard]] TaskDescriptions takeTaskDescriptions();

    /// Takes every event recorded since the last drain, in timestamp order (stable: events
    /// with equal times keep each ring's order; at equal times, outside events come first, then
    /// worker 0, worker 1, …).
    [[nodiscard]] std::vector<TraceEvent> drain();
    /// The same into @p events (cleared first), reusing its memory from one drain to the next.
    void drain(std::vector<TraceEvent> &events);

    /// Events recorded (kept) and dropped (ring full) so far.
    [[nodiscard]] std::uint64_t eventsRecorded() const noexcept { return m_recorded.load(std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t eventsDropped() const noexcept;

    /// Names an object id for the export and the UI, if the id does not carry that name already.
    void nameObject(std::uint64_t object, const QString &name) override;
    /// The name of @p object (the one given to nameObject, else the one its id carries).
    [[nodiscard]] QString objectName(std::uint64_t object) const;
    [[nodiscard]] ObjectNames objectNames() const;

    [[nodiscard]] int workerCount() const noexcept { return int(m_rings.size()); }

private:
    /// The calling thread's own ring, or nullptr when it must use the shared one.
    detail::TraceRing *outsideRing();

    const std::uint64_t m_serial; // tells this recorder from earlier ones at the same address
    const std::size_t m_ringCapacity;
    std::vector<std::unique_ptr<detail::TraceRing>> m_rings; // one per worker
    std::vector<detail::TraceRing *> m_ringPointers;         // the same, for TraceSink::workerRing
    mutable detail::Mutex m_outsideMutex;
    std::vector<std::unique_ptr<detail::TraceRing>> m_outsideRings; // one per other thread; grows under m_outsideMutex
    detail::TraceRing m_shared;  // threads past maxOutsideThreads, pushing under m_sharedMutex
    detail::Mutex m_sharedMutex;
    detail::Atomic<std::uint64_t> m_recorded{0};
    /// Merges the sorted run [middle, end) of @p events into the sorted prefix [0, middle).
    void mergeIntoPrefix(std::vector<TraceEvent> &events, std::size_t middle, std::size_t end);
    // The drain's scratch space, kept from one drain to the next.
    std::vector<detail::TraceRing *> m_drainRings;
    std::vector<std::size_t> m_runEnds;
    std::vector<TraceEvent> m_sharedSorted;
    std::vector<TraceEvent> m_mergeScratch;
    mutable detail::Mutex m_namesMutex;
    QHash<std::uint64_t, QString> m_names; // given to nameObject
    detail::Mutex m_tasksMutex;
    TaskDescriptions m_tasks; // under m_tasksMutex
};

} // namespace taskscope
