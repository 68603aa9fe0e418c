#include "runtime/impl/scheduler.h"
#include "runtime/impl/localready.h"
#include "sync/impl/cancelscope.h"

#include <QLoggingCategory>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <stdexcept>
#include <utility>

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

Q_LOGGING_CATEGORY(lcRuntime, "taskscope.runtime")

namespace taskscope::detail {

namespace {

thread_local Scheduler *t_scheduler = nullptr;
thread_local Worker *t_worker = nullptr;
thread_local bool t_firingTimers = false;
/// While a worker fires timers, the tasks they wake collect here and join its queue in one go.
thread_local std::vector<TaskHeader *> *t_wakeBatch = nullptr;
/// The task whose completion this thread is publishing: the waker of the joiners it wakes.
thread_local const TaskHeader *t_completing = nullptr;

/// How often a busy worker looks at the global queue and the timers first (Tokio's 61).
constexpr std::uint32_t s_globalQueueInterval = 61;
/// At most this many tasks move from the global queue to a local one in one go.
constexpr std::size_t s_globalBatch = 32;
/// How late a peer's timer may run before a worker with timers of its own fires it anyway.
constexpr std::int64_t s_peerTimerSlackNs = 1'000'000;
/// The most tasks that timers firing on a worker wake before they join its queue.
constexpr std::size_t s_wakeBatch = 256;
/// The most tasks one steal takes (half the victim's queue, up to this).
constexpr std::size_t s_stealBatch = 128;

/// Marks sharedStampNs as not read yet.
constexpr std::int64_t s_stampUnread = std::numeric_limits<std::int64_t>::min();

/// The trace events a worker records while one of these lives share one clock reading, taken
/// by the first of them (or given). A poll's end, the completion that follows it and the wakes
/// that completion causes are nanoseconds apart, as are the wakes of one timer-firing pass;
/// reading the clock is most of an event's cost (about 28 ns through a kvm-clock vDSO, where
/// the ring push is 4). The events stay in time order in the worker's ring: the shared reading
/// is taken after every event before it, and nothing in the scope reads the clock afresh.
class SharedStamp
{
public:
    SharedStamp() noexcept = default;
    explicit SharedStamp(Worker *worker, std::int64_t stampNs = s_stampUnread) noexcept { share(worker, stampNs); }
    /// Starts sharing now, until this goes out of scope (once per object).
    void share(Worker *worker, std::int64_t stampNs = s_stampUnread) noexcept
    {
        m_worker = worker;
        if (m_worker) {
            m_wasShared = m_worker->stampShared;
            m_worker->stampShared = true;
            if (!m_wasShared) // nested: the outer reading stays, so the ring stays in time order
                m_worker->sharedStampNs = stampNs;
        }
    }
    ~SharedStamp()
    {
        if (m_worker)
            m_worker->stampShared = m_wasShared;
    }
    SharedStamp(const SharedStamp &) = delete;
    SharedStamp &operator=(const SharedStamp &) = delete;

private:
    Worker *m_worker = nullptr;
    bool m_wasShared = false;
};

} // namespace

thread_local TaskHeader *TaskHeader::t_current = nullptr;

/// A worker: a QThread, so the OS name and the stack size are applied before it starts.
class WorkerThread final : public QThread
{
public:
    WorkerThread(Scheduler &scheduler, int index)
        : m_scheduler(scheduler)
        , m_index(index)
    {
    }

protected:
    void run() override
    {
#if defined(Q_OS_LINUX)
        // Linux keeps a nice value per thread: lower this worker only.
        if (const int niceness = m_scheduler.config().workerNiceness; niceness > 0) {
            const auto self = id_t(::syscall(SYS_gettid));
            errno = 0;
            const int base = ::getpriority(PRIO_PROCESS, 0);
            if (errno == 0)
                (void)::setpriority(PRIO_PROCESS, self, std::min(base + niceness, 19));
        }
#endif
        m_scheduler.runWorker(m_index);
    }

private:
    Scheduler &m_scheduler;
    int m_index;
};

// ---------------------------------------------------------------------------------------------
// TaskHeader parts that need the scheduler

void TaskHeader::schedule() noexcept
{
    std::uint32_t state = m_runState.load(std::memory_order_acquire);
    for (;;) {
        if (state & (Complete | Scheduled))
            return;
        if (m_localQueue) [[unlikely]] {
            // A local child: the task that owns it polls it (localready.h).
            if (m_runState.compare_exchange_weak(state, Scheduled, std::memory_order_acq_rel)) {
                m_localQueue->push(TaskRef::share(this));
                return;
            }
            continue;
        }
        if (state & Running) {
            if (state & Notified)
                return;
            // The worker polling us requeues the task when the poll ends.
            if (m_runState.compare_exchange_weak(state, state | Notified, std::memory_order_acq_rel)) {
                const TaskHeader *waker = t_current ? t_current : t_completing;
                m_scheduler->trace(TraceKind::Wake, m_id, waker ? waker->m_id : 0,
                                   Scheduler::isFiringTimers() ? 1 : 0);
                return;
            }
            continue;
        }
        if (m_runState.compare_exchange_weak(state, Scheduled, std::memory_order_acq_rel)) {
            const TaskHeader *waker = t_current ? t_current : t_completing;
            m_scheduler->trace(TraceKind::Wake, m_id, waker ? waker->m_id : 0, Scheduler::isFiringTimers() ? 1 : 0);
            m_scheduler->enqueue(this);
            return;
        }
    }
}

bool TaskHeader::pollAsLocalChild() noexcept
{
    // Idle before the resume: a wake during this poll queues the child again (localready.h).
    m_runState.store(Idle, std::memory_order_seq_cst);
    const std::uint64_t polls = m_polls.load(std::memory_order_relaxed);
    m_polls.store(polls + 1, std::memory_order_relaxed);
    if (polls == 0 && m_abortRequested.load(std::memory_order_acquire)) {
        // Dropped before it was ever polled: the body never starts.
        m_root.destroy();
        m_root = {};
        m_pendingOutcome = Outcome::Cancelled;
    } else {
        TaskHeader *const owner = t_current;
        refillCoopBudget();
        t_current = this;
        m_resumePoint.resume();
        t_current = owner;
        if (!m_root.done())
            return false;
        try {
            takeResult(m_root);
        } catch (...) {
            m_pendingOutcome = classify(std::current_exception());
        }
        m_root = {};
    }
    m_runState.store(Complete, std::memory_order_release);
    publishCompletion(m_pendingOutcome);
    return true;
}

void TaskHeader::throwStop() const
{
    if (m_abortRequested.load(std::memory_order_seq_cst))
        throw Cancelled{};
    {
        // The innermost fired scope: inner timeouts report before outer ones.
        LockGuard lock(m_mutex);
        for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
            if ((*it)->hasFired())
                throw ScopeCancelled{it->get()};
        }
    }
    throw std::logic_error("taskscope: a task was resumed without its resource or a cancellation");
}

