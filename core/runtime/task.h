#pragma once

/// Task<T>: the engine's lazy coroutine type.
///
/// A `Task<T>` does nothing until it is awaited or spawned. Awaiting it from another task runs
/// it inline, as part of the same spawned task (symmetric transfer, no scheduler hop); an
/// exception it throws propagates to the awaiter. Spawning it (`Runtime::spawn`, `spawn`)
/// makes it a task of its own that the scheduler polls.
///
/// ```
/// Task<int> answer() { co_await sleep(100ms); co_return 42; }
/// Task<int> twice() { co_return 2 * co_await answer(); }
/// int value = runtime.blockOn(twice());
/// ```
///
/// Frame ownership: the `Task` object owns its coroutine frame and destroys it in its
/// destructor, whether the coroutine finished or is suspended (which is how cancellation
/// unwinds a chain of awaited tasks: destroying the outermost frame destroys the inner ones).

#include "runtime/impl/framepool.h"

#include <coroutine>
#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

namespace taskscope {

template<typename T = void>
class Task;

namespace detail {

/// What every Task promise shares: the awaiting coroutine to transfer to when done.
class TaskPromiseBase
{
public:
    struct FinalAwaiter
    {
        bool await_ready() const noexcept { return false; }
        template<typename Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> finished) noexcept
        {
            // A root task (spawned) has no continuation: control returns to the worker,
            // which sees done() and completes the task.
            auto continuation = finished.promise().m_continuation;
            return continuation ? continuation : std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };

    // Frames come from per-thread pools (framepool.h): spawned frames are typically
    // allocated on one thread and freed on another.
    static void *operator new(std::size_t size) { return allocateFromPool(size); }
    static void operator delete(void *frame, std::size_t size) noexcept { freeToPool(frame, size); }

    std::suspend_always initial_suspend() const noexcept { return {}; }
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void setContinuation(std::coroutine_handle<> continuation) noexcept { m_continuation = continuation; }
    void unhandled_exception() noexcept { m_exception = std::current_exception(); }
    [[nodiscard]] const std::exception_ptr &exception() const noexcept { return m_exception; }

protected:
    void rethrowIfFailed() const
    {
        if (m_exception)
            std::rethrow_exception(m_exception);
    }

private:
    std::coroutine_handle<> m_continuation;
    std::exception_ptr m_exception;
};

template<typename T>
class TaskPromise final : public TaskPromiseBase
{
public:
    Task<T> get_return_object() noexcept;

    template<typename U>
        requires std::is_convertible_v<U &&, T>
    void return_value(U &&value) noexcept(std::is_nothrow_constructible_v<T, U &&>)
    {
        m_value.template emplace<1>(std::forward<U>(value));
    }

    /// The result, moved out; rethrows the coroutine's exception.
    T takeResult()
    {
        rethrowIfFailed();
        return std::move(std::get<1>(m_value));
    }

private:
    std::variant<std::monostate, T> m_value;
};

template<>
class TaskPromise<void> final : public TaskPromiseBase
{
public:
    Task<void> get_return_object() noexcept;
    void return_void() noexcept {}
    void takeResult() const { rethrowIfFailed(); }
};

} // namespace detail

/// A lazy coroutine producing a T (see the header overview).
template<typename T>
class [[nodiscard]] Task
{
public:
    using promise_type = detail::TaskPromise<T>;
    using Handle = std::coroutine_handle<promise_type>;
    using value_type = T;

    Task() noexcept = default;
    explicit Task(Handle handle) noexcept
        : m_handle(handle)
    {
    }
    Task(Task &&other) noexcept
        : m_handle(std::exchange(other.m_handle, {}))
    {
    }
    Task &operator=(Task &&other) noexcept
    {
        if (this != &other) {
            destroy();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Task(const Task &) = delete;
    Task &operator=(const Task &) = delete;
    ~Task() { destroy(); }

    /// True when this object holds a coroutine.
    [[nodiscard]] bool isValid() const noexcept { return bool(m_handle); }
    /// True once the coroutine has run to its end.
    [[nodiscard]] bool isDone() const noexcept { return m_handle && m_handle.done(); }

    /// Awaiting runs the task inline and gives its value (or rethrows its exception).
    auto operator co_await() && noexcept
    {
        struct Awaiter
        {
            Handle handle;
            bool await_ready() const noexcept { return !handle || handle.done(); }
            std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept
            {
                handle.promise().setContinuation(awaiting);
                return handle;
            }
            T await_resume() { return handle.promise().takeResult(); }
        };
        return Awaiter{m_handle};
    }

    /// The coroutine handle, for the runtime (which takes ownership with release()).
    [[nodiscard]] Handle handle() const noexcept { return m_handle; }
    /// Gives up ownership of the frame.
    [[nodiscard]] Handle release() noexcept { return std::exchange(m_handle, {}); }

private:
    void destroy() noexcept
    {
        if (m_handle)
            std::exchange(m_handle, {}).destroy();
    }

    Handle m_handle;
};

namespace detail {

template<typename T>
Task<T> TaskPromise<T>::get_return_object() noexcept
{
    return Task<T>{std::coroutine_handle<TaskPromise<T>>::from_promise(*this)};
}

inline Task<void> TaskPromise<void>::get_return_object() noexcept
{
    return Task<void>{std::coroutine_handle<TaskPromise<void>>::from_promise(*this)};
}

/// The value type a Task<T> produces, with void as Unit where a value is needed.
struct Unit
{
    friend bool operator==(Unit, Unit) = default;
};

} // namespace detail
} // namespace taskscope
