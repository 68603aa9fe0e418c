#pragma once

// The runtime's timers: a 4-ary min-heap of intrusive nodes ordered by (deadline, arming order).
//
// Implementation notes
// --------------------
// Nodes live inside the awaiting coroutine frames (a sleep's awaiter, a timeout's scope), so
// arming allocates nothing. A node knows its heap index, so removing it when its frame is
// destroyed early (cancellation, a timeout that did not fire) is O(log n). Each heap entry
// carries its node's key (deadline, order) beside the pointer: with 100k timers the frames are
// scattered over megabytes, and comparing through the pointers made every sift step a cache
// miss (the timers benchmark spent a fifth of its time there). Four children per node halve
// the depth; the four keys compared at each step sit in one or two cache lines. Firing happens in
// two steps: under the lock, due nodes are popped, marked fired and their wakers moved out;
// after the lock, the wakers run. A node's owner may destroy it the moment the lock is
// released, so nothing touches a node after that.
// Ties are broken by arming order, which keeps deterministic runs deterministic.

#include "time/clock.h"
#include "runtime/impl/taskheader.h"

#include <limits>
#include <memory>
#include <vector>

namespace taskscope::detail {

class CancelScopeState;

/// One armed timer: wakes a task (sleep) or fires a cancel scope (timeout).
struct TimerNode
{
    Instant deadline{};
    Waker waker;
    std::shared_ptr<CancelScopeState> scope;
    /// Set under the queue lock when the timer fires; read by the owner afterwards.
    Atomic<bool> fired{false};
    // Queue bookkeeping (guarded by the queue lock).
    std::uint64_t order = 0;
    std::ptrdiff_t heapIndex = -1;
};

class TimerQueue
{
public:
    static constexpr std::int64_t noDeadline = std::numeric_limits<std::int64_t>::max();

    /// Arms @p node. Returns true when it became the earliest deadline (the parked
    /// timekeeper must re-arm its wait).
    bool insert(TimerNode &node);
    /// Makes room for one more node, so that the insert() after arming a wait cannot throw.
    void reserveOne();
    /// Disarms @p node if it is still queued; a no-op once it fired.
    void remove(TimerNode &node) noexcept;
    /// Fires every node due at @p now, in deadline order. Returns how many fired.
    std::size_t fireDue(Instant now);
    /// The earliest deadline, or noDeadline; lock-free, may be momentarily stale.
    [[nodiscard]] std::int64_t earliestNs() const noexcept
    {
        // seq_cst: pairs with the parked count in Scheduler::park/timerArmed (Dekker): either
        // the parking worker sees the new deadline or the arming side sees the parked worker.
        return m_earliestNs.load(std::memory_order_seq_cst);
    }
    [[nodiscard]] std::size_t size() const;

private:
    static constexpr std::size_t s_arity = 4;
    struct Entry
    {
        std::int64_t deadlineNs;
        std::uint64_t order;
        TimerNode *node;
    };
    static bool less(const Entry &a, const Entry &b) noexcept
    {
        return a.deadlineNs < b.deadlineNs || (a.deadlineNs == b.deadlineNs && a.order < b.order);
    }
    void siftUp(std::size_t index, Entry entry) noexcept;
    void siftDown(std::size_t index, Entry entry) noexcept;
    void place(std::size_t index, const Entry &entry) noexcept
    {
        m_heap[index] = entry;
        entry.node->heapIndex = std::ptrdiff_t(index);
    }
    void removeAt(std::size_t index) noexcept;
    void publishEarliest() noexcept
    {
        m_earliestNs.store(m_heap.empty() ? noDeadline : m_heap.front().deadlineNs, std::memory_order_seq_cst);
    }

    mutable Mutex m_mutex;
    std::vector<Entry> m_heap;
    std::uint64_t m_nextOrder = 0;
    Atomic<std::int64_t> m_earliestNs{noDeadline};
};

} // namespace taskscope::detail
