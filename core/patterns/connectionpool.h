#pragma once

/// The seed's connection pool: a Semaphore of pool-size permits bounds how many clients hold
/// a connection at once, and a stack of idle connections under an async Mutex lets them be
/// reused; a client that finds the stack empty connects anew.
///
/// ```
/// ConnectionPool pool({.poolSize = 4, .connectTime = 50ms});
/// PooledConnection connection = co_await pool.acquire();   // waits for a permit
/// use(*connection); co_await connection.release();           // (or just let it go)
/// ```
/// Two variants (see DESIGN.md, decision 8):
/// - `Seed` keeps the seed's defect. Its PooledConnection, when dropped, hands the connection
///   to a spawned task that pushes it back later, and drops the permit at once. A waiter can
///   take that permit before the connection is back, find the stack empty and connect again:
///   the pool opens more than pool-size connections. It also connects while holding the lock,
///   as the seed calls its factory inside the lock.
/// Both call the guide's synchronous factory: a connect holds its worker for connectTime
/// (busyFor), as a blocking `Fn() -> T` would, and shows up as a long poll. When it shows: the run queue is FIFO, so
///   on one worker the return task runs before a waiter the release woke; the extra
///   connections come when a client asks again while a permit is free (it comes straight
///   back, or nobody waits), and on several workers also when the waiter wins the race.
/// - `Robust` puts the connection back before it gives up the permit, so there are never more
///   than pool-size connections; it calls the factory outside the lock, so a slow connect holds
///   up its own worker but not the other clients' pops and returns.

#include "runtime/task.h"
#include "sync/semaphore.h"
#include "time/clock.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>

namespace taskscope {

namespace detail {
struct ConnectionPoolState;
}

/// A simulated connection: which one it is and how often it has been lent out.
struct Connection
{
    std::uint64_t id = 0;    ///< 1, 2, … in the order the pool created them
    std::uint64_t uses = 0;  ///< times it was handed to a client
};

/// Which version of the pool to run.
enum class PoolVariant {
    Seed,  ///< faithful to the seed, defect included: returns the connection after the permit
    Robust ///< returns the connection, then the permit
};

/// How a ConnectionPool is set up.
struct ConnectionPoolOptions
{
    /// Connections lent out at most at once (the semaphore's permits), ≥ 1.
    std::size_t poolSize = 4;
    /// How long opening a new connection holds the calling worker (the guide's factory is a
    /// synchronous function: busyFor, not a sleep).
    Duration connectTime{};
    PoolVariant variant = PoolVariant::Robust;
};

/// A connection lent by a ConnectionPool; goes back to the pool when released or destroyed
/// (move-only, the seed's PooledConnection).
class [[nodiscard]] PooledConnection
{
public:
    PooledConnection() noexcept;
    PooledConnection(PooledConnection &&other) noexcept;
    PooledConnection &operator=(PooledConnection &&other) noexcept;
    PooledConnection(const PooledConnection &) = delete;
    PooledConnection &operator=(const PooledConnection &) = delete;
    /// Gives the connection back if release() was not awaited: as the seed's Drop in the
    /// seed variant; the robust variant spawns a task that returns it, then the permit.
    ~PooledConnection();

    /// True while it holds a connection.
    [[nodiscard]] bool isValid() const noexcept { return m_connection.has_value(); }
    Connection &operator*() noexcept { return *m_connection; }
    Connection *operator->() noexcept { return &*m_connection; }
    /// Runtime time acquire() took: waiting for a permit and the lock, and connecting.
    [[nodiscard]] Duration waited() const noexcept { return m_waited; }

    /// Gives the connection back to the pool. Seed: exactly what its drop does (no wait).
    /// Robust: waits for the lock, pushes the connection, then releases the permit.
    [[nodiscard]] Task<void> release();

private:
    friend class ConnectionPool;
    PooledConnection(std::shared_ptr<detail::ConnectionPoolState> pool, Connection connection,
                     OwnedSemaphorePermit permit, Duration waited) noexcept;
    /// Returns the connection without waiting (destructor and seed release).
    void giveBackDetached() noexcept;

    std::shared_ptr<detail::ConnectionPoolState> m_pool;
    std::optional<Connection> m_connection;
    OwnedSemaphorePermit m_permit;
    Duration m_waited{};
};

/// A pool of at most poolSize lent connections (see the header overview).
class ConnectionPool
{
public:
    /// A pool set up by @p options, named @p name in the trace. Throws std::invalid_argument
    /// when poolSize is 0.
    explicit ConnectionPool(ConnectionPoolOptions options, QString name = QStringLiteral("pool"));
    ConnectionPool(const ConnectionPool &) = delete;
    ConnectionPool &operator=(const ConnectionPool &) = delete;
    ~ConnectionPool();

    /// Waits for a permit, then lends an idle connection or opens a new one (the seed's get).
    /// The pool's state is shared with the task, so the pool may go while it runs.
    [[nodiscard]] Task<PooledConnection> acquire() const;

    [[nodiscard]] const ConnectionPoolOptions &options() const noexcept;
    /// Connections opened so far; more than poolSize only in the seed variant.
    [[nodiscard]] std::uint64_t connectionsCreated() const noexcept;
    /// Connections lent out now.
    [[nodiscard]] std::size_t inUse() const noexcept;
    /// The most connections lent out at once so far.
    [[nodiscard]] std::size_t maxInUse() const noexcept;
    /// Connections on the idle stack now.
    [[nodiscard]] std::size_t idleCount() const noexcept;
    /// Completed acquire() calls, and the total and longest time they took.
    [[nodiscard]] std::uint64_t acquisitions() const noexcept;
    [[nodiscard]] Duration totalWait() const noexcept;
    [[nodiscard]] Duration maxWait() const noexcept;
    /// Free permits now, and tasks waiting for one.
    [[nodiscard]] std::size_t availablePermits() const noexcept;
    [[nodiscard]] std::size_t waiterCount() const noexcept;

private:
    static Task<PooledConnection> acquireFrom(std::shared_ptr<detail::ConnectionPoolState> state);

    std::shared_ptr<detail::ConnectionPoolState> m_state;
};

} // namespace taskscope
