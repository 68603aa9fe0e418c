#include "sync/notify.h"

#include <utility>
#include <vector>

namespace taskscope::detail {

void NotifyCore::notifyOneLocked(Waker &toWake)
{
    if (Waiter *waiter = m_waiters.popFront()) {
        waiter->notification = Notification::One;
        toWake = std::move(waiter->waker);
    } else {
        m_permit = true;
    }
    m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
}

void NotifyCore::notifyOne()
{
    Waker toWake;
    {
        LockGuard lock(m_mutex);
        notifyOneLocked(toWake);
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
            waiter->notification = Notification::All;
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
        waiter.notification = Notification::None;
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
        notified = waiter.notification != Notification::None;
        if (!notified && waiter.queued)
            m_waiters.remove(waiter);
        m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
    }
    trace(TraceKind::WaitEnd, notified ? 1 : 0);
    return notified;
}

void NotifyCore::abandon(Waiter &waiter) noexcept
{
    Waker toWake;
    {
        LockGuard lock(m_mutex);
        if (waiter.queued)
            m_waiters.remove(waiter);
        // notifyOne() chose this waiter over the others and would otherwise have stored the
        // permit: the wake is owed to someone. notifyWaiters() owes nothing beyond its waiters.
        if (std::exchange(waiter.notification, Notification::None) == Notification::One)
            notifyOneLocked(toWake);
        m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
    }
    toWake.wake();
}

} // namespace taskscope::detail
