#pragma once

/// Interval: a periodic timer. `co_await interval.tick()` completes at start, start + period,
/// start + 2·period, … (the first tick at once).
///
/// Missed ticks — when the task comes back to tick() after one or more deadlines passed
/// (it was busy, or its worker was) — are handled by MissedTickBehavior:
/// * Burst (the default, as in Tokio): the missed ticks complete at once, one per call,
///   until the schedule has caught up; the schedule itself does not move.
/// * Delay: the next tick is one period after the late tick completed; the schedule shifts.
/// * Skip: the missed ticks are dropped; the next tick is the next one on the original
///   schedule that is still in the future.
///
/// ```
/// Interval every(100ms);
/// for (;;) { co_await every.tick(); sample(); }
/// ```

#include "runtime/task.h"
#include "time/clock.h"
#include "time/sleep.h"

#include <source_location>

namespace taskscope {

/// What an Interval does with ticks that were missed (see the header overview).
enum class MissedTickBehavior { Burst, Delay, Skip };

/// A periodic timer on the runtime's clock.
class Interval
{
public:
    /// Ticks every @p period (> 0), the first at the first tick() call.
    explicit Interval(Duration period, MissedTickBehavior behavior = MissedTickBehavior::Burst);

    /// Waits for the next tick; gives the instant it was scheduled for.
    [[nodiscard]] Task<Instant> tick(std::source_location location = std::source_location::current());

    [[nodiscard]] Duration period() const noexcept { return m_period; }
    [[nodiscard]] MissedTickBehavior missedTickBehavior() const noexcept { return m_behavior; }
    void setMissedTickBehavior(MissedTickBehavior behavior) noexcept { m_behavior = behavior; }

private:
    Duration m_period;
    MissedTickBehavior m_behavior;
    std::optional<Instant> m_next;
};

} // namespace taskscope
