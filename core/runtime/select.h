#pragma once

/// select(a, b): races two tasks; gives the first to finish and aborts the other.
///
/// ```
/// auto winner = co_await select(longRunningWork(), waitForCancel(token));
/// if (winner.index() == 0) ...   // the work finished first
/// ```
/// Both run as spawned child tasks, so they really run concurrently (possibly on two
/// workers). The loser is aborted at its next await point; select does not wait for it to
/// unwind. If the winner panicked, select throws its JoinError. If the selecting task is
/// itself cancelled, both children are aborted.

#include "runtime/joinhandle.h"
#include "runtime/runtime.h"

#include <source_location>
#include <variant>

namespace taskscope {

namespace detail {

/// Suspends until either of two tasks has finished.
class [[nodiscard]] FirstOfAwaiter
{
public:
    FirstOfAwaiter(TaskHeader *a, TaskHeader *b, std::source_location location) noexcept
        : m_a(a)
        , m_b(b)
        , m_location(location)
    {
    }
    bool await_ready() const noexcept { return m_a->isFinished() || m_b->isFinished(); }
    bool await_suspend(std::coroutine_handle<> awaiting)
    {
        m_task = &requireCurrentTask("select");
        if (m_task->stopRequested())
            return false;
        Waker waker = m_task->beginWait(awaiting, m_location);
        // The same wait on both: whichever finishes first wins the CAS, the other is stale.
        // The children are select's own, so nobody else can have taken their join slot.
        using enum TaskHeader::JoinRegistration;
        if (m_a->setJoinWaiter({waker, {}, this}) != Registered || m_b->setJoinWaiter({waker, {}, this}) != Registered)
            return !m_task->reclaimWait();
        return m_task->finishWait();
    }
    void await_resume()
    {
        m_a->clearJoinWaiter(this);
        m_b->clearJoinWaiter(this);
        if (!m_a->isFinished() && !m_b->isFinished())
            m_task->throwStop();
    }

private:
    TaskHeader *m_a;
    TaskHeader *m_b;
    std::source_location m_location;
    TaskHeader *m_task = nullptr;
};

/// Aborts the handles it guards when destroyed (select's children when select unwinds).
template<typename A, typename B>
struct AbortBoth
{
    JoinHandle<A> &a;
    JoinHandle<B> &b;
    ~AbortBoth()
    {
        a.abort();
        b.abort();
    }
};

} // namespace detail

/// The value of the task that won a select: index 0 for the first task, 1 for the second.
template<typename A, typename B>
using SelectResult = std::variant<typename JoinResult<A>::Value, typename JoinResult<B>::Value>;

/// Races @p first against @p second (see the header overview).
template<typename A, typename B>
[[nodiscard]] Task<SelectResult<A, B>> select(Task<A> first, Task<B> second,
                                              std::source_location location = std::source_location::current())
{
    Runtime &runtime = currentRuntime("select");
    JoinHandle<A> a = runtime.spawn(std::move(first), QStringLiteral("select[0]"), location);
    JoinHandle<B> b = runtime.spawn(std::move(second), QStringLiteral("select[1]"), location);
    detail::AbortBoth<A, B> abortLoser{a, b};
    co_await detail::FirstOfAwaiter(a.core(), b.core(), location);
    if (a.isFinished())
        co_return SelectResult<A, B>(std::in_place_index<0>, detail::takeOutcome(*a.core()));
    co_return SelectResult<A, B>(std::in_place_index<1>, detail::takeOutcome(*b.core()));
}

} // namespace taskscope
