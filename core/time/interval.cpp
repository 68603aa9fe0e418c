#include "time/interval.h"
#include "runtime/impl/scheduler.h"

#include <stdexcept>

namespace taskscope {

Interval::Interval(Duration period, MissedTickBehavior behavior)
    : m_period(period)
    , m_behavior(behavior)
{
    if (period <= Duration::zero())
        throw std::invalid_argument("taskscope: Interval period must be greater than zero");
}

Task<Instant> Interval::tick(std::source_location location)
{
    Clock &clock = detail::requireCurrentTask("Interval::tick").scheduler()->clock();
    if (!m_next)
        m_next = clock.now();
    const Instant scheduled = *m_next;
    co_await sleepUntil(scheduled, location);
    const Instant now = clock.now();
    switch (m_behavior) {
    case MissedTickBehavior::Burst:
        m_next = scheduled + m_period;
        break;
    case MissedTickBehavior::Delay:
        m_next = now + m_period;
        break;
    case MissedTickBehavior::Skip: {
        const auto periodsPassed = (now - scheduled) / m_period; // whole periods already missed
        m_next = scheduled + m_period * (periodsPassed + 1);
        break;
    }
    }
    co_return scheduled;
}

} // namespace taskscope
