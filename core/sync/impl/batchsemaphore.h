#pragma once

// The FIFO-fair counting semaphore under Semaphore, the bounded channel's capacity and
// Mutex<T> (Tokio's batch_semaphore).
//
// Implementation notes
// --------------------
// Permits and a FIFO list of waiters, under one lock. A waiter asks for n permits; release
// hands permits to the head waiter, even partially, and never past it: a large request at
// the head blocks smaller ones behind it, so nobody starves. tryAcquire succeeds only when
// nobody waits. A waiter lives in its awaiter (in the coroutine frame) and is linked into the
// list while it waits. When it is woken with all its permits, it is unlinked and `done`.
// When its task is cancelled instead, it unlinks itself and gives back the permits it had
// been assigned so far, which may serve the waiters behind it: a cancelled acquire leaves
// the queue holding nothing. close() wakes every waiter with `closed` and fails every later
// acquire. The awaiter keeps the core alive (shared_ptr), so a frame destroyed at runtime
// shutdown can always unlink itself safely.
//
// A frame destroyed before its acquire resumed (runtime shutdown) gives back whatever its
// waiter was assigned: part of its permits while still queued, all of them when release()
// had already served it (as Tokio's Acquire does on drop). The waiter's fields, `queued`
// included, belong to the lock; the awaiter remembers on its own side that it linked one
// (`m_enqueued`) and looks at the waiter only under the lock.

#include "runtime/impl/taskheader.h"
#include "sync/impl/tracedobject.h"
#include "sync/impl/waiterlist.h"

#include <cstddef>
#include <memory>
#include <source_location>

namespace taskscope::detail {

class BatchSemaphore : public TracedObject, public std::enable_shared_from_this<BatchSemaphore>
{
public:
    struct Waiter
    {
        std::size_t needed = 0;
        std::size_t assigned = 0; // permits handed over so far (guarded by the lock)
        Waker waker;
        Waiter *prev = nullptr;
        Waiter *next = nullptr;
        bool queued = false;
        bool done = false;   // got all it needed
        bool closed = false; // woken by close()
    };

    BatchSemaphore(std::size_t permits, QString name)
        : TracedObject(std::move(name))
        , m_permits(permits)
        , m_available(permits)
    {
    }

    /// Takes @p n permits if nobody waits and enough are free.
    [[nodiscard]] bool tryAcquire(std::size_t n);
    /// Gives back @p n permits (serving waiters in order).
    void release(std::size_t n);
    /// Fails all waiting and future acquires; permits held stay valid.
    void close();
    [[nodiscard]] bool isClosed() const noexcept { return m_closedFlag.load(std::memory_order_acquire); }
    /// Free permits now (for display; may be stale at once).
    [[nodiscard]] std::size_t availablePermits() const noexcept { return m_available.load(std::memory_order_relaxed); }
    /// Tasks waiting now (for display).
    [[nodiscard]] std::size_t waiterCount() const noexcept { return m_waiterCount.load(std::memory_order_relaxed); }

    enum class Result { Acquired, Closed, Suspend };
    /// Acquires at once, fails at once (closed), or links @p waiter and arms the current
    /// task's wait (Suspend). Called from await_suspend.
    Result acquireOrEnqueue(Waiter &waiter, std::size_t n, TaskHeader &task, std::coroutine_handle<> awaiting,
                            std::source_location location);
    /// After the task resumed: Acquired, Closed, or (cancelled) unlinks the waiter, returns
    /// what it was assigned and answers Suspend, meaning "not served".
    Result finish(Waiter &waiter);
    /// For a frame destroyed before its acquire resumed: unlinks the waiter if it still
    /// waits, and gives back every permit it was assigned (all of them if it was served).
    void abandon(Waiter &waiter) noexcept;

private:
    /// Hands free permits to waiters in order; returns the wakers to call after unlocking.
    void serveWaiters(std::vector<Waker> &toWake);
    void publishCounts() noexcept
    {
        m_available.store(m_permits, std::memory_order_relaxed);
        m_waiterCount.store(m_waiters.size(), std::memory_order_relaxed);
    }