Outcome TaskHeader::classify(const std::exception_ptr &error)
{
    try {
        std::rethrow_exception(error);
    } catch (const Cancelled &) {
        return Outcome::Cancelled;
    } catch (const ScopeCancelled &) {
        m_panicMessage = QStringLiteral("a cancel scope's cancellation escaped the scope");
    } catch (const std::exception &exception) {
        m_panicMessage = QString::fromUtf8(exception.what());
    } catch (...) {
        m_panicMessage = QStringLiteral("an exception of unknown type");
    }
    m_panic = error;
    return Outcome::Panicked;
}

void TaskHeader::publishCompletion(Outcome outcome) noexcept
{
    JoinWaiter waiter;
    {
        LockGuard lock(m_mutex);
        // Release: the value and panic fields written before are visible to whoever
        // observes the outcome (isFinished, a JoinHandle).
        m_outcome.store(outcome, std::memory_order_release);
        waiter = std::move(m_joinWaiter);
    }
    // The joiner's wake names this task as its waker (a wake from no task reads "from outside").
    const TaskHeader *outer = std::exchange(t_completing, this);
    if (waiter.waker)
        waiter.waker.wake();
    else if (waiter.callback)
        waiter.callback();
    t_completing = outer;
}

void TaskHeader::destroyUnfinished() noexcept
{
    if (m_root) {
        m_root.destroy();
        m_root = {};
    }
    m_runState.store(Complete, std::memory_order_release);
    publishCompletion(Outcome::Cancelled);
}

TaskHeader &requireCurrentTask(const char *what)
{
    if (TaskHeader *task = TaskHeader::current())
        return *task;
    throw std::logic_error(std::string("taskscope: ") + what
                           + " must be used inside a task running on a Runtime (spawn it, or use blockOn)");
}

// ---------------------------------------------------------------------------------------------
// Scheduler

Scheduler::Scheduler(Runtime &runtime, const RuntimeConfig &config)
    : m_runtime(runtime)
    , m_config(config)
    , m_clock(config.clockMode, config.timeScale)
    , m_random(config.rngSeed)
{
    m_blockingPool.setMaxThreadCount(32);
    m_blockingPool.setObjectName(QStringLiteral("%1-blocking").arg(config.threadName));
    for (int index = 0; index < config.workerThreads; ++index) {
        auto worker = std::make_unique<Worker>();
        worker->index = index;
        worker->random.seed(config.rngSeed * 0x9E3779B97F4A7C15ull + std::uint64_t(index) + 1);
        m_workers.push_back(std::move(worker));
    }
}

Scheduler::~Scheduler()
{
    shutdown();
}

Scheduler *Scheduler::current() noexcept
{
    return t_scheduler;
}

bool Scheduler::isFiringTimers() noexcept
{
    return t_firingTimers;
}

int Scheduler::currentWorkerIndex() const noexcept
{
    return t_scheduler == this && t_worker ? t_worker->index : -1;
}

void Scheduler::start()
{
    for (auto &worker : m_workers) {
        auto *thread = new WorkerThread(*this, worker->index);
        thread->setObjectName(m_config.workerName(worker->index));
        if (m_config.threadStackSize != 0)
            thread->setStackSize(uint(m_config.threadStackSize));
        worker->thread = thread;
        thread->start();
        if (!thread->isRunning() && !thread->isFinished()) {
            const QString name = thread->objectName();
            qCWarning(lcRuntime) << "worker thread" << name << "did not start; threadStackSize ="
                                 << m_config.threadStackSize;
            worker->thread = nullptr;
            delete thread;
            shutdown();
            throw std::runtime_error(
                QStringLiteral("could not start worker thread \"%1\": the OS refused a thread with "
                               "threadStackSize = %2 bytes")
                    .arg(name)
                    .arg(m_config.threadStackSize)
                    .toStdString());
        }
    }
    // Return once every worker runs, so its OS name and stack are in place when the
    // constructor returns.
    UniqueLock lock(m_parkMutex);
    m_startedCondition.wait(lock, [this] { return m_startedWorkers == int(m_workers.size()); });
}

