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

    /// The current runtime time. Inline: every trace event reads it.
    [[nodiscard]] Instant now() const noexcept
    {
        if (m_mode == ClockMode::Virtual) {
            // Acquire pairs with the release in advanceTo: whoever sees the new time also
            // sees what the advancing thread did before (fired timers).
            return Instant(Duration(m_virtualNs.load(std::memory_order_acquire)));
        }
        return timeAt(loadAnchor(), detail::TscClock::ticks());
    }
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
        std::uint64_t ticks;    ///< the counter at the anchor (tscclock.h)
        std::int64_t runtimeNs; ///< runtime time at the anchor
        double scale;
        bool paused;
        /// Runtime nanoseconds per counter tick, 32 fraction bits: the scale and the
        /// counter's rate in one factor, 0 while paused, so now() is one multiply.
        std::int64_t rateQ32;
    };

    static Instant timeAt(const Anchor &anchor, std::uint64_t ticks) noexcept
    {
        const auto since = std::int64_t(ticks - anchor.ticks);
        return Instant(Duration(anchor.runtimeNs + std::int64_t((__int128(since) * anchor.rateQ32) >> 32)));
    }
    /// A consistent copy of the anchor, without a lock (every trace event reads the clock).
    Anchor loadAnchor() const noexcept
    {
        for (;;) {
            // Acquire: the fields read below are at least as new as this version.
            const std::uint64_t before = m_version.load(std::memory_order_acquire);
            if (before & 1) {
                detail::spinPause();
                continue;
            }
            const Anchor anchor{m_anchorTicks.load(std::memory_order_relaxed),
                                m_anchorRuntimeNs.load(std::memory_order_relaxed),
                                m_scale.load(std::memory_order_relaxed), m_paused.load(std::memory_order_relaxed),
                                m_rateQ32.load(std::memory_order_relaxed)};
            // The fence keeps the field loads before the re-check of the version.
            std::atomic_thread_fence(std::memory_order_acquire);
            if (m_version.load(std::memory_order_relaxed) == before)
                return anchor;
        }
    }
    /// Re-anchors at the current counter with @p scale and @p paused; the runtime time at
    /// the new anchor is @p runtimeNs. Writers hold m_mutex.
    void storeAnchor(std::uint64_t ticks, std::int64_t runtimeNs, double scale, bool paused) noexcept;

    const ClockMode m_mode;
    // Real mode: runtime time = runtimeNs + (counter - ticks) * rate, frozen when paused;
    // re-anchored whenever the scale or the pause state changes. Readers never lock: a
    // seqlock over atomics (odd version = a write in progress). Writers serialise on m_mutex.
    mutable detail::Mutex m_mutex;
    detail::Atomic<std::uint64_t> m_version{0};
    detail::Atomic<std::uint64_t> m_anchorTicks{0};
    detail::Atomic<std::int64_t> m_anchorRuntimeNs{0};
    detail::Atomic<std::int64_t> m_rateQ32{0};
    detail::Atomic<double> m_scale{1.0};
    detail::Atomic<bool> m_paused{false};
    // Virtual mode: the current time, moved only by advanceTo.
    detail::Atomic<std::int64_t> m_virtualNs{0};
};

} // namespace taskscope
