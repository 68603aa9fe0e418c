#pragma once

/// Notify: wakes tasks waiting for an event (Tokio's Notify).
///
/// ```
/// Notify ready;
/// co_await ready.notified();   // in one task
/// ready.notifyOne();           // in another: wakes it, or is remembered if nobody waits
/// ```
/// notifyOne() wakes the task that has waited longest (FIFO); with nobody waiting it stores
/// one permit, which the next notified() consumes at once (permits do not add up).
/// notifyWaiters() wakes every task waiting now and stores nothing. A task cancelled while it
/// waits leaves the queue; if a notifyOne() had already picked it, the wake is not lost: it
/// completes normally and the cancellation applies at its next await. A waiter whose frame is
/// destroyed after notifyOne() picked it and before it ran (runtime shutdown) passes that
/// notification on, to the next waiter or as the stored permit, as Tokio's Notified does on drop.

#include "runtime/impl/taskheader.h"
#include "sync/impl/tracedobject.h"
#include "sync/impl/waiterlist.h"

#include <memory>
#include <source_location>

namespace taskscope {

namespace detail {

class NotifyCore : public TracedObject
{
public:
    /// What woke a waiter: only notifyOne()'s wake is owed to someone else if it goes unused.
    enum class Notification : std::uint8_t { None, One, All };

    /// Lives in the awaiter; every field is guarded by the core's lock.
    struct Waiter
    {
        Waker waker;
        Waiter *prev = nullptr;
        Waiter *next = nullptr;
        bool queued = false;
        Notification notification = Notification::None;
    };

    using TracedObject::TracedObject;

    void notifyOne();
    void notifyWaiters();
    /// Consumes a stored permit; true if there was one.
    bool tryConsumePermit();
    /// Consumes the permit, or links @p waiter and arms the task's wait (returns true).
    bool consumeOrEnqueue(Waiter &waiter, TaskHeader &task, std::coroutine_handle<> awaiting,
                          std::source_location location);
    /// After resuming: true when notified; false when cancelled (then unlinked).
    bool finish(Waiter &waiter);
    /// For a frame destroyed before its wait resumed: unlinks the waiter if it still waits,
    /// and passes on a notifyOne() it was picked for.
    void abandon(Waiter &waiter) noexcept;
    [[nodiscard]] std::size_t waiterCount() const noexcept { return m_waiterCount.load(std::memory_order_relaxed); }

private:
    /// Picks the longest waiter (its waker goes to @p toWake), or stores the permit. Locked.
    void notifyOneLocked(Waker &toWake);

    Mutex m_mutex;
    bool m_permit = false;
    WaiterList<Waiter> m_waiters;
    // A display mirror, written under the lock: relaxed, since no reader acts on it.
    Atomic<std::size_t> m_waiterCount{0};
};

} // namespace detail

/// Wakes waiting tasks (see the header overview).
class Notify
{
public:
    explicit Notify(QString name = QStringLiteral("notify"))
        : m_core(std::make_shared<detail::NotifyCore>(std::move(name)))
    {
    }
    Notify(const Notify &) = delete;
    Notify &operator=(const Notify &) = delete;

    /// The awaiter of notified().
    class [[nodiscard]] Notified
    {
    public:
        Notified(std::shared_ptr<detail::NotifyCore> core, std::source_location location)
            : m_core(std::move(core))
            , m_location(location)
        {
        }
        Notified(Notified &&other) noexcept
            : m_core(std::move(other.m_core))
            , m_location(other.m_location)
        {
        }
        ~Notified()
        {
            if (m_enqueued) // destroyed while waiting, or picked and never resumed
                m_core->abandon(m_waiter);
            if (m_yieldedHolding) // destroyed during its yield (runtime shutdown): pass it on
                m_core->notifyOne();
        }
        // A stored permit completes the wait without suspending, and spends a unit of the
        // poll's cooperative budget (TaskHeader). With the budget spent, the task takes the
        // permit and yields once before it returns, so a loop that always finds a permit still
        // lets its worker's other tasks run.
        bool await_ready()
        {
            detail::TaskHeader *task = detail::TaskHeader::current();
            if (task && !task->hasCoopBudget())
                return false;
            if (!m_core->tryConsumePermit())
                return false;
            if (task)
                task->spendCoopBudget();
            return true;
        }
        bool await_suspend(std::coroutine_handle<> awaiting)
        {
            m_task = &detail::requireCurrentTask("Notify::notified");
            if (m_task->stopRequested())
                return false;
            if (!m_task->hasCoopBudget() && m_core->tryConsumePermit()) {
                // Notified already; like a picked waiter, it completes even if cancelled now.
                m_yieldedHolding = true;
                m_consumed = true;
                m_task->beginWait(awaiting, m_location).wake();
                return true;
            }
            if (!m_core->consumeOrEnqueue(m_waiter, *m_task, awaiting, m_location)) {
                m_consumed = true;
                m_task->spendCoopBudget();
                return false;
            }
            m_enqueued = true;
            return m_task->finishWait();
        }
        void await_resume()
        {
            m_yieldedHolding = false;
            if (!m_task || m_consumed)
                return;
            const bool notified = m_core->finish(m_waiter);
            m_enqueued = false; // out of the queue, and a notification it got is used here
            if (!notified)
                m_task->throwStop();
        }

    private:
        std::shared_ptr<detail::NotifyCore> m_core;
        std::source_location m_location;
        detail::TaskHeader *m_task = nullptr;
        detail::NotifyCore::Waiter m_waiter;
        bool m_consumed = false;
        bool m_yieldedHolding = false; ///< took the permit with the budget spent, and yields once
        bool m_enqueued = false;       ///< linked m_waiter, and finish() has not taken it back yet
    };

    /// Completes on the next notification (or at once with a stored permit).
    [[nodiscard]] Notified notified(std::source_location location = std::source_location::current())
    {
        return Notified(m_core, location);
    }
    /// Wakes the longest-waiting task, or stores one permit.
    void notifyOne() { m_core->notifyOne(); }
    /// Wakes every task waiting now.
    void notifyWaiters() { m_core->notifyWaiters(); }
    [[nodiscard]] std::size_t waiterCount() const noexcept { return m_core->waiterCount(); }
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_core->id(); }

private:
    std::shared_ptr<detail::NotifyCore> m_core;
};

} // namespace taskscope
