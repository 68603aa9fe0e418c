#pragma once

// The work-stealing scheduler behind Runtime (engine decisions 2–4 in DESIGN.md).
//
// Implementation notes
// --------------------
// * Queues. Each worker has a FIFO run queue; tasks woken on a worker go to that worker's
//   queue, tasks woken or spawned elsewhere go to the global injection queue. A worker takes
//   from its own queue, checks the global queue first every 61st poll (so injected work is not
//   starved), then the global queue, then steals half (at most 128) of a random peer's
//   queue. Queues are small mutex-guarded deques: simple, visible to TSan, and uncontended
//   in the common case.
// * Parking. An idle worker moves itself onto the parked list under m_parkMutex after
//   re-checking the queued count. A producer increments the count, then reads
//   m_parkedCount; both sides use seq_cst, so either the worker sees the new task or the
//   producer sees the parked worker and unparks it (no lost wake-up). The count is kept in
//   shares, one per worker and one for the threads outside (a push adds to the pusher's
//   share, a pop subtracts from the popper's), and read as their sum: one counter written
//   by every push and pop on every core was one of spawn_join's hottest cache lines. The
//   argument holds per share: a producer whose increment the parking worker's read missed
//   sees that worker in m_parkedCount. A producer unparks at most one worker per
//   push, and a worker leaves the parked list when it is unparked, so a burst of pushes costs
//   one futex wake per parked worker, not one per task.
// * Timers. Each worker has a timer queue; a task arms its timers in the queue of the worker
//   it runs on, so busy workers don't share a timer lock. A parking worker becomes the
//   timekeeper if there is a deadline and no other timekeeper: it waits until the earliest
//   deadline of all queues (real mode) and fires the due timers. Arming a new earliest
//   deadline unparks the timekeeper. Workers also fire due timers every 61 polls, their own
//   queue's first; a peer's queue whose lock is taken is left for a later pass.
// * Virtual time. The last worker to go idle, with nothing queued and no blocking work in
//   flight, moves the clock to the next deadline and fires it (at once, or paced so virtual
//   time runs no faster than timeScale × wall time).
// * Pause and step. While paused, workers hold before taking a task; step() grants one poll,
//   or, with nothing runnable, moves the clock to the next deadline and fires it. A step
//   that comes while a poll is still running is kept, and carried out by the worker that
//   ends the last poll (that poll may queue a task or arm the timer the step is for).

#include "runtime/runtimeconfig.h"
#include "runtime/impl/loom.h"
#include "runtime/impl/taskheader.h"
#include "runtime/impl/taskrows.h"
#include "runtime/impl/threadcpu.h"
#include "time/clock.h"
#include "time/impl/timerqueue.h"
#include "trace/tracesink.h"

#include <QThreadPool>

#include <array>
#include <deque>
#include <limits>
#include <memory>
#include <random>
#include <vector>

namespace taskscope {
class Runtime;
}

namespace taskscope::detail {

class WorkerThread;

/// Counters a worker keeps about itself (read by the UI while it runs).
struct WorkerCounters
{
    Atomic<std::uint64_t> polls{0};
    Atomic<std::uint64_t> steals{0};   ///< tasks taken from peers
    Atomic<std::uint64_t> parks{0};
    Atomic<std::uint64_t> unparks{0};
};

struct alignas(64) Worker
{
    int index = 0;
    Mutex queueMutex;
    std::deque<TaskHeader *> queue;
    Atomic<int> queueLength{0};
    /// Set when it takes a task, cleared when it finds none (or holds for a pause): between
    /// two polls in a row it stays set, so a busy worker writes it once, on its own line.
    Atomic<bool> polling{false};
    /// The timers armed by tasks while they ran on this worker (any worker may fire them).
    TimerQueue timers;
    /// The registry's rows for tasks spawned on this worker.
    TaskRows rows;
    /// Tasks that completed on this worker (they gave their rows back).
    Atomic<std::uint64_t> finished{0};
    /// This worker's share of the queued-task count: what it pushed minus what it took, from
    /// any queue (it can be negative; the shards' sum is the count).
    alignas(64) Atomic<std::int64_t> queued{0};
    // Parking (guarded by Scheduler::m_parkMutex).
    CondVar parkCondition;
    bool parked = false;
    bool unparked = false;
    bool searching = false; // unparked to look for work, counted in m_searching
    WorkerCounters counters;
    // Owner-thread only.
    /// While set, the trace events this worker records share one clock reading (Scheduler::
    /// SharedStamp): the first of them reads the clock into sharedStampNs.
    bool stampShared = false;
    std::int64_t sharedStampNs = 0;
    /// Where the thread's time went during a long poll (recording on the real clock only).
    ThreadCpuWindow cpu;
    std::uint32_t tick = 0;
    std::mt19937_64 random;
    WorkerThread *thread = nullptr;
};

class Scheduler
{
public:
    Scheduler(Runtime &runtime, const RuntimeConfig &config);
    Scheduler(const Scheduler &) = delete;
    Scheduler &operator=(const Scheduler &) = delete;
    ~Scheduler();

