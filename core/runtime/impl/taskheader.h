#pragma once

// The type-erased state of one spawned task, shared by the scheduler, wakers and JoinHandles.
//
// Implementation notes
// --------------------
// Two small state machines keep a task from being resumed twice:
//
// * Run state (m_runState): Idle -> Scheduled -> Running -> Idle | Complete. A wake that
//   arrives while the task is Running sets Notified instead of queueing it, and the worker
//   requeues the task once its poll ends (Tokio's RUNNING|NOTIFIED), so one task is never
//   polled on two workers at once.
// * Wait arming (m_armedSeq): each suspension at an engine awaitable gets a fresh sequence
//   number, stored in m_armedSeq *before* the waker is handed to the resource. A wake for
//   sequence s succeeds only by CAS-ing m_armedSeq from s to 0, so exactly one of the
//   resource, an abort or a firing cancel scope resumes a given suspension, and a late wake
//   for an earlier suspension (a timer that lost a race, a select loser) is ignored.
//
// Cancellation (abort, or a cancel scope such as timeout firing) sets a flag and wakes the
// current wait. The awaitable then finds itself resumed without its resource having completed
// it, undoes its registration and throws Cancelled / ScopeCancelled, which unwinds the frames.
// A task that is running when cancelled meets the flag at its next await.
//
// Lifetime: the header is reference counted. The runtime's registry holds one reference
// until the task completes (or the runtime shuts down), each JoinHandle one, each Waker one;
// a new header starts with two, the registry's and its JoinHandle's.
// Queue entries hold none: a queued task is always registered.

#include "runtime/task.h"
#include "runtime/impl/loom.h"

#include <QString>

#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <vector>

namespace taskscope {

class Runtime;

/// Identifies a spawned task for the lifetime of its runtime (1, 2, 3, …).
using TaskId = std::uint64_t;

namespace detail {

class Scheduler;
class TaskHeader;
class CancelScopeState;
class LocalReadyQueue;

/// Thrown at an await point of an aborted task; unwinds its frames. Not a std::exception,
/// so `catch (const std::exception &)` in user code does not swallow it.
struct Cancelled
{
};

/// Thrown at an await point inside a cancel scope (timeout, withCancellation) that fired.
struct ScopeCancelled
{
    const CancelScopeState *scope;
};

/// How a spawned task ended.
enum class Outcome : std::uint8_t { Pending, Ok, Cancelled, Panicked };

/// Intrusive reference to a TaskHeader.
class TaskRef
{
public:
    TaskRef() noexcept = default;
    explicit TaskRef(TaskHeader *task) noexcept; // adopts a new reference
    TaskRef(const TaskRef &other) noexcept;
    TaskRef(TaskRef &&other) noexcept
        : m_task(std::exchange(other.m_task, nullptr))
    {
    }
    TaskRef &operator=(TaskRef other) noexcept
    {
        std::swap(m_task, other.m_task);
        return *this;
    }
    ~TaskRef();

    [[nodiscard]] static TaskRef share(TaskHeader *task) noexcept; // takes an extra reference
    [[nodiscard]] TaskHeader *get() const noexcept { return m_task; }
    TaskHeader *operator->() const noexcept { return m_task; }
    explicit operator bool() const noexcept { return m_task != nullptr; }

private:
    TaskHeader *m_task = nullptr;
};

/// Resumes one particular suspension of one task (see the implementation notes).
class Waker
{
public:
    Waker() noexcept = default;
    Waker(TaskRef task, std::uint64_t seq) noexcept
        : m_task(std::move(task))
        , m_seq(seq)
    {
    }
    /// Wakes the task if it is still suspended at this wait; true if this call woke it.
    bool wake() const noexcept;
    [[nodiscard]] TaskHeader *task() const noexcept { return m_task.get(); }
    explicit operator bool() const noexcept { return bool(m_task); }

private:
    TaskRef m_task;
    std::uint64_t m_seq = 0;
};

/// Who is told when a task completes: an awaiting task, or a callback (JoinSet, GUI bridge).
struct JoinWaiter
{
    Waker waker;
    std::function<void()> callback;
    /// Who registered it, so that only they can take it back (clearJoinWaiter).
    const void *owner = nullptr;
};

class TaskHeader
{
public:
    static constexpr std::uint32_t Idle = 0;
    static constexpr std::uint32_t Scheduled = 1;
    static constexpr std::uint32_t Running = 2;
    static constexpr std::uint32_t Notified = 4;
    static constexpr std::uint32_t Complete = 8;

