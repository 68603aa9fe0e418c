#include "patterns/connectionpool.h"

#include "runtime/impl/loom.h"
#include "runtime/runtime.h"
#include "sync/mutex.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <optional>
#include <stdexcept>
#include <vector>

namespace taskscope {

// Implementation notes
// --------------------
// The permits bound the connections lent out; the idle stack holds the ones not lent. In the
// robust variant a connection is always either on the stack or held by a permit holder (it
// goes back on the stack before its permit is released), so a permit holder that finds the
// stack empty knows that fewer than poolSize connections exist, and opening one keeps the
// total at or below poolSize. The seed variant breaks that invariant for the moment between
// the permit's release and the spawned return task's push: the connection is in neither
// place, and the next permit holder opens another one.
//
// The counters are statistics, all relaxed. `inUse` still never exceeds poolSize when read
// on its own: a holder's decrement happens before its permit release, which happens before
// the next holder's acquire and increment (the semaphore's lock orders them), and the
// modification order of one atomic follows happens-before.

namespace detail {

/// What the pool, its lent connections and their return tasks share (the seed's Arcs).
struct ConnectionPoolState
{
    ConnectionPoolState(ConnectionPoolOptions poolOptions, const QString &name)
        : options(poolOptions)
        , permits(poolOptions.poolSize, name + QStringLiteral(" permits"))
        , inUseLevel(name + QStringLiteral(" in use"))
        , idleLevel(name + QStringLiteral(" idle"))
        , createdLevel(name + QStringLiteral(" connections"))
        , waitingLevel(name + QStringLiteral(" waiting"))
        , connectingLevel(name + QStringLiteral(" connecting"))
    {
    }

    /// Records a stack size after a push or a pop (called under the lock).
    void noteIdle(std::size_t size) noexcept
    {
        idleCount.store(size, std::memory_order_relaxed);
        idleLevel.set(std::int64_t(size));
    }

