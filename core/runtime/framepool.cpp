#include "runtime/impl/framepool.h"
#include "runtime/impl/loom.h"

#include <array>
#include <bit>
#include <cstdint>
#include <new>
#include <vector>

// ASan must see every frame's lifetime; TSan runs with the pools, to check their hand-offs.
#if defined(__SANITIZE_ADDRESS__)
#define TASKSCOPE_PLAIN_ALLOCATION 1
#else
#define TASKSCOPE_PLAIN_ALLOCATION 0
#endif

namespace taskscope::detail {
namespace {

constexpr std::size_t s_headerSize = 16;
constexpr std::size_t s_smallestClass = 64;  // bytes of payload
constexpr std::size_t s_classCount = 7;      // 64 … 4096
constexpr std::size_t s_largestClass = s_smallestClass << (s_classCount - 1);

struct FreeBlock
{
    FreeBlock *next;
};

class Pool;

struct alignas(16) BlockHeader
{
    Pool *owner;
    std::uint32_t sizeClass;
};
static_assert(sizeof(BlockHeader) <= s_headerSize);

class Pool
{
public:
    void *allocate(std::size_t sizeClass)
    {
        FreeBlock *&local = m_local[sizeClass];
        if (!local) {
            // Take over everything other threads gave back (acquire: their writes to the
            // blocks happen-before our reuse).
            FreeBlock *remote = m_remote[sizeClass].exchange(nullptr, std::memory_order_acquire);
            local = remote;
        }
        if (FreeBlock *block = local) {
            local = block->next;
            // The next block was most likely freed on another worker, so its line sits in
            // that core's cache: fetch it now, not when the next spawn reads its link (that
            // miss was most of this function's time in spawn_join).
            if (local)
                __builtin_prefetch(local, 1);
            return block;
        }
        auto *raw = static_cast<char *>(::operator new(s_headerSize + (s_smallestClass << sizeClass)));
        auto *header = new (raw) BlockHeader{this, std::uint32_t(sizeClass)};
        (void)header;
        return raw + s_headerSize;
    }

    void freeLocal(void *payload, std::size_t sizeClass) noexcept
    {
        auto *block = static_cast<FreeBlock *>(payload);
        block->next = m_local[sizeClass];
        m_local[sizeClass] = block;
    }

    void freeRemote(void *payload, std::size_t sizeClass) noexcept
    {
        auto *block = static_cast<FreeBlock *>(payload);
        FreeBlock *head = m_remote[sizeClass].load(std::memory_order_relaxed);
        do {
            block->next = head;
            // Release: our last writes to the block happen-before the owner reuses it.
        } while (!m_remote[sizeClass].compare_exchange_weak(head, block, std::memory_order_release,
                                                             std::memory_order_relaxed));
    }

private:
    std::array<FreeBlock *, s_classCount> m_local{};          // owner thread only
    std::array<Atomic<FreeBlock *>, s_classCount> m_remote{}; // any thread pushes
};

/// Pools are never destroyed (blocks may still point at them); free ones are reused.
class PoolRegistry
{
public:
    static PoolRegistry &instance()
    {
        static PoolRegistry *registry = new PoolRegistry; // immortal, reachable
        return *registry;
    }
    Pool *acquire()
    {
        LockGuard lock(m_mutex);
        if (!m_free.empty()) {
            Pool *pool = m_free.back();
            m_free.pop_back();
            return pool;
        }
        m_all.push_back(new Pool);
        return m_all.back();
    }
    void release(Pool *pool)
    {
        LockGuard lock(m_mutex);
        m_free.push_back(pool);
    }

private:
    Mutex m_mutex;
    std::vector<Pool *> m_all;
    std::vector<Pool *> m_free;
};

/// The calling thread's pool, taken on first use and handed back when the thread ends.
class ThreadPool
{
public:
    ~ThreadPool()
    {
        if (m_pool)
            PoolRegistry::instance().release(m_pool);
    }
    Pool &get()
    {
        if (!m_pool)
            m_pool = PoolRegistry::instance().acquire();
        return *m_pool;
    }

private:
    Pool *m_pool = nullptr;
};

thread_local ThreadPool t_pool;

std::size_t sizeClassOf(std::size_t size)
{
    const std::size_t rounded = std::bit_ceil(std::max(size, s_smallestClass));
    return std::size_t(std::countr_zero(rounded) - std::countr_zero(s_smallestClass));
}

} // namespace

void *allocateFromPool(std::size_t size)
{
    if (TASKSCOPE_PLAIN_ALLOCATION || size > s_largestClass)
        return ::operator new(size);
    return t_pool.get().allocate(sizeClassOf(size));
}

void freeToPool(void *block, std::size_t size) noexcept
{
    if (TASKSCOPE_PLAIN_ALLOCATION || size > s_largestClass) {
        ::operator delete(block, size);
        return;
    }
    auto *header = reinterpret_cast<BlockHeader *>(static_cast<char *>(block) - s_headerSize);
    Pool &mine = t_pool.get();
    if (header->owner == &mine)
        mine.freeLocal(block, header->sizeClass);
    else
        header->owner->freeRemote(block, header->sizeClass);
}

} // namespace taskscope::detail
