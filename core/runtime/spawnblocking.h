#pragma once

/// spawnBlocking(fn): runs a blocking or CPU-heavy closure on the runtime's separate
/// QThreadPool (through QtConcurrent::run) and awaits its result without holding a worker.
///
/// ```
/// QByteArray data = co_await spawnBlocking([path] { return readWholeFile(path); });
/// ```
/// The closure cannot be interrupted: if the awaiting task is cancelled, the closure still
/// runs to its end and its result is dropped. While any closure runs, virtual time does not
/// jump (its duration is real). An exception thrown by the closure is rethrown at the await.

#include "runtime/impl/scheduler.h"
#include "runtime/impl/taskheader.h"

#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <memory>
#include <optional>
#include <source_location>
#include <type_traits>

namespace taskscope {

template<typename F>
class [[nodiscard]] BlockingAwaiter
{
public:
    using Result = std::invoke_result_t<F &>;
    using Value = std::conditional_t<std::is_void_v<Result>, detail::Unit, Result>;

    BlockingAwaiter(F function, std::source_location location)
        : m_function(std::move(function))
        , m_location(location)
    {
    }

    bool await_ready() const noexcept { return false; }

    bool await_suspend(std::coroutine_handle<> awaiting)
    {
        m_task = &detail::requireCurrentTask("spawnBlocking");
        if (m_task->stopRequested())
            return false;
        detail::Scheduler *scheduler = m_task->scheduler();
        m_shared = std::make_shared<Shared>();
        m_shared->waker = m_task->beginWait(awaiting, m_location);
        scheduler->beginBlocking();
        try {
            start(scheduler);
        } catch (...) {
            // Could not start the closure: undo the wait before the exception reaches the task.
            scheduler->endBlocking();
            (void)m_task->reclaimWait();
            throw;
        }
        return m_task->finishWait();
    }

    Value await_resume()
    {
        if (!m_shared || !m_shared->done.load(std::memory_order_acquire))
            m_task->throwStop();
        if (m_shared->error)
            std::rethrow_exception(m_shared->error);
        return std::move(*m_shared->value);
    }

private:
    void start(detail::Scheduler *scheduler)
    {
        // The wake-up runs at the end of the closure's own wrapper, on the pool thread that
        // finished it: no event loop is needed anywhere. (Not through QFuture::then: its
        // hand-off of the continuation goes through Qt's internal futex lock, which
        // ThreadSanitizer cannot see; this way every hand-off is our own.)
        QThreadPool *pool = &scheduler->blockingPool();
        (void)QtConcurrent::run(pool, [shared = m_shared, function = std::move(m_function), scheduler]() mutable {
            try {
                if constexpr (std::is_void_v<Result>) {
                    function();
                    shared->value.emplace();
                } else {
                    shared->value.emplace(function());
                }
            } catch (...) {
                shared->error = std::current_exception();
            }
            // Release: the value written above is visible to the resumed task.
            shared->done.store(true, std::memory_order_release);
            // Wake first: the queued task then keeps virtual time from jumping once the
            // blocking count drops to zero.
            shared->waker.wake();
            scheduler->endBlocking();
        });
    }

    struct Shared
    {
        detail::Waker waker;
        std::optional<Value> value;
        std::exception_ptr error;
        detail::Atomic<bool> done{false};
    };

    F m_function;
    std::source_location m_location;
    detail::TaskHeader *m_task = nullptr;
    std::shared_ptr<Shared> m_shared;
};

/// Runs @p function off the workers and awaits its result (see the header overview).
template<typename F>
[[nodiscard]] BlockingAwaiter<std::decay_t<F>> spawnBlocking(
    F &&function, std::source_location location = std::source_location::current())
{
    return BlockingAwaiter<std::decay_t<F>>(std::forward<F>(function), location);
}

} // namespace taskscope
