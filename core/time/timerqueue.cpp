#include "time/impl/timerqueue.h"
#include "sync/impl/cancelscope.h"

#include <algorithm>

namespace taskscope::detail {

void TimerQueue::makeRoomLocked()
{
    // Geometric growth: reserving exactly one more each time copied the whole heap on every
    // arm while timers piled up. Slots in use are as many as heap entries, so the heap's
    // size also bounds the position table.
    const std::size_t needed = m_heap.size() + 1;
    auto grown = [needed](std::size_t capacity) { return std::max({std::size_t(64), 2 * capacity, needed}); };
    if (m_heap.capacity() < needed)
        m_heap.reserve(grown(m_heap.capacity()));
    if (m_slots.capacity() < needed) {
        const std::size_t capacity = grown(m_slots.capacity());
        m_freeSlots.reserve(capacity); // first: free slots never outnumber the table's rows
        m_slots.reserve(capacity);
    }
}

bool TimerQueue::insertLocked(TimerNode &node) noexcept
{
    // makeRoomLocked() ran under the same lock: nothing here allocates.
    node.fired.store(false, std::memory_order_relaxed);
    if (!m_freeSlots.empty()) {
        node.slot = m_freeSlots.back();
        m_freeSlots.pop_back();
        m_slots[node.slot].node = &node;
    } else {
        node.slot = std::uint32_t(m_slots.size());
        m_slots.push_back({&node, 0});
    }
    m_heap.push_back({});
    siftUp(m_heap.size() - 1, {node.deadline.time_since_epoch().count(), m_nextOrder++, node.slot});
    publishEarliest();
    return m_heap.front().slot == node.slot;
}

void TimerQueue::remove(TimerNode &node) noexcept
{
    LockGuard lock(m_mutex);
    if (node.slot == TimerNode::noSlot)
        return; // fired, or removed before
    removeAt(m_slots[node.slot].position);
    node.slot = TimerNode::noSlot;
    publishEarliest();
}

std::size_t TimerQueue::fireDue(Instant now, bool waitForLock)
{
    struct Due
    {
        Waker waker;
        std::shared_ptr<CancelScopeState> scope;
    };
    // Reused by this thread from call to call: no allocation per firing once they have grown.
    thread_local std::vector<TimerNode *> popped;
    thread_local std::vector<Due> due;
    popped.clear();
    due.clear();
    constexpr std::size_t ahead = 4; // prefetch distance, in nodes
    {
        std::unique_lock lock(m_mutex, std::defer_lock);
        if (waitForLock)
            lock.lock();
        else if (!lock.try_lock())
            return 0;
        const std::int64_t nowNs = now.time_since_epoch().count();
        // First pop every due entry, without touching a node: the keys and slots are here.
        while (!m_heap.empty() && m_heap.front().deadlineNs <= nowNs) {
            // The slot's row was written when this entry rose to the top: it is in cache.
            popped.push_back(m_slots[m_heap.front().slot].node);
            removeAt(0);
        }
        publishEarliest();
        // Then visit the nodes, each in a frame somewhere in memory, fetching a few ahead so
        // that their cache misses overlap.
        for (std::size_t i = 0; i < popped.size(); ++i) {
            if (i + ahead < popped.size()) {
                // Both lines: a node is 64 bytes, not aligned to a line.
                const char *next = reinterpret_cast<const char *>(popped[i + ahead]);
                __builtin_prefetch(next, 1);
                __builtin_prefetch(next + sizeof(TimerNode) - 1, 1);
            }
            TimerNode *node = popped[i];
            node->slot = TimerNode::noSlot;
            due.push_back({std::move(node->waker), std::move(node->scope)});
            // Release: the owner reads `fired` after being resumed (acquire) and then knows
            // the timer will not touch the node again.
            node->fired.store(true, std::memory_order_release);
        }
    }
    for (std::size_t i = 0; i < due.size(); ++i) {
        if (i + ahead < due.size()) {
            if (const TaskHeader *task = due[i + ahead].waker.task())
                task->prefetchState();
        }
        if (due[i].scope)
            due[i].scope->fire();
        else
            due[i].waker.wake();
    }
    // Drop the wakers' task references now, on this thread: kept until the next call (or
    // the thread's exit) they would hold finished tasks alive and free them late.
    const std::size_t fired = due.size();
    due.clear();
    popped.clear();
    return fired;
}

std::size_t TimerQueue::size() const
{
    LockGuard lock(m_mutex);
    return m_heap.size();
}

void TimerQueue::siftUp(std::size_t index, Entry entry) noexcept
{
    while (index > 0) {
        const std::size_t parent = (index - 1) / s_arity;
        if (!less(entry, m_heap[parent]))
            break;
        place(index, m_heap[parent]);
        index = parent;
    }
    place(index, entry);
}

void TimerQueue::siftDown(std::size_t index, Entry entry) noexcept
{
    const std::size_t count = m_heap.size();
    for (;;) {
        const std::size_t first = s_arity * index + 1;
        if (first >= count)
            break;
        const std::size_t last = std::min(first + s_arity, count);
        std::size_t smallest = first;
        for (std::size_t child = first + 1; child < last; ++child) {
            if (less(m_heap[child], m_heap[smallest]))
                smallest = child;
        }
        if (!less(m_heap[smallest], entry))
            break;
        place(index, m_heap[smallest]);
        index = smallest;
    }
    place(index, entry);
}

void TimerQueue::removeAt(std::size_t index) noexcept
{
    // The node is not touched here (fireDue visits the popped nodes afterwards, prefetched).
    m_freeSlots.push_back(m_heap[index].slot); // within capacity (see makeRoomLocked)
    const Entry last = m_heap.back();
    m_heap.pop_back();
    if (index == m_heap.size())
        return; // it was the last entry
    if (index > 0 && less(last, m_heap[(index - 1) / s_arity]))
        siftUp(index, last);
    else
        siftDown(index, last);
}

} // namespace taskscope::detail
