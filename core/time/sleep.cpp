#include "time/sleep.h"
#include "runtime/impl/scheduler.h"

#include <stdexcept>
#include <thread>

namespace taskscope {

SleepAwaiter::SleepAwaiter(Duration duration, std::source_location location) noexcept
    : m_duration(duration)
    , m_relative(true)
    , m_location(location)
{
}

SleepAwaiter::SleepAwaiter(Instant deadline, std::source_location location) noexcept
    : m_location(location)
{
    m_node.deadline = deadline;
}

SleepAwaiter::SleepAwaiter(SleepAwaiter &&other) noexcept
    : m_duration(other.m_duration)
    , m_relative(other.m_relative)
    , m_location(other.m_location)
{
    // Only ever moved before being awaited (returned from sleep()).
    m_node.deadline = other.m_node.deadline;
}

SleepAwaiter::~SleepAwaiter()
{
    if (m_armed)
        detail::TimerQueue::disarm(m_node);
}

bool SleepAwaiter::await_ready()
{
    m_task = &detail::requireCurrentTask("sleep");
    m_scheduler = m_task->scheduler();
    const Instant now = m_scheduler->clock().now();
    if (m_relative)
        m_node.deadline = now + m_duration;
    // A cancelled task stops here even when the deadline has passed.
    return m_node.deadline <= now && !m_task->stopRequested();
}

bool SleepAwaiter::await_suspend(std::coroutine_handle<> awaiting)
{
    if (m_task->stopRequested())
        return false;
    // Registering the wait under the queue's lock, after the room is made: if making room
    // throws, nothing is armed; once the wait is registered, nothing can fail.
    // The event is recorded there too, so that it always comes before the timer's firing.
    const bool earliest = m_scheduler->timers().arm(m_node, [&]() noexcept {
        m_node.waker = m_task->beginWait(awaiting, m_location);
        m_scheduler->trace(TraceKind::TimerArm, m_task->id(), 0, m_node.deadline.time_since_epoch().count());
    });
    m_armed = true;
    if (earliest)
        m_scheduler->timerArmed();
    return m_task->finishWait();
}

void SleepAwaiter::await_resume()
{
    if (!m_armed) {
        // The deadline had passed, or a cancellation came before arming.
        m_task->throwIfStopRequested();
        return;
    }
    // Acquire: pairs with the timer's release; after it the node is ours again.
    if (m_node.fired.load(std::memory_order_acquire)) {
        m_armed = false;
        return;
    }
    detail::TimerQueue::disarm(m_node);
    m_armed = false;
    m_task->throwStop();
}

void busyFor(Duration duration)
{
    detail::TaskHeader *task = detail::TaskHeader::current();
    detail::Scheduler *scheduler = task ? task->scheduler() : detail::Scheduler::current();
    if (!scheduler)
        throw std::logic_error("taskscope: busyFor must be called inside a task running on a Runtime");
    if (duration <= Duration::zero())
        return;
    Clock &clock = scheduler->clock();
    const Instant target = clock.now() + duration;
    if (clock.mode() == ClockMode::Virtual) {
        if (scheduler->config().pacedVirtualTime) {
            const auto wall = std::chrono::steady_clock::now()
                + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double, std::nano>(double(duration.count()) / clock.timeScale()));
            while (std::chrono::steady_clock::now() < wall)
                detail::spinPause();
        }
        clock.advanceTo(target);
        return;
    }
    // Real work spins: the worker is really held, and a paused clock holds it longer.
    while (clock.now() < target && !scheduler->isShuttingDown()) {
        for (int i = 0; i < 64; ++i)
            detail::spinPause();
    }
}

} // namespace taskscope
