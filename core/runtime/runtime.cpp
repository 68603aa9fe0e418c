#include "runtime/runtime.h"

#include <stdexcept>

namespace taskscope {

Runtime::Runtime(const RuntimeConfig &config)
{
    if (const QString error = config.validate(); !error.isEmpty())
        throw std::invalid_argument(error.toStdString());
    m_scheduler = std::make_unique<detail::Scheduler>(*this, config);
    m_scheduler->start();
}

Runtime::~Runtime()
{
    m_scheduler->shutdown();
}

Runtime *Runtime::current() noexcept
{
    if (detail::Scheduler *scheduler = detail::Scheduler::current())
        return &scheduler->runtime();
    if (detail::TaskHeader *task = detail::TaskHeader::current())
        return &task->scheduler()->runtime();
    return nullptr;
}

Runtime &currentRuntime(const char *what)
{
    if (Runtime *runtime = Runtime::current())
        return *runtime;
    throw std::logic_error(std::string("taskscope: ") + what
                           + " must be called inside a task running on a Runtime");
}

void Runtime::setTimeScale(double timeScale)
{
    m_scheduler->clock().setTimeScale(timeScale);
    m_scheduler->timerArmed(); // the timekeeper's wait was computed with the old scale
}

std::vector<WorkerStats> Runtime::workerStats() const
{
    std::vector<WorkerStats> stats;
    for (int index = 0; index < m_scheduler->workerCount(); ++index) {
        const detail::Worker &worker = m_scheduler->worker(index);
        // Relaxed: counters for display; a slightly stale snapshot is fine.
        stats.push_back({index, m_scheduler->config().workerName(index),
                         worker.counters.polls.load(std::memory_order_relaxed),
                         worker.counters.steals.load(std::memory_order_relaxed),
                         worker.counters.parks.load(std::memory_order_relaxed),
                         worker.counters.unparks.load(std::memory_order_relaxed),
                         worker.queueLength.load(std::memory_order_relaxed)});
    }
    return stats;
}

} // namespace taskscope
