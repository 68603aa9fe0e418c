#include "sync/notify.h"

#include <vector>

namespace taskscope::detail {

void NotifyCore::notifyOne()
{
    Waker toWake;
    {
        LockGuard lock(m_mutex);
        if (Waiter *waiter = m_waiters.popFront()) {
            waiter->notified = true;
            toWake = std::move(waiter->waker);
        } else {
            m_permit = true;
        }
        m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
    }
    trace(TraceKind::Notify, toWake ? 1 : 0);
    toWake.wake();
}

void NotifyCore::notifyWaiters()
{
    std::vector<Waker> toWake;
    {
        LockGuard lock(m_mutex);
        while (Waiter *waiter = m_waiters.popFront()) {
            waiter->notified = true;
            toWake.push_back(std::move(waiter->waker));
        }
        m_waiterCount.store(0, std::memory_order_relaxed);
    }
    trace(TraceKind::Notify, std::int64_t(toWake.size()));
    for (const Waker &waker : toWake)
        waker.wake();
}

bool NotifyCore::tryConsumePermit()
{
    LockGuard lock(m_mutex);
    return std::exchange(m_permit, false);
}

bool NotifyCore::consumeOrEnqueue(Waiter &waiter, TaskHeader &task, std::coroutine_handle<> awaiting,
                                  std::source_location location)
{
    std::size_t waiters = 0;
    {
        LockGuard lock(m_mutex);
        if (std::exchange(m_permit, false))
            return false;
        waiter.notified = false;
        waiter.waker = task.beginWait(awaiting, location);
        m_waiters.pushBack(waiter);
        waiters = m_waiters.size();
        m_waiterCount.store(waiters, std::memory_order_relaxed);
    }
    trace(TraceKind::WaitBegin, std::int64_t(waiters));
    return true;
}

bool NotifyCore::finish(Waiter &waiter)
{
    bool notified = false;
    {
        LockGuard lock(m_mutex);
        notified = waiter.notified;
        if (!notified && waiter.queued)
            m_waiters.remove(waiter);
        m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
    }
    trace(TraceKind::WaitEnd, notified ? 1 : 0);
    return notified;
}

void NotifyCore::abandon(Waiter &waiter) noexcept
{
    LockGuard lock(m_mutex);
    if (waiter.queued)
        m_waiters.remove(waiter);
    m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
}

} // namespace taskscope::detail
