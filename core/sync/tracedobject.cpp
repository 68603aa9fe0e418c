#include "sync/impl/tracedobject.h"

#include <QHash>
#include <QLoggingCategory>

#include <array>
#include <memory>

namespace taskscope::detail {

namespace {

Q_LOGGING_CATEGORY(lcTrace, "taskscope.trace")

/// The distinct names, index 1 on (0 is "no name"). Written under the mutex; read without it:
/// a name is stored before its index is published (release), and never changes afterwards.
class NameTable
{
public:
    std::uint32_t intern(const QString &name)
    {
        LockGuard lock(m_mutex);
        const auto it = m_indexes.constFind(name);
        if (it != m_indexes.constEnd())
            return *it;
        const std::uint32_t index = m_count.load(std::memory_order_relaxed) + 1;
        if (index > maxObjectNames) {
            if (!m_fullReported) {
                m_fullReported = true;
                qCWarning(lcTrace) << "more than" << maxObjectNames << "distinct object names; new ones go unnamed";
            }
            return 0;
        }
        auto &chunk = m_chunks[index / chunkSize];
        if (!chunk.load(std::memory_order_relaxed))
            chunk.store(new Chunk, std::memory_order_relaxed); // published with m_count below
        (*chunk.load(std::memory_order_relaxed))[index % chunkSize] = name;
        m_indexes.insert(name, index);
        m_count.store(index, std::memory_order_release);
        return index;
    }

    QString name(std::uint32_t index) const
    {
        if (index == 0 || index > m_count.load(std::memory_order_acquire))
            return {};
        return (*m_chunks[index / chunkSize].load(std::memory_order_relaxed))[index % chunkSize];
    }

private:
    static constexpr std::size_t chunkSize = 1024;
    using Chunk = std::array<QString, chunkSize>;

    Mutex m_mutex;
    QHash<QString, std::uint32_t> m_indexes; // under m_mutex
    bool m_fullReported = false;             // under m_mutex
    Atomic<std::uint32_t> m_count{0};
    std::array<Atomic<Chunk *>, (maxObjectNames + 1) / chunkSize + 1> m_chunks{};
};

NameTable &nameTable()
{
    static NameTable *table = new NameTable; // immortal: objects may outlive static destruction
    return *table;
}

/// The index of @p name, from a small per-thread cache when the same name (most often the
/// same string literal) was interned lately, so a hot path skips the lock and the hash.
std::uint32_t internCached(const QString &name)
{
    struct Entry
    {
        QString name; // held, so its characters stay where they are while cached
        std::uint32_t index = 0;
    };
    static constexpr std::size_t cacheSize = 8;
    thread_local std::array<Entry, cacheSize> cache;
    thread_local std::size_t next = 0;
    for (const Entry &entry : cache) {
        if (entry.index != 0 && entry.name.size() == name.size()
            && (entry.name.constData() == name.constData() || entry.name == name))
            return entry.index;
    }
    const std::uint32_t index = nameTable().intern(name);
    if (index != 0) {
        cache[next] = {name, index};
        next = (next + 1) % cacheSize;
    }
    return index;
}

} // namespace

std::uint64_t nextObjectId(const QString &name) noexcept
{
    static Atomic<std::uint64_t> s_next{1};
    // Relaxed: only uniqueness matters.
    // 1 … 2^36 − 1, then round again (never 0, which means "no object"): unique for the first
    // 68 billion objects of a process.
    constexpr std::uint64_t serials = (std::uint64_t(1) << objectSerialBits) - 1;
    const std::uint64_t serial = 1 + (s_next.fetch_add(1, std::memory_order_relaxed) - 1) % serials;
    std::uint32_t index = 0;
    if (!name.isEmpty()) {
        try {
            index = internCached(name);
        } catch (...) { // out of memory: the object goes unnamed
        }
    }
    return (std::uint64_t(index) << objectSerialBits) | serial;
}

QString objectNameOf(std::uint64_t id)
{
    return nameTable().name(std::uint32_t(id >> objectSerialBits));
}

} // namespace taskscope::detail
