#pragma once

/// The runtime: worker threads that poll spawned tasks (Tokio's multi-thread runtime).
///
/// ```
/// Runtime runtime({.workerThreads = 4, .threadName = "my-app"});
/// JoinHandle<int> handle = runtime.spawn(compute(), "compute");
/// int value = runtime.blockOn(handle.join());
/// ```
///
/// Which to use when: `spawn` starts a concurrent task and gives a JoinHandle; `blockOn`
/// runs a task from a thread that is not a worker (main, a test) and waits for it;
/// `JoinSet` owns a group of tasks; `spawnBlocking` moves blocking or CPU-heavy closures off
/// the workers; `select` races two tasks. Inside tasks, time comes from time/ (sleep,
/// timeout, interval, busyFor) and cancellation from sync/cancellationtoken.h.
///
/// Destroying the runtime stops the workers after their current poll, waits for blocking
/// closures, then cancels every task left: their frames are destroyed (destructors run) and
/// their JoinHandles report a cancelled JoinError.

#include "runtime/joinhandle.h"
#include "runtime/runtimeconfig.h"
#include "runtime/task.h"
#include "runtime/impl/scheduler.h"
#include "time/clock.h"
#include "trace/tracesink.h"

#include <QString>

#include <memory>
#include <source_location>
#include <vector>

namespace taskscope {

/// A snapshot of one worker's counters.
struct WorkerStats
{
    int index = 0;
    QString name;
    std::uint64_t polls = 0;
    std::uint64_t steals = 0;  ///< tasks this worker took from peers
    std::uint64_t parks = 0;
    std::uint64_t unparks = 0;
    int queueLength = 0;       ///< tasks in its run queue now
};

/// A multi-threaded, work-stealing runtime for Task<T> (see the header overview).
class Runtime
{
public:
    /// Validates @p config and starts the workers. Throws std::invalid_argument naming a
    /// parameter out of range, or std::runtime_error when the OS refuses a worker thread.
    explicit Runtime(const RuntimeConfig &config = {});
    Runtime(const Runtime &) = delete;
    Runtime &operator=(const Runtime &) = delete;
    ~Runtime();

    /// The runtime whose task or worker is running on this thread, or null.
    [[nodiscard]] static Runtime *current() noexcept;

    /// Starts @p task as a task of its own and returns its handle.
    template<typename T>
    JoinHandle<T> spawn(Task<T> task, QString name = {},
                        std::source_location location = std::source_location::current());

    /// Runs @p task on the runtime and waits for it on this thread, which must not be a
    /// worker. Gives its value or rethrows its exception; a JoinError if it was cancelled.
    template<typename T>
    T blockOn(Task<T> task, std::source_location location = std::source_location::current());

    [[nodiscard]] const RuntimeConfig &config() const noexcept { return m_scheduler->config(); }
    [[nodiscard]] Clock &clock() noexcept { return m_scheduler->clock(); }
    /// Now on the runtime's clock.
    [[nodiscard]] Instant now() const noexcept { return m_scheduler->clock().now(); }

    /// Freezes time and holds the workers after their current poll.
    void pause() { m_scheduler->pause(); }
    /// Lets time and the workers run again.
    void resume() { m_scheduler->resume(); }
    /// While paused: lets one poll run, or with nothing runnable, moves time to the next
    /// timer and fires it.
    void step() { m_scheduler->step(); }
    [[nodiscard]] bool isPaused() const noexcept { return m_scheduler->isPaused(); }
    /// Paused with nothing running or about to run until the next step() or resume(): wait
    /// for this after pause() or step() to see their whole effect.
    [[nodiscard]] bool isSettled() const noexcept { return m_scheduler->isSettled(); }
    /// Changes the time scale while running (0.01–100); throws std::invalid_argument outside.
    void setTimeScale(double timeScale);

    /// Per-worker counters and run-queue lengths.
    [[nodiscard]] std::vector<WorkerStats> workerStats() const;
    /// Tasks in the global injection queue.
    [[nodiscard]] int globalQueueLength() const noexcept { return m_scheduler->globalQueueLength(); }
    /// Tasks spawned and not yet finished.
    [[nodiscard]] std::size_t liveTasks() const noexcept { return m_scheduler->liveTasks(); }
    /// Tasks spawned since the start.
    [[nodiscard]] std::uint64_t tasksSpawned() const noexcept { return m_scheduler->tasksSpawned(); }
    /// The index of the worker running this code, or -1.
    [[nodiscard]] int currentWorkerIndex() const noexcept { return m_scheduler->currentWorkerIndex(); }
    /// A number from the runtime's seeded generator (per worker, so deterministic runs
    /// draw the same sequence).
    [[nodiscard]] std::uint64_t random() noexcept { return m_scheduler->random(); }

    /// Installs (or with null, removes) the trace sink; not owned.
    void setTraceSink(TraceSink *sink) noexcept { m_scheduler->setTraceSink(sink); }

    /// The scheduler, for the engine's own awaitables.
    [[nodiscard]] detail::Scheduler &scheduler() noexcept { return *m_scheduler; }

private:
    std::unique_ptr<detail::Scheduler> m_scheduler;
};

/// Spawns @p task on the runtime of the calling task.
template<typename T>
JoinHandle<T> spawn(Task<T> task, QString name = {},
                    std::source_location location = std::source_location::current());

/// The runtime of the calling task; throws std::logic_error naming @p what outside one.
Runtime &currentRuntime(const char *what);

} // namespace taskscope

#include "runtime/impl/runtime_impl.h"
