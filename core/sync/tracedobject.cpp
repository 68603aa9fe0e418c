#include "sync/impl/tracedobject.h"

#include <QHash>

namespace taskscope::detail {

std::uint64_t nextObjectId() noexcept
{
    static Atomic<std::uint64_t> s_next{1};
    // Relaxed: only uniqueness matters.
    return s_next.fetch_add(1, std::memory_order_relaxed);
}

namespace {

struct LiveNames
{
    Mutex mutex;
    QHash<std::uint64_t, QString> names;
};

LiveNames &liveNames()
{
    static LiveNames *names = new LiveNames; // immortal: objects may outlive static destruction
    return *names;
}

} // namespace

void registerObjectName(std::uint64_t id, const QString &name)
{
    LiveNames &live = liveNames();
    LockGuard lock(live.mutex);
    live.names.insert(id, name);
}

void unregisterObjectName(std::uint64_t id) noexcept
{
    LiveNames &live = liveNames();
    LockGuard lock(live.mutex);
    live.names.remove(id);
}

QString liveObjectName(std::uint64_t id)
{
    LiveNames &live = liveNames();
    LockGuard lock(live.mutex);
    return live.names.value(id);
}

} // namespace taskscope::detail
