#include "runtime/impl/framepool.h"
#include "runtime/impl/loom.h"

#include <array>
#include <bit>
#include <cstdint>
#include <new>
#include <vector>

#include <cstdlib>
#if defined(__linux__)
#include <sys/mman.h>
#endif

// ASan must see every frame's lifetime; TSan runs with the pools, to check their hand-offs.
#if defined(__SANITIZE_ADDRESS__)
#define TASKSCOPE_PLAIN_ALLOCATION 1
#else
#define TASKSCOPE_PLAIN_ALLOCATION 0
#endif

namespace taskscope::detail {
namespace {

constexpr std::size_t s_headerSize = 16;
// Payload sizes: powers of two and the halfway steps between them (64, 96, 128, 192, …,
// 3072, 4096), so a block wastes at most a third of itself: a task header of 312 bytes
// takes 384, not 512.
constexpr std::array<std::size_t, 13> s_classSizes{64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096};
constexpr std::size_t s_classCount = s_classSizes.size();
constexpr std::size_t s_largestClass = s_classSizes.back();
/// Blocks are carved out of slabs this large, aligned to it (one transparent huge page).
constexpr std::size_t s_slabSize = std::size_t(2) << 20;

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
        char *raw = carve(s_headerSize + s_classSizes[sizeClass]);
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
    /// A new block of @p bytes from the current slab, or from a new slab when it is used up.
    char *carve(std::size_t bytes)
    {
        if (m_slabLeft < bytes) {
            m_slabs.reserve(m_slabs.size() + 1); // may throw: before the slab is taken
            void *slab = std::aligned_alloc(s_slabSize, s_slabSize);
            if (!slab)
                throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
            // One TLB entry and one page fault for the whole slab where the kernel allows
            // it: 100k live tasks spread over tens of megabytes in 4 KiB pages made most
            // accesses to a frame or a header a TLB miss as well as a cache miss.
            (void)::madvise(slab, s_slabSize, MADV_HUGEPAGE);
#endif
            m_slabs.push_back(slab);
            m_slabNext = static_cast<char *>(slab);
            m_slabLeft = s_slabSize;
        }
        char *block = m_slabNext;
        m_slabNext += bytes;
        m_slabLeft -= bytes;
        return block;
    }

    std::array<FreeBlock *, s_classCount> m_local{};          // owner thread only
    std::array<Atomic<FreeBlock *>, s_classCount> m_remote{}; // any thread pushes
    // Slabs (owner thread only). Never returned: pools, and so their blocks, live as long
    // as the process, and free blocks are reused.
    std::vector<void *> m_slabs;
    char *m_slabNext = nullptr;
    std::size_t m_slabLeft = 0;
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
    if (size <= s_classSizes.front())
        return 0;
    // 2^(k-1) < size <= 2^k: the class is 1.5 × 2^(k-1) or 2^k (64 = 2^6 is class 0).
    const auto k = std::size_t(std::bit_width(size - 1));
    const std::size_t halfway = (std::size_t(3) << k) >> 2;
    return size <= halfway ? 2 * (k - 6) - 1 : 2 * (k - 6);
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
