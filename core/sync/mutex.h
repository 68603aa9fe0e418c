#pragma once

/// Mutex<T>: an async mutex that owns the value it protects (Tokio's Mutex).
///
/// ```
/// Mutex<QStringList> log;
/// { auto guard = co_await log.lock(); guard->append("line"); }   // unlocked here
/// ```
/// Lockers are served in the order they began to wait (FIFO); a task cancelled while it
/// waits leaves the line. Holding the guard across an await is allowed (that is the point of
/// an async mutex); the worker is free for other tasks meanwhile.

#include "sync/impl/batchsemaphore.h"

#include <memory>
#include <optional>
#include <source_location>

namespace taskscope {

/// Access to a Mutex's value; unlocks when destroyed (move-only).
template<typename T>
class [[nodiscard]] MutexGuard
{
public:
    MutexGuard(detail::BatchSemaphore *lock, T *value) noexcept
        : m_lock(lock)
        , m_value(value)
    {
    }
    MutexGuard(MutexGuard &&other) noexcept
        : m_lock(std::exchange(other.m_lock, nullptr))
        , m_value(other.m_value)
    {
    }
    MutexGuard &operator=(MutexGuard &&) = delete;
    ~MutexGuard()
    {
        if (m_lock)
            m_lock->release(1);
    }

    T &operator*() const noexcept { return *m_value; }
    T *operator->() const noexcept { return m_value; }

private:
    detail::BatchSemaphore *m_lock;
    T *m_value;
};

/// The trace name of a Mutex: `Mutex<Pool> pool(MutexName{"pool lock"}, …)`.
struct MutexName
{
    QString name;
};

/// An async mutex around a T (see the header overview).
template<typename T>
class Mutex
{
public:
    /// A mutex named "mutex" in the trace, its value built from @p args.
    template<typename... Args>
    explicit Mutex(Args &&...args)
        : m_value(std::forward<Args>(args)...)
    {
    }
    /// A mutex named @p name in the trace, its value built from @p args.
    template<typename... Args>
    explicit Mutex(MutexName name, Args &&...args)
        : m_lock(std::make_shared<detail::BatchSemaphore>(1, std::move(name.name)))
        , m_value(std::forward<Args>(args)...)
    {
    }
    Mutex(const Mutex &) = delete;
    Mutex &operator=(const Mutex &) = delete;

    /// The awaiter of lock().
    class [[nodiscard]] Lock
    {
    public:
        Lock(Mutex &mutex, std::source_location location)
            : m_mutex(mutex)
            , m_awaiter(mutex.m_lock, 1, location)
        {
        }
        bool await_ready() { return m_awaiter.await_ready(); }
        bool await_suspend(std::coroutine_handle<> awaiting) { return m_awaiter.await_suspend(awaiting); }
        MutexGuard<T> await_resume()
        {
            (void)m_awaiter.await_resume(); // a mutex is never closed
            return MutexGuard<T>(m_mutex.m_lock.get(), &m_mutex.m_value);
        }

    private:
        Mutex &m_mutex;
        detail::AcquireAwaiter m_awaiter;
    };

    /// Waits in line for the lock.
    [[nodiscard]] Lock lock(std::source_location location = std::source_location::current())
    {
        return Lock(*this, location);
    }
    /// The lock now if it is free and nobody waits; nothing otherwise.
    [[nodiscard]] std::optional<MutexGuard<T>> tryLock()
    {
        if (!m_lock->tryAcquire(1))
            return std::nullopt;
        return MutexGuard<T>(m_lock.get(), &m_value);
    }
    /// True while someone holds the lock.
    [[nodiscard]] bool isLocked() const noexcept { return m_lock->availablePermits() == 0; }
    [[nodiscard]] std::size_t waiterCount() const noexcept { return m_lock->waiterCount(); }
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_lock->id(); }
    [[nodiscard]] const QString &name() const noexcept { return m_lock->name(); }

private:
    std::shared_ptr<detail::BatchSemaphore> m_lock =
        std::make_shared<detail::BatchSemaphore>(1, QStringLiteral("mutex"));
    T m_value;
};

} // namespace taskscope