    /// Starts the workers; throws std::runtime_error naming the worker that could not start.
    void start();
    /// Stops the workers, waits for blocking work, then cancels and destroys every task left.
    void shutdown() noexcept;

    /// The scheduler whose worker is the calling thread, or null.
    [[nodiscard]] static Scheduler *current() noexcept;
    /// True while this thread fires due timers (their wakes are "by a timer").
    [[nodiscard]] static bool isFiringTimers() noexcept;
    [[nodiscard]] Runtime &runtime() const noexcept { return m_runtime; }
    [[nodiscard]] Clock &clock() noexcept { return m_clock; }
    /// The timer queue for a timer armed by the calling thread: its worker's, or the first
    /// worker's on any other thread.
    [[nodiscard]] TimerQueue &timers() noexcept;
    /// The earliest deadline over all timer queues, or TimerQueue::noDeadline.
    [[nodiscard]] std::int64_t earliestDeadlineNs() const noexcept;
    [[nodiscard]] const RuntimeConfig &config() const noexcept { return m_config; }

    /// A new task id (1, 2, …).
    [[nodiscard]] TaskId nextTaskId() noexcept { return m_nextTaskId.fetch_add(1, std::memory_order_relaxed); }
    /// Takes a new task into the registry and queues its first poll. On a runtime that is
    /// shutting down, destroys the task (frame included) and throws std::logic_error.
    void submit(TaskHeader *task);
    /// Puts a woken task on a run queue (TaskHeader::schedule).
    void enqueue(TaskHeader *task) noexcept;
    /// A timer with a new earliest deadline was armed.
    void timerArmed() noexcept;

    // Blocking work in flight stops virtual time from jumping (its duration is real).
    void beginBlocking() noexcept { m_blockingInFlight.fetch_add(1, std::memory_order_seq_cst); }
    void endBlocking() noexcept;
    [[nodiscard]] QThreadPool &blockingPool() noexcept { return m_blockingPool; }

    // Pause, resume, step.
    void pause();
    void resume();
    void step();
    [[nodiscard]] bool isPaused() const noexcept { return m_paused.load(std::memory_order_acquire); }
    /// Paused, every worker held at the pause and no step, time step or blocking work in
    /// flight: nothing runs until the next step() or resume(). What a test or a view waits
    /// for after pause() or step() instead of sleeping.
    [[nodiscard]] bool isSettled() const noexcept;
    [[nodiscard]] bool isShuttingDown() const noexcept { return m_shutdown.load(std::memory_order_acquire); }

    // Introspection.
    [[nodiscard]] int workerCount() const noexcept { return int(m_workers.size()); }
    [[nodiscard]] const Worker &worker(int index) const noexcept { return *m_workers[std::size_t(index)]; }
    [[nodiscard]] int globalQueueLength() const noexcept { return m_globalLength.load(std::memory_order_relaxed); }
    [[nodiscard]] std::size_t liveTasks() const noexcept;
    [[nodiscard]] std::uint64_t tasksSpawned() const noexcept { return m_nextTaskId.load(std::memory_order_relaxed) - 1; }
    [[nodiscard]] int currentWorkerIndex() const noexcept;
    [[nodiscard]] std::uint64_t random() noexcept;

    void setTraceSink(TraceSink *sink) noexcept { m_trace.store(sink, std::memory_order_release); }
    /// Tells the trace sink, if any, the name of @p object.
    void nameObject(std::uint64_t object, const QString &name)
    {
        if (TraceSink *sink = m_trace.load(std::memory_order_acquire))
            sink->nameObject(object, name);
    }
    /// Records an event if a sink is set; returns its time (ns), or noTrace if none was recorded.
    std::int64_t trace(TraceKind kind, TaskId task, std::uint64_t object = 0, std::int64_t value = 0) noexcept
    {
        // Acquire pairs with setTraceSink; null (the default) costs one load and a branch.
        if (TraceSink *sink = m_trace.load(std::memory_order_acquire))
            return record(sink, kind, task, object, value);
        return noTrace;
    }
    static constexpr std::int64_t noTrace = std::numeric_limits<std::int64_t>::min();

