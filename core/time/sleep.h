#pragma once

/// sleep(d) and sleepUntil(t): suspend the calling task on the runtime's clock.
///
/// ```
/// co_await sleep(100ms);                      // virtual clock: no real waiting
/// co_await sleepUntil(start + 1s);
/// ```
/// A deadline that has already passed completes at once, without suspending. Aborting the
/// task (or a timeout around it) while it sleeps removes the timer and unwinds the task.

#include "runtime/impl/taskheader.h"
#include "time/clock.h"
#include "time/impl/timerqueue.h"

#include <source_location>

namespace taskscope {

namespace detail {
class Scheduler;
}

/// The awaiter of sleep() and sleepUntil().
class [[nodiscard]] SleepAwaiter
{
public:
    /// Sleeps for @p duration from when it is first awaited.
    SleepAwaiter(Duration duration, std::source_location location) noexcept;
    /// Sleeps until @p deadline.
    SleepAwaiter(Instant deadline, std::source_location location) noexcept;
    SleepAwaiter(const SleepAwaiter &) = delete;
    SleepAwaiter &operator=(const SleepAwaiter &) = delete;
    SleepAwaiter(SleepAwaiter &&other) noexcept;
    ~SleepAwaiter();

    bool await_ready();
    bool await_suspend(std::coroutine_handle<> awaiting);
    void await_resume();

private:
    detail::Scheduler *m_scheduler = nullptr;
    detail::TaskHeader *m_task = nullptr;
    Duration m_duration{};
    bool m_relative = false;
    std::source_location m_location;
    detail::TimerNode m_node;
    bool m_armed = false;
};

/// Suspends the calling task for @p duration of runtime time.
[[nodiscard]] inline SleepAwaiter sleep(Duration duration,
                                        std::source_location location = std::source_location::current())
{
    return SleepAwaiter(duration, location);
}

/// Suspends the calling task until @p deadline on the runtime's clock.
[[nodiscard]] inline SleepAwaiter sleepUntil(Instant deadline,
                                             std::source_location location = std::source_location::current())
{
    return SleepAwaiter(deadline, location);
}

/// Simulated CPU work: holds the calling worker for @p duration of runtime time, as a real
/// computation would (a long poll that blocks the worker). Real clock: spins; virtual clock:
/// moves time forward by @p duration (and, when paced, also takes the wall time).
void busyFor(Duration duration);

} // namespace taskscope
