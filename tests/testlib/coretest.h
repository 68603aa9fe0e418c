#pragma once

// Helpers shared by the engine tests.

#include "runtime/runtime.h"

#include <QString>

#include <chrono>
#include <memory>
#include <vector>

namespace taskscope::test {

using namespace std::chrono_literals;

/// A one-worker runtime on the virtual clock: deterministic, and time never really passes.
inline RuntimeConfig virtualConfig(int workers = 1)
{
    RuntimeConfig config = RuntimeConfig::deterministic(42);
    config.workerThreads = workers;
    return config;
}

/// Real worker threads on the real clock, for tests about what really happens on them.
inline RuntimeConfig realConfig(int workers = 1)
{
    RuntimeConfig config;
    config.workerThreads = workers;
    return config;
}

/// Milliseconds since the runtime started, on its clock.
inline long long elapsedMs(Runtime &runtime)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(runtime.now().time_since_epoch()).count();
}

/// For the cooperative budget's tests, on one worker: spawns @p looper, which counts its steps
/// in @p steps, and beside it a neighbour that reads the count when it first runs. Once the
/// looper is done, gives that reading: how many steps the looper took before it let go.
inline Task<int> stepsBeforeTheNeighbourRan(Task<void> looper, std::shared_ptr<int> steps)
{
    JoinHandle<void> running = spawn(std::move(looper));
    JoinHandle<int> neighbour = spawn([](std::shared_ptr<int> count) -> Task<int> { co_return *count; }(steps));
    co_await running.join();
    co_return co_await neighbour.join();
}

/// Aborts @p target from a task queued behind it (so the abort lands while @p target yields),
/// then joins it: true when it ended cancelled.
inline Task<bool> abortFromBehind(JoinHandle<void> &target)
{
    JoinHandle<void> canceller = spawn([](JoinHandle<void> &victim) -> Task<void> {
        victim.abort();
        co_return;
    }(target));
    co_await canceller.join();
    try {
        co_await target.join();
    } catch (const JoinError &error) {
        co_return error.isCancelled();
    }
    co_return false;
}

/// Counts live instances: frames that were destroyed run the destructor.
struct LiveCounter
{
    explicit LiveCounter(std::atomic<int> &count)
        : m_count(count)
    {
        m_count.fetch_add(1);
    }
    LiveCounter(const LiveCounter &) = delete;
    ~LiveCounter() { m_count.fetch_sub(1); }
    std::atomic<int> &m_count;
};

/// Records every trace event (thread-safe), for tests that look at polls.
class RecordingSink : public TraceSink
{
public:
    void record(const TraceEvent &event) noexcept override
    {
        std::lock_guard lock(m_mutex);
        m_events.push_back(event);
    }
    std::vector<TraceEvent> events() const
    {
        std::lock_guard lock(m_mutex);
        return m_events;
    }
    /// "task@time" for each poll start, in order.
    QStringList pollSequence() const
    {
        QStringList sequence;
        for (const TraceEvent &event : events()) {
            if (event.kind == TraceKind::PollStart)
                sequence << QStringLiteral("%1@%2").arg(event.task).arg(event.timeNs);
        }
        return sequence;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<TraceEvent> m_events;
};

} // namespace taskscope::test