    const ConnectionPoolOptions options;
    Semaphore permits;
    taskscope::Mutex<std::vector<Connection>> idle;
    Atomic<std::uint64_t> created{0};
    Atomic<std::size_t> inUse{0};
    Atomic<std::size_t> maxInUse{0};
    Atomic<std::size_t> idleCount{0};
    Atomic<std::uint64_t> acquisitions{0};
    Atomic<std::int64_t> totalWaitNs{0};
    Atomic<std::int64_t> maxWaitNs{0};
    TraceCounter inUseLevel;
    TraceCounter idleLevel;
    TraceCounter createdLevel;
    // For the pool's page: callers waiting for a permit, connections being opened now.
    Atomic<std::int64_t> waiting{0};
    Atomic<std::int64_t> connecting{0};
    TraceCounter waitingLevel;
    TraceCounter connectingLevel;
};

} // namespace detail

namespace {

using State = detail::ConnectionPoolState;

/// Raises @p highWater to @p value if it is higher.
template<typename T>
void raiseHighWater(detail::Atomic<T> &highWater, T value) noexcept
{
    // Relaxed: a statistic that publishes nothing; the CAS loop alone keeps it from going down.
    T seen = highWater.load(std::memory_order_relaxed);
    while (seen < value && !highWater.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

/// The top of the idle stack, if any (the seed's `connections.pop()`).
std::optional<Connection> popIdle(State &state, std::vector<Connection> &idle)
{
    if (idle.empty())
        return std::nullopt;
    Connection connection = idle.back();
    idle.pop_back();
    state.noteIdle(idle.size());
    return connection;
}

/// Opens a new connection: the guide's factory, a plain `Fn() -> T`. It is synchronous, so
/// connecting holds the calling worker for connectTime (busyFor) and no other task runs there
/// meanwhile; the task registry reports it as a long poll.
Connection connect(State &state)
{
    // Relaxed: a level for the trace only.
    state.connectingLevel.set(state.connecting.fetch_add(1, std::memory_order_relaxed) + 1);
    busyFor(state.options.connectTime);
    state.connectingLevel.set(state.connecting.fetch_sub(1, std::memory_order_relaxed) - 1);
    // Relaxed: the count is the id source and a statistic; ids only need to be distinct.
    const std::uint64_t id = state.created.fetch_add(1, std::memory_order_relaxed) + 1;
    state.createdLevel.set(std::int64_t(id));
    return Connection{id, 0};
}

/// Pushes @p connection onto the idle stack, waiting for the lock.
Task<void> pushIdle(std::shared_ptr<State> state, Connection connection)
{
    auto idle = co_await state->idle.lock();
    idle->push_back(connection);
    state->noteIdle(idle->size());
}

/// The robust return: the connection is back on the stack before the permit is free.
Task<void> pushIdleThenRelease(std::shared_ptr<State> state, Connection connection, OwnedSemaphorePermit permit)
{
    co_await pushIdle(state, connection);
    permit.release();
}

/// A client gave its connection up.
void noteReturned(State &state) noexcept
{
    // Relaxed: see the implementation notes.
    const std::size_t now = state.inUse.fetch_sub(1, std::memory_order_relaxed) - 1;
    state.inUseLevel.set(std::int64_t(now));
}

} // namespace

PooledConnection::PooledConnection() noexcept = default;

PooledConnection::PooledConnection(std::shared_ptr<detail::ConnectionPoolState> pool, Connection connection,
                                   OwnedSemaphorePermit permit, Duration waited) noexcept
    : m_pool(std::move(pool))
    , m_connection(connection)
    , m_permit(std::move(permit))
    , m_waited(waited)
{
}

PooledConnection::PooledConnection(PooledConnection &&other) noexcept
    : m_pool(std::move(other.m_pool))
    , m_connection(std::exchange(other.m_connection, std::nullopt)) // a moved optional stays engaged
    , m_permit(std::move(other.m_permit))
    , m_waited(other.m_waited)
{
}

PooledConnection &PooledConnection::operator=(PooledConnection &&other) noexcept
{
    if (this != &other) {
        giveBackDetached();
        m_pool = std::move(other.m_pool);
        m_connection = std::exchange(other.m_connection, std::nullopt);
        m_permit = std::move(other.m_permit);
        m_waited = other.m_waited;
    }
    return *this;
}

PooledConnection::~PooledConnection()
{
    giveBackDetached();
}

void PooledConnection::giveBackDetached() noexcept
{
    if (!m_connection)
        return;
    const Connection connection = *std::exchange(m_connection, std::nullopt);
    std::shared_ptr<State> pool = std::move(m_pool);
    noteReturned(*pool);
    if (Runtime *runtime = Runtime::current()) {
        try {
            // Dropping the JoinHandle detaches the return task, as the seed's tokio::spawn.
            if (pool->options.variant == PoolVariant::Seed) {
                // The seed's Drop: spawn the push, then the permit field drops at once, while
                // the connection is still on its way back. This is the defect.
                (void)runtime->spawn(pushIdle(pool, connection), QStringLiteral("return connection"));
                m_permit.release();
            } else {
                (void)runtime->spawn(pushIdleThenRelease(pool, connection, std::move(m_permit)),
                                     QStringLiteral("return connection"));
            }
            return;
        } catch (...) {
            // The runtime is shutting down: fall through and return it here if we can.
        }
    }
    // No task can run the return (runtime teardown): push now if the lock is free, else the
    // connection closes with this object.
    if (auto idle = pool->idle.tryLock()) {
        (*idle)->push_back(connection);
        pool->noteIdle((*idle)->size());
    }
    m_permit.release();
}

Task<void> PooledConnection::release()
{
    if (!m_connection)
        co_return;
    if (m_pool->options.variant == PoolVariant::Seed) {
        giveBackDetached();
        co_return;
    }
    const Connection connection = *std::exchange(m_connection, std::nullopt);
    std::shared_ptr<State> pool = std::move(m_pool);
    noteReturned(*pool);
    // If this task is cancelled while it waits for the lock, the connection closes and the
    // permit is released: still never more than poolSize connections open.
    co_await pushIdleThenRelease(std::move(pool), connection, std::move(m_permit));
}

ConnectionPool::ConnectionPool(ConnectionPoolOptions options, QString name)
{
    if (options.poolSize == 0)
        throw std::invalid_argument("ConnectionPool: poolSize is 0; it must be at least 1");
    m_state = std::make_shared<State>(options, name);
}

ConnectionPool::~ConnectionPool() = default;

Task<PooledConnection> ConnectionPool::acquire() const
{
    return acquireFrom(m_state);
}

Task<PooledConnection> ConnectionPool::acquireFrom(std::shared_ptr<detail::ConnectionPoolState> state)
{
    Runtime &runtime = currentRuntime("ConnectionPool::acquire");
    const Instant start = runtime.now();
    // Relaxed: a level for the trace only. The guard counts a cancelled wait out too.
    state->waitingLevel.set(state->waiting.fetch_add(1, std::memory_order_relaxed) + 1);
    struct Waiting
    {
        explicit Waiting(State &waitingOn)
            : state(waitingOn)
        {
        }
        Waiting(const Waiting &) = delete;
        Waiting &operator=(const Waiting &) = delete;
        ~Waiting() { state.waitingLevel.set(state.waiting.fetch_sub(1, std::memory_order_relaxed) - 1); }
        State &state;
    };
    std::optional<Waiting> waiting;
    waiting.emplace(*state);
    OwnedSemaphorePermit permit = co_await state->permits.acquireOwned();
    waiting.reset();
    std::optional<Connection> connection;
    if (state->options.variant == PoolVariant::Seed) {
        // The seed's get(): pop or call the factory, both inside the lock.
        auto idle = co_await state->idle.lock();
        connection = popIdle(*state, *idle);
        if (!connection)
            connection = connect(*state);
    } else {
        // The same factory, called after the lock is released: a connect still holds this
        // worker, but no longer every other client's pop and return with it.
        {
            auto idle = co_await state->idle.lock();
            connection = popIdle(*state, *idle);
        }
        if (!connection)
            connection = connect(*state);
    }
    ++connection->uses;
    const Duration waited = runtime.now() - start;

    // Relaxed: statistics; see the implementation notes for why inUse stays bounded.
    const std::size_t inUse = state->inUse.fetch_add(1, std::memory_order_relaxed) + 1;
    raiseHighWater(state->maxInUse, inUse);
    state->inUseLevel.set(std::int64_t(inUse));
    state->acquisitions.fetch_add(1, std::memory_order_relaxed);
    state->totalWaitNs.fetch_add(waited.count(), std::memory_order_relaxed);
    raiseHighWater(state->maxWaitNs, std::int64_t(waited.count()));
    co_return PooledConnection(std::move(state), *connection, std::move(permit), waited);
}

const ConnectionPoolOptions &ConnectionPool::options() const noexcept
{
    return m_state->options;
}

// The getters below read statistics for display or after a run: relaxed is enough, and once
// the tasks that changed them are joined the values are exact.

std::uint64_t ConnectionPool::connectionsCreated() const noexcept
{
    return m_state->created.load(std::memory_order_relaxed);
}

std::size_t ConnectionPool::inUse() const noexcept
{
    return m_state->inUse.load(std::memory_order_relaxed);
}

std::size_t ConnectionPool::maxInUse() const noexcept
{
    return m_state->maxInUse.load(std::memory_order_relaxed);
}

std::size_t ConnectionPool::idleCount() const noexcept
{
    return m_state->idleCount.load(std::memory_order_relaxed);
}

std::uint64_t ConnectionPool::acquisitions() const noexcept
{
    return m_state->acquisitions.load(std::memory_order_relaxed);
}

Duration ConnectionPool::totalWait() const noexcept
{
    return Duration(m_state->totalWaitNs.load(std::memory_order_relaxed));
}

Duration ConnectionPool::maxWait() const noexcept
{
    return Duration(m_state->maxWaitNs.load(std::memory_order_relaxed));
}

std::size_t ConnectionPool::availablePermits() const noexcept
{
    return m_state->permits.availablePermits();
}

std::size_t ConnectionPool::waiterCount() const noexcept
{
    return m_state->permits.waiterCount();
}

} // namespace taskscope
