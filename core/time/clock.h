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
#include "time/impl/tscclock.h"

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

    /// The real-mode anchor, published as a whole (see the seqlock below).
    struct Anchor
    {
        std::int64_t wallNs;    ///< steady clock at the anchor
        std::int64_t runtimeNs; ///< runtime time at the anchor
        double scale;
        bool paused;
    };

    /// The steady clock's time, read cheaply (see tscclock.h).
    static std::int64_t wallNowNs() noexcept { return detail::TscClock::nowNs(); }
    static Instant timeAt(const Anchor &anchor, std::int64_t wallNs) noexcept;
    /// A consistent copy of the anchor, without a lock (every trace event reads the clock).
    Anchor loadAnchor() const noexcept;
    /// Writers hold m_mutex.
    void storeAnchor(const Anchor &anchor) noexcept;

    const ClockMode m_mode;
    // Real mode: runtime time = runtimeNs + (wall - wallNs) * scale, frozen when paused;
    // re-anchored whenever the scale or the pause state changes. Readers never lock: a
    // seqlock over atomics (odd version = a write in progress). Writers serialise on m_mutex.
    mutable detail::Mutex m_mutex;
    detail::Atomic<std::uint64_t> m_version{0};
    detail::Atomic<std::int64_t> m_anchorWallNs{0};
    detail::Atomic<std::int64_t> m_anchorRuntimeNs{0};
    detail::Atomic<double> m_scale{1.0};
    detail::Atomic<bool> m_paused{false};
    // Virtual mode: the current time, moved only by advanceTo.
    detail::Atomic<std::int64_t> m_virtualNs{0};
};

} // namespace taskscope