    TaskHeader(Scheduler *scheduler, TaskId id, QString name, std::source_location spawnedAt,
               std::coroutine_handle<> root) noexcept
        : m_scheduler(scheduler)
        , m_id(id)
        , m_root(root)
        , m_resumePoint(root)
        , m_name(std::move(name))
        , m_spawnedAt(spawnedAt)
    {
    }
    TaskHeader(const TaskHeader &) = delete;
    TaskHeader &operator=(const TaskHeader &) = delete;
    virtual ~TaskHeader() = default;

    // Headers, like frames, come from the per-thread pools (the virtual destructor makes the
    // sized delete see the whole TaskCore).
    static void *operator new(std::size_t size) { return allocateFromPool(size); }
    static void operator delete(void *header, std::size_t size) noexcept { freeToPool(header, size); }

    /// Starts fetching the fields a wake and a poll touch first (the header's first two
    /// lines), so that a batch of wakes or a queue of polls overlaps its cache misses.
    void prefetchState() const noexcept
    {
        __builtin_prefetch(this, 1);
        __builtin_prefetch(&m_runState, 1);
    }
    /// Starts fetching the frame the next poll resumes (reads the header: call it once the
    /// header is likely in cache).
    void prefetchFrame() const noexcept { __builtin_prefetch(m_resumePoint.address(), 1); }

    /// The task the calling thread is polling, or null outside a poll.
    [[nodiscard]] static TaskHeader *current() noexcept { return t_current; }

    void ref() noexcept
    {
        // Relaxed: taking a reference needs no ordering, only the count (as shared_ptr).
        m_refs.fetch_add(1, std::memory_order_relaxed);
    }
    void unref() noexcept
    {
        // acq_rel: the last owner must see every other owner's writes before deleting.
        if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            delete this;
    }

    // --- waiting (called on the task's own thread, inside a poll) ---

    /// Records where and in which coroutine the task suspends, and arms a fresh wait.
    /// Returns the waker to hand to the resource.
    Waker beginWait(std::coroutine_handle<> resumePoint, std::source_location awaitingAt) noexcept
    {
        m_resumePoint = resumePoint;
        m_awaitingAt = awaitingAt;
        const std::uint64_t seq = ++m_waitSeq;
        // seq_cst pairs with the seq_cst flag stores in requestAbort/fireScope (Dekker):
        // either the canceller sees this wait armed, or finishWait sees its flag.
        m_armedSeq.store(seq, std::memory_order_seq_cst);
        return Waker{TaskRef::share(this), seq};
    }

    /// Called after the waker was registered. Returns true when the task should suspend;
    /// false when a cancellation arrived first and this call took the wait back (the
    /// awaitable then resumes at once and its await_resume throws).
    [[nodiscard]] bool finishWait() noexcept
    {
        if (!stopRequested())
            return true;
        return !reclaimWait();
    }

    /// Takes back the current wait before anyone woke it (the awaitable found its resource
    /// ready after all). True when this call won; false when a wake already happened, in
    /// which case the task is scheduled and must suspend.
    [[nodiscard]] bool reclaimWait() noexcept
    {
        std::uint64_t armed = m_waitSeq;
        return m_armedSeq.compare_exchange_strong(armed, 0, std::memory_order_acq_rel);
    }

    /// True once the task was aborted or a cancel scope around the current code fired.
    [[nodiscard]] bool stopRequested() const noexcept
    {
        return m_abortRequested.load(std::memory_order_seq_cst)
            || m_firedScopes.load(std::memory_order_seq_cst) > 0;
    }

    /// Throws the cancellation that stopRequested() reports (Cancelled before any scope).
    [[noreturn]] void throwStop() const;

    // --- the cooperative budget (task thread only) ---
    //
    // A resource that is ready completes its awaitable without suspending, so a task whose
    // channel never runs dry would keep its worker for as long as values come, and the other
    // tasks queued there would starve. As in Tokio, each poll gets a budget; taking a ready
    // value spends one unit, and an awaitable that finds the budget spent yields once (the task
    // goes behind the worker's queue) before it completes. mpsc recv, oneshot receive, Notify's
    // wait and every acquire of a BatchSemaphore (Semaphore, Mutex<T>, a bounded channel's
    // send) spend it. Stream::next
    // keeps a counter of its own (32 pulls, per stream): it also bounds the stack that nested
    // stages grow at -O0, which a per-poll budget of 128 would not.

    /// Ready values a poll takes in a row before it yields (Tokio's budget is 128 too).
    static constexpr std::uint32_t coopBudgetPerPoll = 128;
    /// The scheduler, as a poll starts.
    void refillCoopBudget() noexcept { m_coopBudget = coopBudgetPerPoll; }
    [[nodiscard]] bool hasCoopBudget() const noexcept { return m_coopBudget > 0; }
    void spendCoopBudget() noexcept { m_coopBudget -= m_coopBudget > 0 ? 1 : 0; }

    /// Awaitables call this in await_resume when their resource did not complete them.
    void throwIfStopRequested() const
    {
        if (stopRequested())
            throwStop();
    }