    /// The worker loop (WorkerThread::run).
    void runWorker(int index) noexcept;

private:
    std::int64_t record(TraceSink *sink, TraceKind kind, TaskId task, std::uint64_t object, std::int64_t value) noexcept;
    TaskHeader *findTask(Worker &worker) noexcept;
    TaskHeader *popLocal(Worker &worker) noexcept;
    TaskHeader *popGlobal() noexcept;
    TaskHeader *steal(Worker &thief) noexcept;
    void pushLocal(Worker &worker, TaskHeader *task) noexcept;
    void pushLocalBatch(Worker &worker, const std::vector<TaskHeader *> &tasks) noexcept;
    void pushGlobal(TaskHeader *task) noexcept;
    void notifyParked() noexcept;
    void poll(Worker &worker, TaskHeader *task) noexcept;
    void park(Worker &worker) noexcept;
    void stopSearching(Worker &worker, bool foundWork) noexcept;
    bool holdWhilePaused() noexcept;
    [[nodiscard]] bool anyWorkerPolling() const noexcept;
    /// The step with nothing runnable: time moves to the next deadline, which fires.
    void stepTime() noexcept;
    // seq_cst stores: step() reads the queued count, then every worker's flag (see popLocal).
    static void markPolling(Worker &worker) noexcept
    {
        if (!worker.polling.load(std::memory_order_relaxed))
            worker.polling.store(true, std::memory_order_seq_cst);
    }
    static void clearPolling(Worker &worker) noexcept
    {
        if (worker.polling.load(std::memory_order_relaxed))
            worker.polling.store(false, std::memory_order_seq_cst);
    }
    bool fireDueTimers() noexcept;
    /// The calling thread's share of the queued-task count (see "Parking").
    [[nodiscard]] Atomic<std::int64_t> &queuedShard() noexcept;
    /// Tasks in all run queues: the sum of the shares.
    [[nodiscard]] std::int64_t queuedTasks() const noexcept;
    bool advanceVirtualTime(UniqueLock &parkLock) noexcept;
    void unparkAll() noexcept;

    /// Takes @p task into the registry; false during shutdown. Throws std::bad_alloc.
    [[nodiscard]] bool registerTask(TaskHeader *task);
    /// Takes a completed task out of the registry; the caller drops the registry's reference
    /// afterwards.
    static void unregisterTask(Worker &worker, TaskHeader *task) noexcept;

    // Fields are grouped by who writes them, each group on its own cache lines: a counter
    // the spawning thread bumps on every spawn must not share a line with the flags every
    // worker reads on every poll (m_nextTaskId beside m_trace cost spawn<int> most of its own
    // time in profile-timers).

    // Read by every worker all the time, written rarely.
    Runtime &m_runtime;
    const RuntimeConfig m_config;
    Clock m_clock;
    std::vector<std::unique_ptr<Worker>> m_workers;
    Atomic<TraceSink *> m_trace{nullptr};
    Atomic<bool> m_shutdown{false};
    // Pause and step (guarded by m_parkMutex; m_paused is also read lock-free).
    Atomic<bool> m_paused{false};

    // The injection queue, in two parts. Threads outside the runtime push onto a lock-free
    // stack (one compare-exchange; TaskHeader::m_injectNext links it); a worker that finds the
    // queue empty takes the whole stack at once, oldest first, into m_global, which only the
    // workers touch, under m_globalMutex. Before, every outside spawn took the lock the
    // workers were taking too: 100k sleepers spawned from the main thread spent most of the
    // spawning in that lock's hand-offs. The stack cannot suffer ABA: nothing pops one entry
    // by compare-exchange, the taker swaps the whole stack for null.
    // m_globalLength counts both parts: incremented before a push, decremented after a take,
    // so it never reads less than the queue holds (a hint: workers skip the lock at 0).
    alignas(64) Atomic<TaskHeader *> m_injectHead{nullptr};
    Atomic<int> m_globalLength{0};
    alignas(64) Mutex m_globalMutex;
    std::deque<TaskHeader *> m_global; // oldest first; under m_globalMutex

    // The queued-task count's share of the threads outside the runtime (their pushes).
    alignas(64) Atomic<std::int64_t> m_externalQueued{0};

    // Read by every push (notifyParked), written when workers park and unpark.
    alignas(64) Atomic<int> m_parkedCount{0};
    Atomic<int> m_searching{0}; // workers unparked for new work that have not found it yet

    alignas(64) mutable SleepMutex m_parkMutex;
    std::vector<Worker *> m_parkedWorkers;
    Worker *m_timekeeper = nullptr;
    int m_startedWorkers = 0; // guarded by m_parkMutex; start() waits for all
    int m_exitedWorkers = 0;  // guarded by m_parkMutex; shutdown() waits for all
    CondVar m_startedCondition;
    int m_stepBudget = 0;
    bool m_pendingStep = false; // a step() came while a poll ran
    int m_heldWorkers = 0;      // workers inside holdWhilePaused() and not carrying out a step
    CondVar m_pauseCondition;
    Atomic<int> m_blockingInFlight{0};

    // The spawning threads outside the runtime: the registry's external rows (taskrows.h;
    // each worker keeps the rows of the tasks spawned on it) and the task ids.
    alignas(64) Mutex m_externalRowsMutex;
    TaskRows m_externalRows;
    Atomic<TaskId> m_nextTaskId{1};

    alignas(64) Atomic<std::uint64_t> m_swept{0}; // tasks the shutdown sweep destroyed
    Mutex m_randomMutex;
    std::mt19937_64 m_random;
    QThreadPool m_blockingPool;
};

} // namespace taskscope::detail
