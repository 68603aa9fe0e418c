#include "sync/impl/tracedobject.h"

#include <QHash>

#include <deque>

namespace taskscope::detail {

std::uint64_t nextObjectId() noexcept
{
    static Atomic<std::uint64_t> s_next{1};
    // Relaxed: only uniqueness matters.
    return s_next.fetch_add(1, std::memory_order_relaxed);
}

namespace {

/// The names of live objects, and of the last few thousand that died: a recorder names the
/// ids it sees when it drains, and on the virtual clock a whole run (its breaker, its
/// channels) can begin and end between two drains. Ids are never reused, so a dead name
/// cannot be given to another object.
struct LiveNames
{
    static constexpr std::size_t deadKept = 16384;

    Mutex mutex;
    QHash<std::uint64_t, QString> names;
    QHash<std::uint64_t, QString> dead;
    std::deque<std::uint64_t> deadOrder; // oldest first
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
    const auto it = live.names.find(id);
    if (it == live.names.end())
        return;
    live.dead.insert(id, std::move(*it));
    live.names.erase(it);
    live.deadOrder.push_back(id);
    if (live.deadOrder.size() > LiveNames::deadKept) {
        live.dead.remove(live.deadOrder.front());
        live.deadOrder.pop_front();
    }
}

QString liveObjectName(std::uint64_t id)
{
    LiveNames &live = liveNames();
    LockGuard lock(live.mutex);
    const auto it = live.names.constFind(id);
    return it != live.names.constEnd() ? *it : live.dead.value(id);
}

} // namespace taskscope::detail
