#pragma once

// The wall time under the real-mode Clock: monotonic nanoseconds on the steady clock's scale,
// read from the CPU's time-stamp counter where that is safe.
//
// Implementation notes
// --------------------
// Every trace event reads the clock, so its cost is the floor of the recording cost. Through
// the vDSO, steady_clock::now() costs about 16 ns on this kind of machine; a bare `rdtsc` and
// a multiply cost about half. The vDSO reads the same counter, so we use it directly only
// where the kernel itself does: its clocksource is "tsc" (it found the counters synchronised
// across CPUs) and the CPU says the counter is invariant (constant_tsc, nonstop_tsc).
// Anywhere else — another architecture, another clocksource, TASKSCOPE_CLOCK=steady in the
// environment — this is steady_clock.
//
// Calibration happens once per process, on first use: two (counter, steady) pairs about 2 ms
// apart give the counter's rate; each pair brackets the steady read between two counter reads
// and takes their midpoint. The error is a few parts in 10^5, a drift of tens of microseconds
// per second against steady_clock: invisible in a run, and nothing mixes the two clocks
// except the timekeeper's waits, which re-check the Clock when they wake.

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace taskscope::detail {

class TscClock
{
public:
    /// Nanoseconds on the steady clock's epoch.
    static std::int64_t nowNs() noexcept
    {
        const Calibration &calibration = calibrated();
        const auto since = std::int64_t(ticks() - calibration.baseTicks);
        return calibration.baseNs + std::int64_t((__int128(since) * calibration.nsPerTickQ32) >> 32);
    }

    /// The raw counter: time-stamp counter ticks, or steady nanoseconds where the counter is
    /// not used. Only differences mean anything; nsPerTickQ32() converts them.
    static std::uint64_t ticks() noexcept
    {
#if defined(__x86_64__)
        if (calibrated().useCounter)
            return __rdtsc();
#endif
        return std::uint64_t(steadyNs());
    }
    /// Nanoseconds per tick, fixed point with 32 fraction bits.
    static std::int64_t nsPerTickQ32() noexcept { return calibrated().nsPerTickQ32; }

    /// True when nowNs() reads the time-stamp counter.
    [[nodiscard]] static bool usesCounter() noexcept { return calibrated().useCounter; }

    static std::int64_t steadyNs() noexcept
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

private:
    struct Calibration
    {
        bool useCounter = false;
        std::uint64_t baseTicks = 0;
        std::int64_t baseNs = 0;
        std::int64_t nsPerTickQ32 = std::int64_t(1) << 32; ///< 1 ns per tick on the steady clock
    };
    static const Calibration &calibrated() noexcept
    {
        static const Calibration calibration = calibrate();
        return calibration;
    }
    static Calibration calibrate() noexcept;
};

} // namespace taskscope::detail
