#pragma once

/// Semaphore: a FIFO-fair async counting semaphore (Tokio's Semaphore).
///
/// ```
/// Semaphore connections(8);
/// SemaphorePermit permit = co_await connections.acquire();   // released when it goes
/// ```
/// acquire(n) waits in line: waiters are served in the order they began to wait, and a large
/// request at the head blocks smaller ones behind it. A task cancelled while it waits leaves
/// the line holding nothing. close() makes waiting and future acquires throw
/// SemaphoreClosed. acquireOwned() gives a permit that keeps the semaphore alive, so it can
/// move to another task.

#include "sync/impl/batchsemaphore.h"

#include <QString>

#include <memory>
#include <optional>
#include <source_location>
#include <stdexcept>

namespace taskscope {

/// Thrown by an acquire on a closed Semaphore.
class SemaphoreClosed : public std::runtime_error
{
public:
    SemaphoreClosed()
        : std::runtime_error("the semaphore is closed")
    {
    }
};

/// Permits borrowed from a Semaphore; gives them back when destroyed (move-only).
class [[nodiscard]] SemaphorePermit
{
public:
    SemaphorePermit() noexcept = default;
    SemaphorePermit(detail::BatchSemaphore *semaphore, std::size_t count) noexcept
        : m_semaphore(semaphore)
        , m_count(count)
    {
    }
    SemaphorePermit(SemaphorePermit &&other) noexcept
        : m_semaphore(std::exchange(other.m_semaphore, nullptr))
        , m_count(std::exchange(other.m_count, 0))
    {
    }
    SemaphorePermit &operator=(SemaphorePermit &&other) noexcept
    {
        if (this != &other) {
            release();
            m_semaphore = std::exchange(other.m_semaphore, nullptr);
            m_count = std::exchange(other.m_count, 0);
        }
        return *this;
    }
    ~SemaphorePermit() { release(); }

    /// Permits held.
    [[nodiscard]] std::size_t count() const noexcept { return m_count; }
    /// Gives the permits back now.
    void release() noexcept
    {
        if (m_semaphore && m_count > 0)
            m_semaphore->release(m_count);
        m_semaphore = nullptr;
        m_count = 0;
    }
    /// Keeps the permits out for good (the semaphore's capacity shrinks).
    void forget() noexcept
    {
        m_semaphore = nullptr;
        m_count = 0;
    }

private:
    detail::BatchSemaphore *m_semaphore = nullptr;
    std::size_t m_count = 0;
};

/// Permits that own a reference to their semaphore: safe to move to another task.
class [[nodiscard]] OwnedSemaphorePermit
{
public:
    OwnedSemaphorePermit() noexcept = default;
    OwnedSemaphorePermit(std::shared_ptr<detail::BatchSemaphore> semaphore, std::size_t count) noexcept
        : m_semaphore(std::move(semaphore))
        , m_count(count)
    {
    }
    OwnedSemaphorePermit(OwnedSemaphorePermit &&other) noexcept = default;
    OwnedSemaphorePermit &operator=(OwnedSemaphorePermit &&other) noexcept
    {
        if (this != &other) {
            release();
            m_semaphore = std::move(other.m_semaphore);
            m_count = std::exchange(other.m_count, 0);
        }
        return *this;
    }
    ~OwnedSemaphorePermit() { release(); }

    [[nodiscard]] std::size_t count() const noexcept { return m_semaphore ? m_count : 0; }
    void release() noexcept
    {
        if (m_semaphore && m_count > 0)
            m_semaphore->release(m_count);
        m_semaphore.reset();
        m_count = 0;
    }

private:
    std::shared_ptr<detail::BatchSemaphore> m_semaphore;
    std::size_t m_count = 0;
};

/// A FIFO-fair async counting semaphore (see the header overview).
class Semaphore
{
public:
    /// A semaphore with @p permits permits, named @p name in the trace.
    explicit Semaphore(std::size_t permits, QString name = QStringLiteral("semaphore"))
        : m_core(std::make_shared<detail::BatchSemaphore>(permits, std::move(name)))
    {
    }
    Semaphore(const Semaphore &) = delete;
    Semaphore &operator=(const Semaphore &) = delete;

    /// The awaiter of acquire().
    class [[nodiscard]] Acquire
    {
    public:
        explicit Acquire(detail::AcquireAwaiter awaiter)
            : m_awaiter(std::move(awaiter))
        {
        }
        bool await_ready() { return m_awaiter.await_ready(); }
        bool await_suspend(std::coroutine_handle<> awaiting) { return m_awaiter.await_suspend(awaiting); }
        SemaphorePermit await_resume()
        {
            if (m_awaiter.await_resume() == detail::BatchSemaphore::Result::Closed)
                throw SemaphoreClosed();
            return SemaphorePermit(m_awaiter.semaphore().get(), m_awaiter.count());
        }

    private:
        detail::AcquireAwaiter m_awaiter;
    };

    /// The awaiter of acquireOwned().
    class [[nodiscard]] AcquireOwned
    {
    public:
        explicit AcquireOwned(detail::AcquireAwaiter awaiter)
            : m_awaiter(std::move(awaiter))
        {
        }
        bool await_ready() { return m_awaiter.await_ready(); }
        bool await_suspend(std::coroutine_handle<> awaiting) { return m_awaiter.await_suspend(awaiting); }
        OwnedSemaphorePermit await_resume()
        {
            if (m_awaiter.await_resume() == detail::BatchSemaphore::Result::Closed)
                throw SemaphoreClosed();
            return OwnedSemaphorePermit(m_awaiter.semaphore(), m_awaiter.count());
        }

    private:
        detail::AcquireAwaiter m_awaiter;
    };

    /// Waits in line for @p n permits (n ≥ 1).
    [[nodiscard]] Acquire acquire(std::size_t n = 1, std::source_location location = std::source_location::current())
    {
        return Acquire(detail::AcquireAwaiter(m_core, checked(n), location));
    }
    /// Like acquire(), but the permit keeps the semaphore alive and may move across tasks.
    [[nodiscard]] AcquireOwned acquireOwned(std::size_t n = 1,
                                            std::source_location location = std::source_location::current())
    {
        return AcquireOwned(detail::AcquireAwaiter(m_core, checked(n), location));
    }
    /// @p n permits now if nobody waits and enough are free; nothing otherwise.
    [[nodiscard]] std::optional<SemaphorePermit> tryAcquire(std::size_t n = 1)
    {
        if (!m_core->tryAcquire(checked(n)))
            return std::nullopt;
        m_core->trace(TraceKind::Acquire, std::int64_t(n));
        return SemaphorePermit(m_core.get(), n);
    }
    /// Adds @p n permits (serving waiters in order).
    void addPermits(std::size_t n) { m_core->release(n); }
    /// Fails every waiting and future acquire with SemaphoreClosed.
    void close() { m_core->close(); }
    [[nodiscard]] bool isClosed() const noexcept { return m_core->isClosed(); }
    /// Free permits now.
    [[nodiscard]] std::size_t availablePermits() const noexcept { return m_core->availablePermits(); }
    /// Tasks waiting now.
    [[nodiscard]] std::size_t waiterCount() const noexcept { return m_core->waiterCount(); }
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_core->id(); }
    [[nodiscard]] const QString &name() const noexcept { return m_core->name(); }

private:
    static std::size_t checked(std::size_t n)
    {
        if (n == 0)
            throw std::invalid_argument("Semaphore: acquire of 0 permits; n must be at least 1");
        return n;
    }

    std::shared_ptr<detail::BatchSemaphore> m_core;
};

} // namespace taskscope
