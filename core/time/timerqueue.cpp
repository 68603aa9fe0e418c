#include "time/impl/timerqueue.h"
#include "sync/impl/cancelscope.h"

#include <algorithm>

namespace taskscope::detail {

bool TimerQueue::insert(TimerNode &node)
{
    LockGuard lock(m_mutex);
    node.order = m_nextOrder++;
    node.fired.store(false, std::memory_order_relaxed);
    m_heap.push_back({});
    siftUp(m_heap.size() - 1, {node.deadline.time_since_epoch().count(), node.order, &node});
    publishEarliest();
    return m_heap.front().node == &node;
}

void TimerQueue::reserveOne()
{
    LockGuard lock(m_mutex);
    m_heap.reserve(m_heap.size() + 1);
}

void TimerQueue::remove(TimerNode &node) noexcept
{
    LockGuard lock(m_mutex);
    if (node.heapIndex < 0)
        return;
    removeAt(std::size_t(node.heapIndex));
    publishEarliest();
}

std::size_t TimerQueue::fireDue(Instant now)
{
    struct Due
    {
        Waker waker;
        std::shared_ptr<CancelScopeState> scope;
    };
    std::vector<Due> due;
    {
        LockGuard lock(m_mutex);
        const std::int64_t nowNs = now.time_since_epoch().count();
        while (!m_heap.empty() && m_heap.front().deadlineNs <= nowNs) {
            TimerNode *node = m_heap.front().node;
            removeAt(0);
            due.push_back({std::move(node->waker), std::move(node->scope)});
            // Release: the owner reads `fired` after being resumed (acquire) and then knows
            // the timer will not touch the node again.
            node->fired.store(true, std::memory_order_release);
        }
        publishEarliest();
    }
    for (Due &entry : due) {
        if (entry.scope)
            entry.scope->fire();
        else
            entry.waker.wake();
    }
    return due.size();
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
    m_heap[index].node->heapIndex = -1;
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
