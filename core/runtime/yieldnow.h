#pragma once

#include "runtime/impl/taskheader.h"

#include <source_location>

namespace taskscope {

/// The awaiter of yieldNow().
class [[nodiscard]] YieldAwaiter
{
public:
    explicit YieldAwaiter(std::source_location location) noexcept
        : m_location(location)
    {
    }
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> awaiting)
    {
        m_task = &detail::requireCurrentTask("yieldNow");
        if (m_task->stopRequested())
            return false;
        // Wake ourselves while still running: the worker requeues the task behind the
        // others in its queue when this poll ends.
        m_task->beginWait(awaiting, m_location).wake();
        return true;
    }
    void await_resume() const { m_task->throwIfStopRequested(); }

private:
    std::source_location m_location;
    detail::TaskHeader *m_task = nullptr;
};

/// Gives the worker to the other tasks queued on it, then continues (Tokio's yield_now).
[[nodiscard]] inline YieldAwaiter yieldNow(std::source_location location = std::source_location::current())
{
    return YieldAwaiter(location);
}

} // namespace taskscope
