#pragma once

/// timeout(d, task): runs @p task inline, but gives up at d of runtime time.
///
/// ```
/// auto result = co_await timeout(5s, slowOperation());
/// if (result.timedOut()) ...; else use(result.value());
/// ```
/// When the deadline passes first, the inner task is cancelled at the await it is suspended
/// at (its destructors run) and the result is Elapsed. When the inner task finishes first,
/// its value (or exception) is the result. The timeout is a cancel scope inside the same
/// task, not a new task: no spawn, no extra poll.

#include "runtime/result.h"
#include "runtime/task.h"
#include "runtime/impl/scheduler.h"
#include "sync/impl/cancelscope.h"
#include "time/clock.h"

#include <optional>
#include <source_location>
#include <variant>

namespace taskscope {

/// The error of a timeout whose deadline passed (Tokio's Elapsed).
struct Elapsed
{
    Duration after{};
};

/// A value, or Elapsed.
template<typename T>
class TimeoutResult : public Result<ValueOf<T>, Elapsed>
{
public:
    using Value = ValueOf<T>;
    using Result<Value, Elapsed>::Result;

    [[nodiscard]] bool timedOut() const noexcept { return !this->isOk(); }
    [[nodiscard]] bool hasValue() const noexcept { return this->isOk(); }
    /// The value; throws std::logic_error when the timeout elapsed.
    Value &value()
    {
        if (timedOut())
            throw std::logic_error("taskscope: value() of a timeout that elapsed");
        return this->storedValue();
    }
    [[nodiscard]] Elapsed elapsed() const { return this->error(); }
};

namespace detail {

template<typename T>
Task<TimeoutResult<T>> timeoutImpl(Duration limit, Task<T> inner)
{
    TaskHeader &task = requireCurrentTask("timeout");
    Scheduler &scheduler = *task.scheduler();
    CancelScope scope(task);
    bool becameEarliest = false;
    scope.armDeadline(scheduler.timers(), scheduler.clock().now() + limit, becameEarliest);
    if (becameEarliest)
        scheduler.timerArmed();
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(inner);
            scope.close();
            co_return TimeoutResult<T>(Unit{});
        } else {
            T value = co_await std::move(inner);
            scope.close();
            co_return TimeoutResult<T>(std::move(value));
        }
    } catch (const ScopeCancelled &cancelled) {
        if (cancelled.scope != scope.state())
            throw; // an outer scope's cancellation: keep unwinding
    }
    co_return TimeoutResult<T>(Elapsed{limit});
}

} // namespace detail

/// Runs @p task with a time limit (see the header overview).
template<typename T>
[[nodiscard]] Task<TimeoutResult<T>> timeout(Duration limit, Task<T> task)
{
    return detail::timeoutImpl(limit, std::move(task));
}

} // namespace taskscope