void Scheduler::shutdown() noexcept
{
    if (m_shutdown.exchange(true, std::memory_order_acq_rel))
        return;
    // A paused clock would hold a worker inside busyFor forever.
    m_clock.resume();
    {
        SleepGuard lock(m_parkMutex);
        m_paused.store(false, std::memory_order_release);
    }
    unparkAll();
    {
        UniqueLock lock(m_parkMutex);
        m_startedCondition.wait(lock, [this] { return m_exitedWorkers == m_startedWorkers; });
    }
    for (auto &worker : m_workers) {
        if (worker->thread) {
            worker->thread->wait();
            delete worker->thread;
            worker->thread = nullptr;
        }
    }
    // Blocking closures cannot be interrupted; their completions wake tasks into the
    // (now unserved) queues, which is harmless.
    m_blockingPool.waitForDone();

    // Cancel every task that is left: destroy its frames (running destructors) and tell its
    // JoinHandle. Destroying one frame can wake or abort others; they are all in the registry.
    // The external rows' lock is not held while a frame is destroyed (destructors run
    // arbitrary code).
    auto destroy = [this](TaskHeader *task) {
        task->destroyUnfinished();
        task->unref();
        m_swept.fetch_add(1, std::memory_order_relaxed);
    };
    for (auto &worker : m_workers) {
        std::size_t position = 0;
        while (TaskHeader *task = worker->rows.takeNext(position))
            destroy(task);
    }
    for (std::size_t position = 0;;) {
        TaskHeader *task = nullptr;
        {
            LockGuard lock(m_externalRowsMutex);
            task = m_externalRows.takeNext(position);
        }
        if (!task)
            break;
        destroy(task);
    }
    // Queue entries hold no references; the tasks they named are gone.
    for (auto &worker : m_workers) {
        LockGuard lock(worker->queueMutex);
        worker->queue.clear();
        worker->queueLength.store(0, std::memory_order_relaxed);
    }
    LockGuard lock(m_globalMutex);
    m_global.clear();
    m_injectHead.store(nullptr, std::memory_order_relaxed);
    m_globalLength.store(0, std::memory_order_relaxed);
    m_externalQueued.store(0, std::memory_order_relaxed);
    for (auto &worker : m_workers)
        worker->queued.store(0, std::memory_order_relaxed);
}

bool Scheduler::registerTask(TaskHeader *task)
{
    // The flag is checked where the row is taken: the sweep runs after the workers stopped,
    // and takes the external rows' lock, so a task registered here is always swept.
    if (t_scheduler == this && t_worker) {
        if (m_shutdown.load(std::memory_order_acquire))
            return false;
        task->m_registryRow = t_worker->rows.take(task);
        return true;
    }
    LockGuard lock(m_externalRowsMutex);
    if (m_shutdown.load(std::memory_order_acquire))
        return false;
    task->m_registryRow = m_externalRows.take(task);
    return true;
}

