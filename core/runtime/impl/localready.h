#pragma once

// The ready queue of a set of local children (FuturesUnordered): tasks that one task polls
// inside its own poll, the way futures' FuturesUnordered polls its futures inside the task
// that polls it.
//
// Implementation notes
// --------------------
// A child's wake (any thread) reaches TaskHeader::schedule(), which for a local child moves
// its run state Idle -> Scheduled and pushes it here instead of on a run queue; the push wakes
// the owning task if it waits for a ready child. The owner pops a child, which sets it back
// to Idle before polling it, so a wake that lands during that poll queues it again (the
// scheduler's Running|Notified, without the Running). So a child is queued at most once, and
// a wake is never lost.
//
// The queue is shared (shared_ptr) by the owner and every child header: a waker may still
// be inside schedule() for a child when the owner goes. close() makes later pushes drop
// their child, so nothing reaches an owner that has gone.

#include "runtime/impl/loom.h"
#include "runtime/impl/taskheader.h"

#include <deque>
#include <utility>

namespace taskscope::detail {

class LocalReadyQueue
{
public:
    /// A child whose wait was woken (TaskHeader::schedule, any thread).
    void push(TaskRef child) noexcept
    {
        Waker owner;
        {
            LockGuard lock(m_mutex);
            if (m_closed)
                return;
            m_ready.push_back(std::move(child));
            owner = std::exchange(m_ownerWaiting, {});
        }
        owner.wake(); // outside the lock: the wake may schedule, and trace
    }

    /// The next ready child, or null (the owner, in its poll).
    [[nodiscard]] TaskRef pop() noexcept
    {
        LockGuard lock(m_mutex);
        if (m_ready.empty())
            return {};
        TaskRef child = std::move(m_ready.front());
        m_ready.pop_front();
        return child;
    }

    [[nodiscard]] bool hasReady() const noexcept
    {
        LockGuard lock(m_mutex);
        return !m_ready.empty();
    }

    /// Registers the owner's @p waker unless a child is ready already; true when registered.
    [[nodiscard]] bool waitForReady(Waker waker) noexcept
    {
        Waker dropped; // destroyed outside the lock
        LockGuard lock(m_mutex);
        if (!m_ready.empty()) {
            dropped = std::move(waker);
            return false;
        }
        dropped = std::exchange(m_ownerWaiting, std::move(waker));
        return true;
    }

    /// Takes back the owner's waker (its wait ended, however).
    void stopWaiting() noexcept
    {
        Waker dropped;
        LockGuard lock(m_mutex);
        dropped = std::exchange(m_ownerWaiting, {});
    }

    /// Drops every queued child and every later push (the owner is going).
    void close() noexcept
    {
        std::deque<TaskRef> dropped;
        Waker owner;
        LockGuard lock(m_mutex);
        m_closed = true;
        dropped.swap(m_ready);
        owner = std::exchange(m_ownerWaiting, {});
    }

private:
    mutable Mutex m_mutex;
    std::deque<TaskRef> m_ready;
    Waker m_ownerWaiting;
    bool m_closed = false;
};

} // namespace taskscope::detail
