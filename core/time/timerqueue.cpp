#include "time/impl/timerqueue.h"
#include "sync/impl/cancelscope.h"

namespace taskscope::detail {

bool TimerQueue::insert(TimerNode &node)
{
    LockGuard lock(m_mutex);
    node.order = m_nextOrder++;
    node.fired.store(false, std::memory_order_relaxed);
    m_heap.push_back(nullptr);
    place(m_heap.size() - 1, &node);
    siftUp(m_heap.size() - 1);
    publishEarliest();
    return m_heap.front() == &node;
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
        while (!m_heap.empty() && m_heap.front()->deadline <= now) {
            TimerNode *node = m_heap.front();
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

void TimerQueue::siftUp(std::size_t index) noexcept
{
    TimerNode *node = m_heap[index];
    while (index > 0) {
        const std::size_t parent = (index - 1) / 2;
        if (!less(node, m_heap[parent]))
            break;
        place(index, m_heap[parent]);
        index = parent;
    }
    place(index, node);
}

void TimerQueue::siftDown(std::size_t index) noexcept
{
    TimerNode *node = m_heap[index];
    const std::size_t count = m_heap.size();
    for (;;) {
        std::size_t child = 2 * index + 1;
        if (child >= count)
            break;
        if (child + 1 < count && less(m_heap[child + 1], m_heap[child]))
            ++child;
        if (!less(m_heap[child], node))
            break;
        place(index, m_heap[child]);
        index = child;
    }
    place(index, node);
}

void TimerQueue::removeAt(std::size_t index) noexcept
{
    TimerNode *removed = m_heap[index];
    removed->heapIndex = -1;
    TimerNode *last = m_heap.back();
    m_heap.pop_back();
    if (last == removed)
        return;
    place(index, last);
    if (index > 0 && less(last, m_heap[(index - 1) / 2]))
        siftUp(index);
    else
        siftDown(index);
}

} // namespace taskscope::detail
