#include "time/impl/timerqueue.h"
#include "sync/impl/cancelscope.h"

#include <algorithm>
#include <utility>

namespace taskscope::detail {

void TimerQueue::makeRoomLocked()
{
    // Geometric growth: reserving exactly one more each time copied the whole heap on every
    // arm while timers piled up. Slots in use are as many as heap entries (disarmed ones
    // included), so the heap's size also bounds the slot table.
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
        m_slots[node.slot] = &node;
    } else {
        node.slot = std::uint32_t(m_slots.size());
        m_slots.push_back(&node);
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
    // Lazily: the entry stays in the heap, its row no longer names a node.
    m_slots[node.slot] = nullptr;
    node.slot = TimerNode::noSlot;
    ++m_disarmed;
    if (m_disarmed > 64 && 2 * m_disarmed > m_heap.size())
        compact();
    else
        dropDisarmedFront();
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
    thread_local std::vector<std::uint32_t> popped; // slots
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
        // First pop every due entry, without touching a node or a row: the keys and the
        // slots are in the heap.
        while (!m_heap.empty() && m_heap.front().deadlineNs <= nowNs) {
            popped.push_back(m_heap.front().slot);
            popFront();
        }
        // Then the rows, and the nodes they name, each in a frame somewhere in memory:
        // fetched a few ahead, so that their cache misses overlap.
        for (std::size_t i = 0; i < popped.size(); ++i) {
            if (i + 2 * ahead < popped.size())
                __builtin_prefetch(&m_slots[popped[i + 2 * ahead]]);
            if (i + ahead < popped.size()) {
                if (const TimerNode *next = m_slots[popped[i + ahead]]) {
                    // Both lines: a node is 64 bytes, not aligned to a line.
                    __builtin_prefetch(next, 1);
                    __builtin_prefetch(reinterpret_cast<const char *>(next) + sizeof(TimerNode) - 1, 1);
                }
            }
            const std::uint32_t slot = popped[i];
            TimerNode *node = std::exchange(m_slots[slot], nullptr);
            m_freeSlots.push_back(slot); // within capacity (see makeRoomLocked)
            if (!node) {
                --m_disarmed; // it was disarmed after all
                continue;
            }
            node->slot = TimerNode::noSlot;
            due.push_back({std::move(node->waker), std::move(node->scope)});
            // Release: the owner reads `fired` after being resumed (acquire) and then knows
            // the timer will not touch the node again.
            node->fired.store(true, std::memory_order_release);
        }
        dropDisarmedFront();
        publishEarliest();
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

void TimerQueue::popFront() noexcept
{
    const Entry last = m_heap.back();
    m_heap.pop_back();
    if (!m_heap.empty())
        siftDown(0, last);
}

void TimerQueue::dropDisarmedFront() noexcept
{
    // The earliest entry is always armed, so the timekeeper and virtual time never move to
    // the deadline of a timer nobody waits for.
    while (!m_heap.empty() && m_slots[m_heap.front().slot] == nullptr) {
        m_freeSlots.push_back(m_heap.front().slot); // within capacity (see makeRoomLocked)
        --m_disarmed;
        popFront();
    }
}

void TimerQueue::compact() noexcept
{
    // More disarmed entries than armed ones: drop them all and rebuild the heap, O(n).
    std::size_t kept = 0;
    for (const Entry &entry : m_heap) {
        if (m_slots[entry.slot] != nullptr)
            m_heap[kept++] = entry;
        else
            m_freeSlots.push_back(entry.slot); // within capacity (see makeRoomLocked)
    }
    m_heap.resize(kept);
    m_disarmed = 0;
    for (std::size_t index = kept / s_arity + 1; index-- > 0;) {
        if (index < kept)
            siftDown(index, m_heap[index]);
    }
}

} // namespace taskscope::detail