    // --- waking and scheduling (any thread) ---

    /// Wakes the wait with sequence @p seq if it is still armed.
    bool wake(std::uint64_t seq) noexcept
    {
        std::uint64_t expected = seq;
        // acq_rel: the resource's writes (a value, a permit) happen-before the resumed poll.
        if (!m_armedSeq.compare_exchange_strong(expected, 0, std::memory_order_acq_rel))
            return false;
        schedule();
        return true;
    }

    /// Wakes whatever wait is armed now (abort and cancel scopes).
    void wakeCurrent() noexcept
    {
        std::uint64_t armed = m_armedSeq.load(std::memory_order_seq_cst);
        while (armed != 0) {
            if (m_armedSeq.compare_exchange_weak(armed, 0, std::memory_order_acq_rel)) {
                schedule();
                return;
            }
        }
    }

    /// Puts the task on a run queue unless it is queued, running (then: Notified) or done.
    void schedule() noexcept;

    // --- local children (FuturesUnordered, localready.h) ---
    //
    // A local child is a Task polled inside another task's poll, on its thread, rather than
    // by the scheduler: it has a header of its own (its own waits, wakers and scopes), but it
    // is not registered, and a wake puts it on @p queue instead of a run queue.

    /// Makes this unpolled, unregistered header a local child whose wakes go to @p queue.
    void makeLocalChild(std::shared_ptr<LocalReadyQueue> queue) noexcept { m_localQueue = std::move(queue); }
    /// Polls this local child once, inside the calling task's poll; true when it completed
    /// (its outcome and value are then set, as a spawned task's are).
    bool pollAsLocalChild() noexcept;
    /// Destroys this unfinished local child's frames without resuming them, as shutdown does
    /// to a spawned task.
    void dropAsLocalChild() noexcept { destroyUnfinished(); }

    /// Asks the task to stop at its current or next await point.
    void requestAbort() noexcept
    {
        m_abortRequested.store(true, std::memory_order_seq_cst);
        wakeCurrent();
    }

    // --- cancel scopes (see cancelscope.h) ---
    void pushScope(std::shared_ptr<CancelScopeState> scope) { m_scopes.push_back(std::move(scope)); }
    void popScope() noexcept { m_scopes.pop_back(); }
    Mutex &mutex() noexcept { return m_mutex; }
    Atomic<int> &firedScopes() noexcept { return m_firedScopes; }

    // --- completion and joining ---

    /// Outcome once complete; Pending before.
    [[nodiscard]] Outcome outcome() const noexcept { return m_outcome.load(std::memory_order_acquire); }
    [[nodiscard]] bool isFinished() const noexcept { return outcome() != Outcome::Pending; }
    [[nodiscard]] const QString &panicMessage() const noexcept { return m_panicMessage; }
    [[nodiscard]] const std::exception_ptr &panic() const noexcept { return m_panic; }

    /// What setJoinWaiter did.
    enum class JoinRegistration : std::uint8_t {
        Registered,
        Finished, ///< nothing registered: the task is complete already
        Taken,    ///< nothing registered: someone else waits for this task (one joiner at a time)
    };
    /// Registers who to tell on completion, unless the task is complete or has a joiner already.
    [[nodiscard]] JoinRegistration setJoinWaiter(JoinWaiter waiter)
    {
        LockGuard lock(m_mutex);
        if (isFinished())
            return JoinRegistration::Finished;
        // Replacing the waiter would drop the first joiner's wake, and it would never resume.
        if (m_joinWaiter.waker || m_joinWaiter.callback)
            return JoinRegistration::Taken;
        m_joinWaiter = std::move(waiter);
        return JoinRegistration::Registered;
    }
    /// Takes back the waiter registered by @p owner (a no-op if someone else's is there).
    void clearJoinWaiter(const void *owner)
    {
        JoinWaiter removed; // destroyed outside the lock
        LockGuard lock(m_mutex);
        if (m_joinWaiter.owner == owner)
            removed = std::exchange(m_joinWaiter, {});
    }

    // --- identity and introspection ---
    [[nodiscard]] TaskId id() const noexcept { return m_id; }
    [[nodiscard]] const QString &name() const noexcept { return m_name; }
    [[nodiscard]] std::source_location spawnedAt() const noexcept { return m_spawnedAt; }
    /// Where the task is suspended now (meaningful while it is not running).
    [[nodiscard]] std::source_location awaitingAt() const noexcept { return m_awaitingAt; }
    [[nodiscard]] std::uint64_t polls() const noexcept { return m_polls.load(std::memory_order_relaxed); }
    [[nodiscard]] Scheduler *scheduler() const noexcept { return m_scheduler; }

protected:
    /// Takes the root coroutine's result or exception and destroys its frame (worker thread).
    virtual void takeResult(std::coroutine_handle<> root) = 0;
    /// Records a panic from the root's exception; sets the outcome field (not yet published).
    Outcome classify(const std::exception_ptr &error);

private:
    friend class Scheduler;
    friend class TaskRegistry;