    Mutex m_mutex;
    std::size_t m_permits;
    bool m_closed = false;
    WaiterList<Waiter> m_waiters;
    // Lock-free mirrors for the UI.
    Atomic<std::size_t> m_available;
    Atomic<std::size_t> m_waiterCount{0};
    Atomic<bool> m_closedFlag{false};
};

/// Awaits n permits of a BatchSemaphore; the result says Acquired or Closed.
class [[nodiscard]] AcquireAwaiter
{
public:
    AcquireAwaiter(std::shared_ptr<BatchSemaphore> semaphore, std::size_t n, std::source_location location)
        : m_semaphore(std::move(semaphore))
        , m_n(n)
        , m_location(location)
    {
    }
    AcquireAwaiter(AcquireAwaiter &&other) noexcept
        : m_semaphore(std::move(other.m_semaphore))
        , m_n(other.m_n)
        , m_location(other.m_location)
    {
        // Moved only before being awaited.
    }
    AcquireAwaiter(const AcquireAwaiter &) = delete;
    AcquireAwaiter &operator=(const AcquireAwaiter &) = delete;
    ~AcquireAwaiter()
    {
        if (m_enqueued) // destroyed while waiting, or served and never resumed
            m_semaphore->abandon(m_waiter);
        if (m_yieldedHolding) // destroyed during its yield (runtime shutdown)
            m_semaphore->release(m_n);
    }

    // Free permits complete the acquire without suspending, so a task that takes and gives
    // back permits in a loop would never leave its worker. Each ready acquire spends one unit
    // of the poll's cooperative budget (TaskHeader); with the budget spent, the acquire takes
    // its permits and yields once (the task goes behind its worker's queue) before it returns.
    bool await_ready()
    {
        if (m_semaphore->isClosed()) {
            m_result = BatchSemaphore::Result::Closed;
            return true;
        }
        TaskHeader *task = TaskHeader::current();
        if (task && !task->hasCoopBudget())
            return false;
        if (m_semaphore->tryAcquire(m_n)) {
            if (task)
                task->spendCoopBudget();
            m_result = BatchSemaphore::Result::Acquired;
            return true;
        }
        return false;
    }
    bool await_suspend(std::coroutine_handle<> awaiting)
    {
        m_task = &requireCurrentTask("acquire");
        if (m_task->stopRequested())
            return false;
        if (!m_task->hasCoopBudget() && m_semaphore->tryAcquire(m_n)) {
            // Held through the yield, as a waiter's assigned permits are; given back if the
            // task is cancelled meanwhile (await_resume) or destroyed (the destructor).
            m_yieldedHolding = true;
            m_task->beginWait(awaiting, m_location).wake();
            return true;
        }
        m_result = m_semaphore->acquireOrEnqueue(m_waiter, m_n, *m_task, awaiting, m_location);
        if (m_result == BatchSemaphore::Result::Acquired)
            m_task->spendCoopBudget();
        if (m_result != BatchSemaphore::Result::Suspend)
            return false;
        m_enqueued = true;
        return m_task->finishWait();
    }
    /// Acquired or Closed; throws the task's cancellation when it was cancelled while waiting.
    BatchSemaphore::Result await_resume()
    {
        if (m_yieldedHolding) {
            m_yieldedHolding = false;
            if (m_task->stopRequested()) {
                m_semaphore->release(m_n);
                m_task->throwStop();
            }
            m_result = BatchSemaphore::Result::Acquired;
        }
        if (m_result == BatchSemaphore::Result::Suspend) {
            m_result = m_semaphore->finish(m_waiter);
            m_enqueued = false; // out of the queue; what it got is the caller's now
            if (m_result == BatchSemaphore::Result::Suspend)
                m_task->throwStop(); // cancelled: we hold nothing and are out of the queue
        }
        if (m_result == BatchSemaphore::Result::Acquired)
            m_semaphore->trace(TraceKind::Acquire, std::int64_t(m_n));
        return m_result;
    }

    [[nodiscard]] const std::shared_ptr<BatchSemaphore> &semaphore() const noexcept { return m_semaphore; }
    [[nodiscard]] std::size_t count() const noexcept { return m_n; }

private:
    std::shared_ptr<BatchSemaphore> m_semaphore;
    std::size_t m_n;
    std::source_location m_location;
    TaskHeader *m_task = nullptr;
    BatchSemaphore::Waiter m_waiter;
    BatchSemaphore::Result m_result = BatchSemaphore::Result::Suspend;
    bool m_yieldedHolding = false; ///< took its permits with the budget spent, and yields once
    bool m_enqueued = false;       ///< linked m_waiter, and finish() has not taken it back yet
};

} // namespace taskscope::detail
