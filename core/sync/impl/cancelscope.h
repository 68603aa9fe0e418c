#pragma once

// Cancel scopes: a region of one task's code that a trigger (a timer for timeout, a token for
// withCancellation) can cancel without aborting the whole task.
//
// Implementation notes
// --------------------
// A scope's state is Open, Fired or Closed, changed only under the task's mutex. Firing an
// open scope bumps the task's fired-scope count (so every await inside now throws) and wakes
// the wait armed at that moment while still holding the mutex. Closing takes the same mutex,
// so a scope can never wake a wait that begins after the scope ended: either the trigger
// fires first (and the task, still inside the scope, is woken) or the close wins (and the
// trigger finds the scope Closed and does nothing).

#include "runtime/impl/taskheader.h"
#include "time/impl/timerqueue.h"

namespace taskscope::detail {

class CancelScopeState
{
public:
    enum State : int { Open, Fired, Closed };

    explicit CancelScopeState(TaskRef task) noexcept
        : m_task(std::move(task))
    {
    }

    /// Cancels the scope's code (any thread); a no-op once fired or closed.
    void fire() noexcept
    {
        LockGuard lock(m_task->mutex());
        if (m_state.load(std::memory_order_relaxed) != Open)
            return;
        m_state.store(Fired, std::memory_order_relaxed);
        // seq_cst: pairs with beginWait's armed store (see TaskHeader).
        m_task->firedScopes().fetch_add(1, std::memory_order_seq_cst);
        m_task->wakeCurrent();
    }

    /// Ends the scope (task thread).
    void close() noexcept
    {
        LockGuard lock(m_task->mutex());
        if (m_state.load(std::memory_order_relaxed) == Fired)
            m_task->firedScopes().fetch_sub(1, std::memory_order_seq_cst);
        m_state.store(Closed, std::memory_order_relaxed);
    }

    /// Read by the task itself, after the mutex-protected transition it may be racing with
    /// (relaxed is enough: a stale Open only delays the throw to the next await).
    [[nodiscard]] bool hasFired() const noexcept { return m_state.load(std::memory_order_relaxed) == Fired; }

private:
    TaskRef m_task;
    Atomic<int> m_state{Open};
};

/// RAII for one scope on the current task; optionally armed with a deadline timer.
class CancelScope
{
public:
    explicit CancelScope(TaskHeader &task)
        : m_task(task)
        , m_state(std::make_shared<CancelScopeState>(TaskRef::share(&task)))
    {
        m_task.pushScope(m_state);
    }
    CancelScope(const CancelScope &) = delete;
    CancelScope &operator=(const CancelScope &) = delete;
    ~CancelScope() { close(); }

    /// Fires the scope at @p deadline.
    void armDeadline(TimerQueue &timers, Instant deadline, bool &becameEarliest)
    {
        m_timer.deadline = deadline;
        m_timer.scope = m_state;
        becameEarliest = timers.arm(m_timer, []() noexcept {});
    }

    /// Ends the scope: disarms the timer, then closes the state and pops it.
    void close() noexcept
    {
        if (m_closed)
            return;
        m_closed = true;
        TimerQueue::disarm(m_timer);
        m_timer.scope.reset();
        m_state->close();
        m_task.popScope();
    }

    [[nodiscard]] const CancelScopeState *state() const noexcept { return m_state.get(); }
    [[nodiscard]] const std::shared_ptr<CancelScopeState> &sharedState() const noexcept { return m_state; }

private:
    TaskHeader &m_task;
    std::shared_ptr<CancelScopeState> m_state;
    TimerNode m_timer;
    bool m_closed = false;
};

} // namespace taskscope::detail
