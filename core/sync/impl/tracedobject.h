#pragma once

// Identity of a synchronisation primitive (an object id and a name) and the hook through
// which it reports what happens to it. Events go to the trace sink of the runtime whose task
// or worker is running on the calling thread; from other threads they are not recorded.

#include "runtime/impl/scheduler.h"
#include "runtime/impl/taskheader.h"

#include <QString>

namespace taskscope::detail {

/// A new object id, unique in the process (1, 2, …).
std::uint64_t nextObjectId() noexcept;

/// Names of the traced objects alive now, so a recorder can name the ids it sees.
void registerObjectName(std::uint64_t id, const QString &name);
void unregisterObjectName(std::uint64_t id) noexcept;
/// The name of a live object (or of one among the last few thousand that died), or a null string.
QString liveObjectName(std::uint64_t id);

class TracedObject
{
public:
    explicit TracedObject(QString name)
        : m_id(nextObjectId())
        , m_name(std::move(name))
    {
        registerObjectName(m_id, m_name);
    }
    TracedObject(const TracedObject &) = delete;
    TracedObject &operator=(const TracedObject &) = delete;
    ~TracedObject() { unregisterObjectName(m_id); }

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
