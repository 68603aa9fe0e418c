#pragma once

/// Time in Taskscope: one Clock per runtime, in real or virtual mode.
///
/// Everything that waits or measures (sleep, timeout, interval, busyFor, the trace) asks the
/// runtime's Clock, never the OS, so a test on the virtual clock is deterministic and never
/// sleeps for real, and the GUI can slow a run down or pause it.
///
/// ```
/// Runtime runtime(RuntimeConfig::deterministic());
/// runtime.blockOn(sleep(5s));            // returns at once; runtime.clock().now() is 5 s later
/// ```

#include "runtime/runtimeconfig.h"
#include "runtime/impl/loom.h"

#include <chrono>
#include <cstdint>

namespace taskscope {

class Clock;

/// A length of runtime time.
using Duration = std::chrono::nanoseconds;
/// A point in runtime time, measured from the runtime's start.
using Instant = std::chrono::time_point<Clock, Duration>;

/// The runtime's clock: real (steady, scaled, pausable) or virtual (moved by the scheduler).
class Clock
{
public:
    using duration = Duration;
    using rep = Duration::rep;
    using period = Duration::period;
    using time_point = Instant;
    static constexpr bool is_steady = true;

    /// A clock in @p mode, starting at Instant{} and running at @p timeScale.
    Clock(ClockMode mode, double timeScale);

    /// The current runtime time.
    [[nodiscard]] Instant now() const noexcept;
    [[nodiscard]] ClockMode mode() const noexcept { return m_mode; }

    /// Runtime seconds per wall second in real mode; the pacing limit in paced virtual mode.
    [[nodiscard]] double timeScale() const noexcept;
    /// Changes the scale from now on (the current time does not jump).
    void setTimeScale(double timeScale);

    /// Freezes time (real mode); virtual time moves only when the scheduler moves it.
    void pause();
    /// Lets time run again from where it stopped.
    void resume();
    [[nodiscard]] bool isPaused() const noexcept;

    /// Moves time forward to @p target if it is later than now (virtual mode, or real mode
    /// while paused: the step button). Never moves time back.
    void advanceTo(Instant target);

    /// How much wall time must pass before now() reaches @p target; Duration::max() when
    /// time cannot get there by itself (paused, or virtual).
    [[nodiscard]] std::chrono::steady_clock::duration wallTimeUntil(Instant target) const;

private:
    using WallClock = std::chrono::steady_clock;

    Instant realNowLocked(WallClock::time_point wallNow) const;

    const ClockMode m_mode;
    // Real mode: runtime time = m_anchorRuntime + (wall - m_anchorWall) * m_scale, frozen when
    // paused. Re-anchored whenever the scale or the pause state changes.
    mutable detail::Mutex m_mutex;
    WallClock::time_point m_anchorWall;
    Instant m_anchorRuntime{};
    double m_scale;
    bool m_paused = false;
    // Virtual mode: the current time, moved only by advanceTo.
    detail::Atomic<std::int64_t> m_virtualNs{0};
};

} // namespace taskscope
