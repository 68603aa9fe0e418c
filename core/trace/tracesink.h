#pragma once

/// Trace hooks: the scheduler and the primitives report what they do to an optional
/// TraceSink (TraceRecorder is the real one).
///
/// The sink is called on the thread that did the thing, inside the scheduler's hot path, so
/// it must be cheap, thread-safe and never block. With no sink installed (the default) a
/// hook costs one load and a branch.

#include "trace/traceevent.h"
#include "trace/tracering.h"

#include <QString>

#include <source_location>

namespace taskscope {

/// Receives events; implementations must be thread-safe and must not block.
class TraceSink
{
public:
    virtual ~TraceSink() = default;
    virtual void record(const TraceEvent &event) noexcept = 0;
    /// Names an object id now (a short-lived one, like a span, that may be gone by the drain).
    virtual void nameObject(std::uint64_t object, const QString &name) { (void)object, (void)name; }
    /// A task was spawned: its name, where, and by which task (0 from outside). Called once
    /// per task, before its Spawn event (which carries the site and the parent too).
    virtual void describeTask(std::uint64_t task, const QString &name, std::source_location spawnedAt,
                              std::uint64_t parent)
    {
        (void)task, (void)name, (void)spawnedAt, (void)parent;
    }

    /// The fast path for a worker's event: its own ring, pushed inline without a virtual
    /// call (a third of the hook's cost), or nullptr to go through record().
    [[nodiscard]] detail::TraceRing *workerRing(int worker) const noexcept
    {
        return std::size_t(worker) < m_workerRingCount ? m_workerRings[worker] : nullptr;
    }

protected:
    /// A sink with a ring per worker hands them out here, once, before it is installed.
    void setWorkerRings(detail::TraceRing *const *rings, std::size_t count) noexcept
    {
        m_workerRings = rings;
        m_workerRingCount = count;
    }

private:
    detail::TraceRing *const *m_workerRings = nullptr;
    std::size_t m_workerRingCount = 0;
};

} // namespace taskscope