    /// Runs one poll: resumes the task where it is suspended. Returns true when it completed.
    bool runPoll() noexcept;
    /// Publishes the outcome and tells the join waiter (after takeResult).
    void publishCompletion(Outcome outcome) noexcept;
    /// Shutdown: destroys a task that never completed, as cancelled.
    void destroyUnfinished() noexcept;

    static thread_local TaskHeader *t_current;

    // What every spawn, poll and wake touches comes first, and fills the first two cache lines
    // of the block (blocks start on a line, framepool.h); what the joining side writes (the
    // lock, the waiter) comes after the cold fields, on lines of its own. Measured against
    // the order before (names first, the lock between the states and the waiter), interleaved:
    // profile-spawn-join-warm median 317 -> 296 ns/task. (A one-byte spin lock in place of the
    // mutex made the header fit 256 bytes but spawn_join slower, 340 -> 379 ns.)
    Scheduler *m_scheduler;
    TaskId m_id;
    std::coroutine_handle<> m_root;
    std::coroutine_handle<> m_resumePoint;
    std::source_location m_awaitingAt;
    std::uint64_t m_waitSeq = 0; // task thread only
    Atomic<TaskHeader *> *m_registryRow = nullptr; // its row in the registry (taskrows.h)
    TaskHeader *m_injectNext = nullptr;              // the next older task on the injection stack

    Atomic<int> m_refs{2}; // the registry's and the JoinHandle's (every spawn makes one)
    Atomic<std::uint32_t> m_runState{Idle};
    Atomic<std::uint64_t> m_armedSeq{0};
    Atomic<std::uint64_t> m_polls{0};
    Atomic<int> m_firedScopes{0};
    Atomic<bool> m_abortRequested{false};
    std::uint32_t m_coopBudget = coopBudgetPerPoll; // task thread only; in the padding after the flag

protected:
    /// The outcome takeResult found, published by the worker afterwards.
    Outcome m_pendingOutcome = Outcome::Pending;

private:
    QString m_name;
    std::source_location m_spawnedAt;
    std::vector<std::shared_ptr<CancelScopeState>> m_scopes; // task thread only
    std::shared_ptr<LocalReadyQueue> m_localQueue; // set before the first poll, then constant

    Atomic<Outcome> m_outcome{Outcome::Pending};
    mutable Mutex m_mutex; // guards m_joinWaiter, the completion hand-off and scope firing
    JoinWaiter m_joinWaiter;
    QString m_panicMessage;

protected:
    /// The original exception of a panicked task (blockOn rethrows it).
    std::exception_ptr m_panic;
};

/// A spawned Task<T>: the header plus the slot its value is moved into.
template<typename T>
class TaskCore final : public TaskHeader
{
public:
    using TaskHeader::TaskHeader;
    using Value = std::conditional_t<std::is_void_v<T>, Unit, T>;

    /// The value once the outcome is Ok (moved out once).
    Value takeValue() { return std::move(*m_value); }

protected:
    void takeResult(std::coroutine_handle<> root) override
    {
        auto handle = std::coroutine_handle<TaskPromise<T>>::from_address(root.address());
        struct DestroyFrame
        {
            std::coroutine_handle<TaskPromise<T>> frame;
            ~DestroyFrame() { frame.destroy(); }
        } destroyFrame{handle}; // also when moving the value out throws
        auto &promise = handle.promise();
        Outcome outcome = Outcome::Ok;
        if (promise.exception()) {
            outcome = classify(promise.exception());
        } else if constexpr (std::is_void_v<T>) {
            m_value.emplace();
        } else {
            m_value.emplace(promise.takeResult());
        }
        m_pendingOutcome = outcome;
    }

private:
    std::optional<Value> m_value;
};

inline TaskRef::TaskRef(TaskHeader *task) noexcept
    : m_task(task)
{
}
inline TaskRef::TaskRef(const TaskRef &other) noexcept
    : m_task(other.m_task)
{
    if (m_task)
        m_task->ref();
}
inline TaskRef::~TaskRef()
{
    if (m_task)
        m_task->unref();
}
inline TaskRef TaskRef::share(TaskHeader *task) noexcept
{
    if (task)
        task->ref();
    return TaskRef{task};
}
inline bool Waker::wake() const noexcept
{
    return m_task && m_task->wake(m_seq);
}

/// The running task, or a logic_error naming @p what when called outside one.
TaskHeader &requireCurrentTask(const char *what);

} // namespace detail
} // namespace taskscope
