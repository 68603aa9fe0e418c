#include "sync/impl/batchsemaphore.h"

#include <utility>
#include <vector>

namespace taskscope::detail {

bool BatchSemaphore::tryAcquire(std::size_t n)
{
    {
        LockGuard lock(m_mutex);
        if (m_closed || !m_waiters.isEmpty() || m_permits < n)
            return false;
        m_permits -= n;
        publishCounts();
    }
    return true;
}

void BatchSemaphore::release(std::size_t n)
{
    if (n == 0)
        return;
    std::vector<Waker> toWake;
    {
        LockGuard lock(m_mutex);
        m_permits += n;
        serveWaiters(toWake);
        publishCounts();
    }
    trace(TraceKind::Release, std::int64_t(n));
    for (const Waker &waker : toWake)
        waker.wake();
}

void BatchSemaphore::serveWaiters(std::vector<Waker> &toWake)
{
    while (!m_waiters.isEmpty() && m_permits > 0) {
        Waiter &head = *m_waiters.front();
        const std::size_t give = std::min(head.needed - head.assigned, m_permits);
        head.assigned += give;
        m_permits -= give;
        if (head.assigned < head.needed)
            break; // the head blocks everyone behind it until it is whole
        m_waiters.remove(head);
        head.done = true;
        toWake.push_back(std::move(head.waker));
    }
}

void BatchSemaphore::close()
{
    std::vector<Waker> toWake;
    {
        LockGuard lock(m_mutex);
        m_closed = true;
        m_closedFlag.store(true, std::memory_order_release);
        while (Waiter *next = m_waiters.popFront()) {
            Waiter &waiter = *next;
            // Partial assignments go back: a closed waiter holds nothing.
            m_permits += waiter.assigned;
            waiter.assigned = 0;
            waiter.closed = true;
            toWake.push_back(std::move(waiter.waker));
        }
        publishCounts();
    }
    for (const Waker &waker : toWake)
        waker.wake();
}

BatchSemaphore::Result BatchSemaphore::acquireOrEnqueue(Waiter &waiter, std::size_t n, TaskHeader &task,
                                                        std::coroutine_handle<> awaiting,
                                                        std::source_location location)
{
    std::size_t waitersAfter = 0;
    {
        LockGuard lock(m_mutex);
        if (m_closed)
            return Result::Closed;
        if (m_waiters.isEmpty() && m_permits >= n) {
            m_permits -= n;
            publishCounts();
            return Result::Acquired;
        }
        waiter = Waiter{};
        waiter.needed = n;
        waiter.waker = task.beginWait(awaiting, location);
        m_waiters.pushBack(waiter);
        waitersAfter = m_waiters.size();
        // Free permits that the head could not use yet go to it now (it may be us).
        if (m_waiters.front() == &waiter && m_permits > 0) {
            const std::size_t give = std::min(n, m_permits);
            waiter.assigned = give;
            m_permits -= give;
        }
        publishCounts();
    }
    trace(TraceKind::WaitBegin, std::int64_t(waitersAfter));
    return Result::Suspend;
}

BatchSemaphore::Result BatchSemaphore::finish(Waiter &waiter)
{
    std::vector<Waker> toWake;
    Result result;
    {
        LockGuard lock(m_mutex);
        if (waiter.done) {
            result = Result::Acquired;
        } else if (waiter.closed) {
            result = Result::Closed;
        } else {
            // Cancelled while waiting: leave the queue and give back what we were assigned.
            if (waiter.queued)
                m_waiters.remove(waiter);
            m_permits += waiter.assigned;
            waiter.assigned = 0;
            serveWaiters(toWake);
            publishCounts();
            result = Result::Suspend;
        }
    }
    trace(TraceKind::WaitEnd, result == Result::Acquired ? 1 : 0);
    for (const Waker &waker : toWake)
        waker.wake();
    return result;
}

void BatchSemaphore::abandon(Waiter &waiter) noexcept
{
    std::vector<Waker> toWake;
    {
        LockGuard lock(m_mutex);
        if (waiter.queued)
            m_waiters.remove(waiter);
        // A served waiter holds all it needed, a closed one nothing: either way, `assigned`.
        m_permits += std::exchange(waiter.assigned, 0);
        serveWaiters(toWake);
        publishCounts();
    }
    for (const Waker &waker : toWake)
        waker.wake();
}

} // namespace taskscope::detail
