#pragma once

// The runtime's timers: a 4-ary min-heap of intrusive nodes ordered by (deadline, arming order).
//
// Implementation notes
// --------------------
// Nodes live inside the awaiting coroutine frames (a sleep's awaiter, a timeout's scope), so
// arming allocates nothing. A heap entry is 16 bytes: the node's key (deadline, arming order)
// and its slot, a number the node holds while it is queued; a dense table maps slots to
// nodes. With 100k timers the frames are scattered over megabytes: comparing through node
// pointers made every sift step a cache miss (a fifth of the timers benchmark), and keeping
// each entry's heap position up to date (in the node, then in the table) was most of the cost
// of popping a timer after that. So a sift step only reads and moves 16-byte entries (one
// cache line holds four children; four children per node halve the depth), and disarming is
// lazy: a node whose frame is destroyed early (cancellation, a timeout that did not fire)
// clears its slot's row, O(1), and its entry is dropped when it reaches the top. The top
// entry is always an armed one, so the earliest deadline is exact (virtual time never jumps to
// a timer nobody waits for); when disarmed entries outnumber the armed ones, the heap is
// rebuilt without them. Firing happens in
// two steps: under the lock, due nodes are popped, marked fired and their wakers moved out;
// after the lock, the wakers run. A node's owner may destroy it the moment the lock is
// released, so nothing touches a node after that.
// Ties are broken by arming order (32 bits, compared modulo 2^32), which keeps deterministic
// runs deterministic.
//
// The scheduler keeps one queue per worker, and a task arms its timers in the queue of the
// worker it runs on (Scheduler::timers()). One shared queue was the timers benchmark's worst
// lock: each worker armed into it while the other popped due timers out of it, and with the
// spawning thread on the same two cores a preempted holder sent the other worker to sleep in
// the kernel. A node remembers its queue, so it is disarmed there from any thread.

#include "time/clock.h"
#include "runtime/impl/taskheader.h"

#include <limits>
#include <memory>
#include <vector>

namespace taskscope::detail {

class CancelScopeState;
class TimerQueue;

/// One armed timer: wakes a task (sleep) or fires a cancel scope (timeout).
struct TimerNode
{
    Instant deadline{};
    Waker waker;
    std::shared_ptr<CancelScopeState> scope;
    /// Set under the queue lock when the timer fires; read by the owner afterwards.
    Atomic<bool> fired{false};
    /// The queue it was last armed in (written by its owner before arming).
    TimerQueue *queue = nullptr;
    // Queue bookkeeping (guarded by the queue lock).
    std::uint32_t slot = noSlot; ///< its row in the queue's slot table while armed
    static constexpr std::uint32_t noSlot = std::numeric_limits<std::uint32_t>::max();
};

class TimerQueue
{
public:
    static constexpr std::int64_t noDeadline = std::numeric_limits<std::int64_t>::max();

    /// Arms @p node: under the queue's lock, makes room for it (may throw std::bad_alloc,
    /// before anything else happens), then calls @p prepare() (noexcept; a sleep registers its
    /// wait there), then queues the node. One lock round trip per arm. Returns true when the
    /// node became the earliest deadline (the parked timekeeper must re-arm its wait).
    template<typename Prepare>
    bool arm(TimerNode &node, Prepare &&prepare)
    {
        node.queue = this;
        LockGuard lock(m_mutex);
        makeRoomLocked();
        static_assert(noexcept(prepare()), "nothing may fail after the room is made");
        prepare();
        return insertLocked(node);
    }
    /// Disarms @p node in the queue it was armed in, if it is still queued; a no-op once it
    /// fired or when it was never armed.
    static void disarm(TimerNode &node) noexcept
    {
        if (node.queue)
            node.queue->remove(node);
    }
    /// Fires every node due at @p now, in deadline order. Returns how many fired.
    /// With @p waitForLock false, fires nothing (returns 0) when another thread holds the
    /// queue's lock: a worker passing by does not wait on a queue its owner is arming.
    std::size_t fireDue(Instant now, bool waitForLock = true);
    /// The earliest deadline, or noDeadline; lock-free, may be momentarily stale.
    [[nodiscard]] std::int64_t earliestNs() const noexcept
    {
        // seq_cst: pairs with the parked count in Scheduler::park/timerArmed (Dekker): either
        // the parking worker sees the new deadline or the arming side sees the parked worker.
        return m_earliestNs.load(std::memory_order_seq_cst);
    }

private:
    void makeRoomLocked();
    bool insertLocked(TimerNode &node) noexcept;
    void remove(TimerNode &node) noexcept;

    static constexpr std::size_t s_arity = 4;
    struct alignas(16) Entry
    {
        std::int64_t deadlineNs;
        std::uint32_t order;
        std::uint32_t slot;
    };
    static_assert(sizeof(Entry) == 16);
    static bool less(const Entry &a, const Entry &b) noexcept
    {
        // Modulo 2^32: right for ties armed less than 2^31 arms apart.
        return a.deadlineNs < b.deadlineNs
            || (a.deadlineNs == b.deadlineNs && std::int32_t(a.order - b.order) < 0);
    }
    void siftUp(std::size_t index, Entry entry) noexcept;
    void siftDown(std::size_t index, Entry entry) noexcept;
    void place(std::size_t index, const Entry &entry) noexcept { m_heap[index] = entry; }
    void popFront() noexcept;
    void dropDisarmedFront() noexcept;
    void compact() noexcept;
    void publishEarliest() noexcept
    {
        m_earliestNs.store(m_heap.empty() ? noDeadline : m_heap.front().deadlineNs, std::memory_order_seq_cst);
    }

    mutable Mutex m_mutex;
    std::vector<Entry> m_heap;
    std::vector<TimerNode *> m_slots;       // slot → its node; null when disarmed or free
    std::vector<std::uint32_t> m_freeSlots; // capacity kept ≥ m_slots': freeing never allocates
    std::size_t m_disarmed = 0;             // heap entries whose node was disarmed
    std::uint32_t m_nextOrder = 0;
    Atomic<std::int64_t> m_earliestNs{noDeadline};
};

} // namespace taskscope::detail
