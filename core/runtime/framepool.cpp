#include "runtime/impl/framepool.h"
#include "runtime/impl/framepoolstats.h"
#include "runtime/impl/loom.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

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

// Block sizes, in cache lines: every block starts on a line, and wastes at most a quarter of
// itself up to 512 bytes (a 312-byte task header takes 320).
constexpr std::size_t s_line = 64;
constexpr std::array<std::size_t, 14> s_classLines{1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 48, 64};
constexpr std::size_t s_classCount = s_classLines.size();
constexpr std::size_t s_largestClass = s_classLines.back() * s_line;
/// Blocks are carved out of slabs this large and aligned to it (one transparent huge page).
/// A slab's first line names its pool, so a block needs no header: its owner is found from
/// its address, its size class from the size its delete is given.
constexpr std::size_t s_slabSize = std::size_t(2) << 20;

/// The size class of a block of @p size bytes (at most s_largestClass).
constexpr std::size_t sizeClassOf(std::size_t size)
{
    const std::size_t lines = (size + s_line - 1) / s_line;
    std::size_t sizeClass = 0;
    while (s_classLines[sizeClass] < lines)
        ++sizeClass;
    return sizeClass;
}
static_assert(sizeClassOf(1) == 0 && sizeClassOf(64) == 0 && sizeClassOf(65) == 1 && sizeClassOf(312) == 4
              && sizeClassOf(4096) == s_classCount - 1);

struct FreeBlock
{
    FreeBlock *next;
};

class Pool;

struct alignas(64) SlabHeader
{
    Pool *owner;
};

Pool *ownerOf(void *block) noexcept
{
    const auto slab = reinterpret_cast<std::uintptr_t>(block) & ~(std::uintptr_t(s_slabSize) - 1);
    return reinterpret_cast<const SlabHeader *>(slab)->owner;
}

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
        return carve(s_classLines[sizeClass] * s_line);
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
            new (slab) SlabHeader{this};
            m_slabNext = static_cast<char *>(slab) + sizeof(SlabHeader);
            m_slabLeft = s_slabSize - sizeof(SlabHeader);
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
    const std::size_t sizeClass = sizeClassOf(size);
    Pool *owner = ownerOf(block);
    if (Pool &mine = t_pool.get(); owner == &mine)
        mine.freeLocal(block, sizeClass);
    else
        owner->freeRemote(block, sizeClass);
}

std::size_t poolBlockSize(std::size_t size) noexcept
{
    if (TASKSCOPE_PLAIN_ALLOCATION || size > s_largestClass)
        return size;
    return s_classLines[sizeClassOf(size)] * s_line;
}

} // namespace taskscope::detail