void Scheduler::unregisterTask(Worker &worker, TaskHeader *task) noexcept
{
    TaskRows::giveBack(task->m_registryRow);
    // Only this worker writes its count: load + store.
    worker.finished.store(worker.finished.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

std::size_t Scheduler::liveTasks() const noexcept
{
    // Relaxed: a count for display and tests. A thread that saw a task complete (through its
    // JoinHandle) also sees its registration and its unregistration.
    std::uint64_t taken = m_externalRows.taken();
    std::uint64_t given = m_swept.load(std::memory_order_relaxed);
    for (const auto &worker : m_workers) {
        taken += worker->rows.taken();
        given += worker->finished.load(std::memory_order_relaxed);
    }
    return taken > given ? std::size_t(taken - given) : 0;
}

void Scheduler::submit(TaskHeader *task)
{
    bool registered = false;
    try {
        registered = registerTask(task);
    } catch (...) {
        task->m_root.destroy();
        task->m_root = {};
        task->unref();
        throw;
    }
    if (!registered) {
        task->m_root.destroy();
        task->m_root = {};
        task->unref(); // the registry's reference; the caller drops the handle's
        throw std::logic_error("taskscope: spawn on a runtime that is shutting down");
    }
    const TaskHeader *parent = TaskHeader::current();
    if (TraceSink *sink = m_trace.load(std::memory_order_acquire))
        sink->describeTask(task->id(), task->name(), task->spawnedAt(), parent ? parent->id() : 0);
    trace(TraceKind::Spawn, task->id(), parent ? parent->id() : 0, spawnSiteValue(task->spawnedAt()));
    task->m_runState.store(TaskHeader::Scheduled, std::memory_order_relaxed);
    enqueue(task);
}

void Scheduler::enqueue(TaskHeader *task) noexcept
{
    if (t_scheduler == this && t_worker) {
        if (std::vector<TaskHeader *> *batch = t_wakeBatch) {
            if (batch->size() == batch->capacity()) {
                pushLocalBatch(*t_worker, *batch);
                batch->clear();
            }
            batch->push_back(task); // within capacity
        } else {
            pushLocal(*t_worker, task);
        }
    }
    else
        pushGlobal(task);
}

void Scheduler::pushLocal(Worker &worker, TaskHeader *task) noexcept
{
    {
        LockGuard lock(worker.queueMutex);
        worker.queue.push_back(task);
        worker.queueLength.fetch_add(1, std::memory_order_relaxed);
    }
    // seq_cst: see "Parking" in the implementation notes.
    queuedShard().fetch_add(1, std::memory_order_seq_cst);
    notifyParked();
}

void Scheduler::pushLocalBatch(Worker &worker, const std::vector<TaskHeader *> &tasks) noexcept
{
    if (tasks.empty())
        return;
    {
        LockGuard lock(worker.queueMutex);
        worker.queue.insert(worker.queue.end(), tasks.begin(), tasks.end());
        worker.queueLength.fetch_add(int(tasks.size()), std::memory_order_relaxed);
    }
    queuedShard().fetch_add(std::int64_t(tasks.size()), std::memory_order_seq_cst);
    notifyParked();
}

void Scheduler::pushGlobal(TaskHeader *task) noexcept
{
    // Relaxed: a hint, counted before the push so it is never less than the queue holds.
    m_globalLength.fetch_add(1, std::memory_order_relaxed);
    TaskHeader *head = m_injectHead.load(std::memory_order_relaxed);
    do {
        task->m_injectNext = head;
        // Release: the task's construction happens-before the worker that takes it.
    } while (!m_injectHead.compare_exchange_weak(head, task, std::memory_order_release, std::memory_order_relaxed));
    queuedShard().fetch_add(1, std::memory_order_seq_cst);
    notifyParked();
}

void Scheduler::notifyParked() noexcept
{
    // seq_cst on both loads: see "Parking" (the queued count against m_parkedCount, and
    // against m_searching: a searcher that gives up re-checks the count before it parks).
    if (m_parkedCount.load(std::memory_order_seq_cst) == 0)
        return;
    // A worker already woken for earlier work will find this task too, and wakes the next
    // one itself if there is more: a burst of pushes costs one futex wake, not one per task.
    if (m_searching.load(std::memory_order_seq_cst) > 0)
        return;
    SleepGuard lock(m_parkMutex);
    if (m_parkedWorkers.empty())
        return;
    // Leave the timekeeper parked on its deadline when another worker can take the task.
    auto chosen = m_parkedWorkers.end() - 1;
    if (*chosen == m_timekeeper && m_parkedWorkers.size() > 1)
        --chosen;
    Worker *worker = *chosen;
    m_parkedWorkers.erase(chosen);
    m_parkedCount.fetch_sub(1, std::memory_order_seq_cst);
    worker->parked = false;
    worker->unparked = true;
    worker->searching = true;
    m_searching.fetch_add(1, std::memory_order_seq_cst);
    if (m_timekeeper == worker)
        m_timekeeper = nullptr;
    worker->counters.unparks.fetch_add(1, std::memory_order_relaxed);
    worker->parkCondition.notify_one();
}

void Scheduler::unparkAll() noexcept
{
    SleepGuard lock(m_parkMutex);
    for (Worker *worker : m_parkedWorkers) {
        worker->parked = false;
        worker->unparked = true;
        worker->parkCondition.notify_one();
    }
    m_parkedCount.fetch_sub(int(m_parkedWorkers.size()), std::memory_order_seq_cst);
    m_parkedWorkers.clear();
    m_timekeeper = nullptr;
    m_pauseCondition.notify_all();
}

void Scheduler::timerArmed() noexcept
{
    if (m_config.clockMode == ClockMode::Virtual || m_parkedCount.load(std::memory_order_seq_cst) == 0)
        return;
    SleepGuard lock(m_parkMutex);
    if (Worker *keeper = m_timekeeper) {
        // Let it re-arm its wait for the new, earlier deadline.
        keeper->parkCondition.notify_one();
    } else if (!m_parkedWorkers.empty()) {
        m_parkedWorkers.back()->parkCondition.notify_one();
    }
}

void Scheduler::endBlocking() noexcept
{
    if (m_blockingInFlight.fetch_sub(1, std::memory_order_seq_cst) == 1
        && m_config.clockMode == ClockMode::Virtual) {
        // The last idle worker may now move virtual time.
        SleepGuard lock(m_parkMutex);
        if (!m_parkedWorkers.empty())
            m_parkedWorkers.back()->parkCondition.notify_one();
    }
}

TaskHeader *Scheduler::popLocal(Worker &worker) noexcept
{
    if (worker.queueLength.load(std::memory_order_relaxed) == 0)
        return nullptr;
    LockGuard lock(worker.queueMutex);
    if (worker.queue.empty())
        return nullptr;
    TaskHeader *task = worker.queue.front();
    worker.queue.pop_front();
    // A pipeline over the next polls: the task after next gets its header fetched (most
    // likely last written on another core), the next one, whose header was fetched a poll
    // ago, gets its coroutine frame fetched.
    if (!worker.queue.empty()) {
        worker.queue.front()->prefetchFrame();
        if (worker.queue.size() > 1)
            worker.queue[1]->prefetchState();
    }
    worker.queueLength.fetch_sub(1, std::memory_order_relaxed);
    // Polling before not-queued, so the task is never counted in neither (step).
    markPolling(worker);
    queuedShard().fetch_sub(1, std::memory_order_seq_cst);
    return task;
}

TaskHeader *Scheduler::popGlobal() noexcept
{
    // Relaxed: a hint; the queue itself is read under its lock.
    if (m_globalLength.load(std::memory_order_relaxed) == 0)
        return nullptr;
    TaskHeader *first = nullptr;
    // On the stack: this runs once per injected batch, and a heap vector here cost a malloc
    // and a free per batch in spawn_join.
    std::array<TaskHeader *, s_globalBatch> batch;
    std::size_t batchSize = 0;
    {
        LockGuard lock(m_globalMutex);
        if (m_global.empty()) {
            // Take everything pushed so far (acquire: the pushers' writes to the tasks happen-
            // before our polls) and queue it oldest first: the stack is newest first.
            TaskHeader *newest = m_injectHead.exchange(nullptr, std::memory_order_acquire);
            for (TaskHeader *task = newest; task; task = task->m_injectNext)
                m_global.push_front(task);
        }
        if (m_global.empty())
            return nullptr;
        first = m_global.front();
        m_global.pop_front();
        // Take a fair share along, so injected bursts don't cost one global lock per task.
        if (t_worker) {
            batchSize = std::min(s_globalBatch, m_global.size() / m_workers.size());
            std::copy_n(m_global.begin(), batchSize, batch.begin());
            m_global.erase(m_global.begin(), m_global.begin() + std::ptrdiff_t(batchSize));
        }
    }
    m_globalLength.fetch_sub(int(1 + batchSize), std::memory_order_relaxed);
    // Polling before not-queued, so the task is never counted in neither (step).
    if (t_worker)
        markPolling(*t_worker);
    queuedShard().fetch_sub(1, std::memory_order_seq_cst);
    if (batchSize > 0) {
        LockGuard lock(t_worker->queueMutex);
        t_worker->queue.insert(t_worker->queue.end(), batch.begin(), batch.begin() + std::ptrdiff_t(batchSize));
        t_worker->queueLength.fetch_add(int(batchSize), std::memory_order_relaxed);
    }
    return first;
}

TaskHeader *Scheduler::steal(Worker &thief) noexcept
{
    const std::size_t count = m_workers.size();
    if (count < 2)
        return nullptr;
    const std::size_t start = std::size_t(thief.random() % count);
    for (std::size_t offset = 0; offset < count; ++offset) {
        Worker &victim = *m_workers[(start + offset) % count];
        if (&victim == &thief || victim.queueLength.load(std::memory_order_relaxed) == 0)
            continue;
        // Half the victim's queue, up to a fixed batch on the stack (no allocation per steal).
        std::array<TaskHeader *, s_stealBatch> stolen;
        std::size_t take = 0;
        {
            LockGuard lock(victim.queueMutex);
            const std::size_t available = victim.queue.size();
            if (available == 0)
                continue;
            take = std::min((available + 1) / 2, s_stealBatch);
            // The oldest tasks: they have waited longest.
            std::copy_n(victim.queue.begin(), take, stolen.begin());
            victim.queue.erase(victim.queue.begin(), victim.queue.begin() + std::ptrdiff_t(take));
            victim.queueLength.fetch_sub(int(take), std::memory_order_relaxed);
        }
        thief.counters.steals.fetch_add(take, std::memory_order_relaxed);
        trace(TraceKind::Steal, stolen.front()->id(), std::uint64_t(victim.index), std::int64_t(take));
        // Polling before not-queued, so the task is never counted in neither (step).
        markPolling(thief);
        queuedShard().fetch_sub(1, std::memory_order_seq_cst);
        if (take > 1) {
            LockGuard lock(thief.queueMutex);
            thief.queue.insert(thief.queue.end(), stolen.begin() + 1, stolen.begin() + std::ptrdiff_t(take));
            thief.queueLength.fetch_add(int(take - 1), std::memory_order_relaxed);
        }
        return stolen.front();
    }
    return nullptr;
}

TaskHeader *Scheduler::findTask(Worker &worker) noexcept
{
    if (worker.tick % s_globalQueueInterval == s_globalQueueInterval - 1) {
        if (TaskHeader *task = popGlobal())
            return task;
    }
    if (TaskHeader *task = popLocal(worker))
        return task;
    if (TaskHeader *task = popGlobal())
        return task;
    return steal(worker);
}

void Scheduler::poll(Worker &worker, TaskHeader *task) noexcept
{
    // Relaxed store, not an exchange: in Scheduled only the poller writes the state (wakers
    // leave a Scheduled task alone), and the previous poll happens-before this one through
    // the run queue's lock.
    task->m_runState.store(TaskHeader::Running, std::memory_order_relaxed);
    // Only this worker writes its counter, and only the poller the task's: load + store.
    worker.counters.polls.store(worker.counters.polls.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    const std::uint64_t polls = task->m_polls.load(std::memory_order_relaxed);
    task->m_polls.store(polls + 1, std::memory_order_relaxed);
    const bool neverPolled = polls == 0;

    bool done = false;
    SharedStamp afterPoll; // from the poll's end to the end of this function
    if (neverPolled && task->m_abortRequested.load(std::memory_order_acquire)) {
        // Aborted before it ever ran: like dropping an unpolled future, the body never starts.
        task->m_root.destroy();
        task->m_root = {};
        task->m_pendingOutcome = Outcome::Cancelled;
        done = true;
    } else {
        const std::int64_t startNs = trace(TraceKind::PollStart, task->id());
        const bool explain = startNs != noTrace && m_config.clockMode == ClockMode::Real;
        if (explain)
            worker.cpu.pollStarting(startNs);
        task->refillCoopBudget();
        TaskHeader::t_current = task;
        task->m_resumePoint.resume();
        TaskHeader::t_current = nullptr;
        if (task->m_root.done()) {
            try {
                task->takeResult(task->m_root);
            } catch (...) {
                task->m_pendingOutcome = task->classify(std::current_exception());
            }
            task->m_root = {};
            done = true;
        }
        // Where the task now waits: the file name is a string literal, so its address is enough.
        const std::source_location at = task->m_awaitingAt;
        afterPoll.share(&worker);
        const std::int64_t endNs = trace(TraceKind::PollEnd, task->id(),
                                         done ? 0 : reinterpret_cast<std::uint64_t>(at.file_name()),
                                         done ? 1 : std::int64_t(at.line()) << 1);
        ThreadCpuReading used;
        if (explain && endNs != noTrace && endNs - startNs >= ThreadCpuWindow::explainPollNs
            && worker.cpu.close(endNs, used))
            trace(TraceKind::PollCpu, task->id(), pollCpuSwitches(used.voluntary, used.involuntary), used.cpuNs);
    }

    if (done) {
        // Leave the registry first, so whoever the completion wakes sees liveTasks() without it.
        unregisterTask(worker, task);
        task->m_runState.store(TaskHeader::Complete, std::memory_order_release);
        trace(TraceKind::Complete, task->id(), 0, std::int64_t(task->m_pendingOutcome));
        task->publishCompletion(task->m_pendingOutcome);
        task->unref(); // the registry's reference
        return;
    }
    std::uint32_t expected = TaskHeader::Running;
    // acq_rel: publishes this poll's frame writes to whoever schedules the task next.
    if (!task->m_runState.compare_exchange_strong(expected, TaskHeader::Idle, std::memory_order_acq_rel)) {
        // Woken while running (Running|Notified): poll it again, after the others queued here.
        task->m_runState.store(TaskHeader::Scheduled, std::memory_order_release);
        pushLocal(worker, task);
    }
}

Atomic<std::int64_t> &Scheduler::queuedShard() noexcept
{
    return t_scheduler == this && t_worker ? t_worker->queued : m_externalQueued;
}

std::int64_t Scheduler::queuedTasks() const noexcept
{
    // seq_cst loads: see "Parking". The shards are read one after another, not at one
    // instant; a stale sum errs either way for a moment, and a producer that pushed after
    // its shard was read sees the parked worker and wakes it.
    std::int64_t queued = m_externalQueued.load(std::memory_order_seq_cst);
    for (const auto &worker : m_workers)
        queued += worker->queued.load(std::memory_order_seq_cst);
    return queued;
}

TimerQueue &Scheduler::timers() noexcept
{
    return t_scheduler == this && t_worker ? t_worker->timers : m_workers.front()->timers;
}

std::int64_t Scheduler::earliestDeadlineNs() const noexcept
{
    std::int64_t earliest = TimerQueue::noDeadline;
    for (const auto &worker : m_workers)
        earliest = std::min(earliest, worker->timers.earliestNs());
    return earliest;
}

bool Scheduler::fireDueTimers() noexcept
{
    const std::int64_t earliest = earliestDeadlineNs();
    if (earliest == TimerQueue::noDeadline)
        return false;
    const Instant now = m_clock.now();
    if (earliest > now.time_since_epoch().count())
        return false;
    const std::int64_t nowNs = now.time_since_epoch().count();
    Worker *self = t_scheduler == this ? t_worker : nullptr;
    // The wakes of this pass and its count are recorded at the reading the pass is due by.
    const SharedStamp firing(self, nowNs);
    // On a worker, the woken tasks join its queue in batches: one lock and one count update
    // for many of them, not one per timer (enqueue fills the batch within its capacity).
    thread_local std::vector<TaskHeader *> woken;
    if (self) {
        if (woken.capacity() == 0) {
            try {
                woken.reserve(s_wakeBatch);
            } catch (const std::bad_alloc &) {
                // Unbatched, then: each woken task is queued on its own.
            }
        }
        woken.clear();
        if (woken.capacity() > 0)
            t_wakeBatch = &woken;
    }
    t_firingTimers = true;
    std::size_t fired = 0;
    // Our own queue first: its timers were armed here, and its lock is most likely free.
    // A worker skips a peer's queue whose lock is taken (its owner is arming, or another
    // worker is firing it): the holder or a later pass fires those timers.
    const std::size_t count = m_workers.size();
    const std::size_t first = self ? std::size_t(self->index) : 0;
    for (std::size_t offset = 0; offset < count; ++offset) {
        TimerQueue &queue = m_workers[(first + offset) % count]->timers;
        // A worker that had timers of its own to fire leaves its peers' to them, unless they
        // are late by more than s_peerTimerSlackNs (the peer is parked, or busy in a long
        // poll): reaching into a queue its owner is arming into moves the queue's lock
        // between the cores, and that hand-off was the largest cost of 100k sleeps.
        if (offset > 0 && self && fired > 0 && queue.earliestNs() > nowNs - s_peerTimerSlackNs)
            continue;
        if (queue.earliestNs() <= nowNs)
            fired += queue.fireDue(now, !self || offset == 0);
    }
    t_firingTimers = false;
    if (self) {
        t_wakeBatch = nullptr;
        pushLocalBatch(*self, woken);
    }
    if (fired > 0)
        trace(TraceKind::TimerFire, 0, 0, std::int64_t(fired));
    return fired > 0;
}

bool Scheduler::holdWhilePaused() noexcept
{
    UniqueLock lock(m_parkMutex);
    // Held from here until it leaves to poll or to fire timers; counted under the lock that
    // step() and isSettled() take, so a step's poll is never missed between the two.
    ++m_heldWorkers;
    while (m_paused.load(std::memory_order_acquire) && !m_shutdown.load(std::memory_order_acquire)) {
        // A step that came while a poll ran is carried out once the last poll has ended (this
        // worker cleared its flag before it came here).
        if (m_pendingStep && !anyWorkerPolling()) {
            m_pendingStep = false;
            if (queuedTasks() > 0) {
                ++m_stepBudget;
            } else {
                --m_heldWorkers;
                lock.unlock(); // firing timers queues tasks, which takes the park lock
                stepTime();
                lock.lock();
                ++m_heldWorkers;
                continue;
            }
        }
        if (m_stepBudget > 0) {
            --m_stepBudget;
            if (queuedTasks() > 0) {
                --m_heldWorkers;
                return true; // one poll for this step
            }
            continue;
        }
        m_pauseCondition.wait(lock);
    }
    --m_heldWorkers;
    return true;
}

bool Scheduler::isSettled() const noexcept
{
    SleepGuard lock(m_parkMutex);
    return m_paused.load(std::memory_order_acquire) && !m_shutdown.load(std::memory_order_acquire)
        && m_heldWorkers == int(m_workers.size()) && m_stepBudget == 0 && !m_pendingStep
        && m_blockingInFlight.load(std::memory_order_seq_cst) == 0;
}

bool Scheduler::advanceVirtualTime(UniqueLock &parkLock) noexcept
{
    // Called with the park lock held, by the last worker to go idle.
    const std::int64_t earliest = earliestDeadlineNs();
    if (earliest == TimerQueue::noDeadline)
        return false;
    const Instant target{Duration(earliest)};
    if (m_config.pacedVirtualTime) {
        // Virtual time may run at most timeScale × wall time: wait out the difference.
        const Duration gap = target - m_clock.now();
        if (gap > Duration::zero()) {
            const auto wall = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double, std::nano>(double(gap.count()) / m_clock.timeScale()));
            Worker &self = *t_worker;
            const auto until = std::chrono::steady_clock::now() + wall;
            while (!self.unparked && !m_shutdown.load(std::memory_order_acquire)
                   && !m_paused.load(std::memory_order_acquire)
                   && self.parkCondition.wait_until(parkLock, until) != std::cv_status::timeout) {
            }
            if (self.unparked || m_shutdown.load(std::memory_order_acquire)
                || m_paused.load(std::memory_order_acquire) || queuedTasks() > 0
                || m_blockingInFlight.load(std::memory_order_seq_cst) > 0)
                return true; // something changed while we waited: look again
        }
    }
    m_clock.advanceTo(target);
    return true;
}

void Scheduler::park(Worker &worker) noexcept
{
    UniqueLock lock(m_parkMutex);
    if (m_shutdown.load(std::memory_order_acquire) || m_paused.load(std::memory_order_acquire))
        return;
    worker.parked = true;
    worker.unparked = false;
    m_parkedWorkers.push_back(&worker);
    // seq_cst: see "Parking" in the implementation notes.
    m_parkedCount.fetch_add(1, std::memory_order_seq_cst);

    auto leaveParkedList = [&] {
        if (!worker.parked)
            return; // an unparker already removed us
        std::erase(m_parkedWorkers, &worker);
        m_parkedCount.fetch_sub(1, std::memory_order_seq_cst);
        worker.parked = false;
        if (m_timekeeper == &worker)
            m_timekeeper = nullptr;
    };

    if (queuedTasks() > 0) {
        leaveParkedList();
        return;
    }

    if (m_config.clockMode == ClockMode::Virtual) {
        const bool allIdle = m_parkedCount.load(std::memory_order_seq_cst) == int(m_workers.size());
        if (allIdle && m_blockingInFlight.load(std::memory_order_seq_cst) == 0
            && advanceVirtualTime(lock)) {
            leaveParkedList();
            return;
        }
    } else {
        const std::int64_t earliest = earliestDeadlineNs();
        if (earliest != TimerQueue::noDeadline && m_timekeeper == nullptr) {
            const auto wait = m_clock.wallTimeUntil(Instant(Duration(earliest)));
            if (wait == std::chrono::steady_clock::duration::zero()) {
                leaveParkedList();
                return;
            }
            if (wait != std::chrono::steady_clock::duration::max()) {
                m_timekeeper = &worker;
                worker.counters.parks.fetch_add(1, std::memory_order_relaxed);
                trace(TraceKind::Park, 0, 0, 1);
                worker.parkCondition.wait_for(lock, wait);
                trace(TraceKind::Unpark, 0);
                worker.cpu.restart();
                leaveParkedList();
                return;
            }
        }
    }

    worker.counters.parks.fetch_add(1, std::memory_order_relaxed);
    trace(TraceKind::Park, 0);
    // One wait: spurious wake-ups and timer re-arms simply send the worker round its loop.
    if (!worker.unparked && !m_shutdown.load(std::memory_order_acquire))
        worker.parkCondition.wait(lock);
    trace(TraceKind::Unpark, 0);
    worker.cpu.restart();
    leaveParkedList();
}

void Scheduler::stopSearching(Worker &worker, bool foundWork) noexcept
{
    {
        // The flag is written by notifyParked under the park lock.
        SleepGuard lock(m_parkMutex);
        worker.searching = false;
    }
    const bool lastSearcher = m_searching.fetch_sub(1, std::memory_order_seq_cst) == 1;
    // The last searcher to find work passes the baton: if more is queued, wake another.
    if (foundWork && lastSearcher && queuedTasks() > 0)
        notifyParked();
}

void Scheduler::runWorker(int index) noexcept
{
    Worker &worker = *m_workers[std::size_t(index)];
    t_scheduler = this;
    t_worker = &worker;
    {
        SleepGuard lock(m_parkMutex);
        ++m_startedWorkers;
        m_startedCondition.notify_all();
    }
    while (!m_shutdown.load(std::memory_order_acquire)) {
        if (m_paused.load(std::memory_order_acquire)) {
            clearPolling(worker);
            if (!holdWhilePaused())
                continue;
        }
        if (m_shutdown.load(std::memory_order_acquire))
            break;
        if (TaskHeader *task = findTask(worker)) {
            if (worker.searching)
                stopSearching(worker, true);
            poll(worker, task);
            if (++worker.tick % s_globalQueueInterval == 0)
                fireDueTimers();
            continue;
        }
        clearPolling(worker);
        if (fireDueTimers())
            continue;
        if (worker.searching)
            stopSearching(worker, false);
        park(worker);
    }
    t_worker = nullptr;
    t_scheduler = nullptr;
    // Our own hand-off before QThread::wait(): Qt's futex-based one is invisible to TSan,
    // and nothing of the scheduler is touched after this point.
    SleepGuard lock(m_parkMutex);
    ++m_exitedWorkers;
    m_startedCondition.notify_all();
}

void Scheduler::pause()
{
    {
        SleepGuard lock(m_parkMutex);
        m_paused.store(true, std::memory_order_release);
        m_stepBudget = 0;
        m_pendingStep = false;
    }
    m_clock.pause();
    unparkAll();
}

void Scheduler::resume()
{
    m_clock.resume();
    {
        SleepGuard lock(m_parkMutex);
        m_paused.store(false, std::memory_order_release);
        m_stepBudget = 0;
        m_pendingStep = false;
    }
    unparkAll();
}

void Scheduler::step()
{
    {
        SleepGuard lock(m_parkMutex);
        if (!m_paused.load(std::memory_order_acquire))
            return;
        if (queuedTasks() > 0) {
            ++m_stepBudget;
            m_pauseCondition.notify_one();
            return;
        }
        // A poll is still running: it may queue a task or arm a timer before it ends, so the
        // step waits for it (the worker that ends the last poll carries the step out).
        if (anyWorkerPolling()) {
            m_pendingStep = true;
            return;
        }
        // Blocking work is in flight: time must not move yet.
        if (m_blockingInFlight.load(std::memory_order_seq_cst) > 0)
            return;
    }
    stepTime();
}

bool Scheduler::anyWorkerPolling() const noexcept
{
    for (const auto &worker : m_workers) {
        if (worker->polling.load(std::memory_order_seq_cst))
            return true;
    }
    return false;
}

void Scheduler::stepTime() noexcept
{
    // Nothing runnable: move time to the next deadline and fire it; the woken tasks wait for
    // the next step.
    const std::int64_t earliest = earliestDeadlineNs();
    if (earliest == TimerQueue::noDeadline)
        return;
    m_clock.advanceTo(Instant(Duration(earliest)));
    fireDueTimers();
}

std::uint64_t Scheduler::random() noexcept
{
    if (t_scheduler == this && t_worker)
        return t_worker->random();
    LockGuard lock(m_randomMutex);
    return m_random();
}

std::int64_t Scheduler::record(TraceSink *sink, TraceKind kind, TaskId task, std::uint64_t object,
                               std::int64_t value) noexcept
{
    Worker *self = t_scheduler == this ? t_worker : nullptr;
    const int worker = self ? self->index : -1;
    std::int64_t now;
    if (self && self->stampShared) {
        if (self->sharedStampNs == s_stampUnread)
            self->sharedStampNs = m_clock.now().time_since_epoch().count();
        now = self->sharedStampNs;
    } else {
        now = m_clock.now().time_since_epoch().count();
    }
    if (TraceRing *ring = sink->workerRing(worker))
        ring->push(now, task, object, value, std::int16_t(worker), kind);
    else
        sink->record(TraceEvent{now, task, object, value, std::int16_t(worker), kind});
    return now;
}

} // namespace taskscope::detail
