#pragma once

// Identity of a synchronisation primitive (an object id and a name) and the hook through
// which it reports what happens to it. Events go to the trace sink of the runtime whose task
// or worker is running on the calling thread; from other threads they are not recorded.
//
// An object's id carries its name: the top bits are the index of the name in a process-wide
// table of distinct names (interned once per name, looked up without a lock), the low bits a
// serial number. So creating and destroying an object touches no shared table (an actor makes
// a named oneshot per request, tens of thousands per second), and a recorder or the GUI can
// name any id it sees, however long ago its object died.

#include "runtime/impl/scheduler.h"
#include "runtime/impl/taskheader.h"

#include <QString>

#include <cstdint>

namespace taskscope::detail {

/// Ids stay below 2^53, so a JSON number (a double) holds one exactly.
inline constexpr int objectSerialBits = 36;
inline constexpr int objectNameBits = 17;
/// Distinct names the table holds; past it, new names are not kept (their objects are unnamed).
inline constexpr std::uint32_t maxObjectNames = (1u << objectNameBits) - 1;

/// A new object id, never 0, unique among the process's first 2^36 − 1 objects, carrying the
/// name @p name (none if it is empty).
std::uint64_t nextObjectId(const QString &name = {}) noexcept;

/// The name carried by object id @p id, or a null string if it carries none.
QString objectNameOf(std::uint64_t id);

class TracedObject
{
public:
    explicit TracedObject(QString name)
        : m_id(nextObjectId(name))
        , m_name(std::move(name))
    {
    }
    TracedObject(const TracedObject &) = delete;
    TracedObject &operator=(const TracedObject &) = delete;

    [[nodiscard]] std::uint64_t id() const noexcept { return m_id; }
    [[nodiscard]] const QString &name() const noexcept { return m_name; }

    /// Reports @p kind for this object from the calling task (if any).
    void trace(TraceKind kind, std::int64_t value) const noexcept
    {
        TaskHeader *task = TaskHeader::current();
        Scheduler *scheduler = task ? task->scheduler() : Scheduler::current();
        if (scheduler)
            scheduler->trace(kind, task ? task->id() : 0, m_id, value);
    }

private:
    std::uint64_t m_id;
    QString m_name;
};

} // namespace taskscope::detail
