#include "clock.h"

#include <cmath>
#include <stdexcept>

namespace taskscope {

using detail::TscClock;

Clock::Clock(ClockMode mode, double timeScale)
    : m_mode(mode)
{
    storeAnchor(TscClock::ticks(), 0, timeScale, false);
}

void Clock::storeAnchor(std::uint64_t ticks, std::int64_t runtimeNs, double scale, bool paused) noexcept
{
    const auto rate = paused ? std::int64_t(0) : std::llround(double(TscClock::nsPerTickQ32()) * scale);
    m_version.fetch_add(1, std::memory_order_relaxed); // odd: readers retry
    // Release fence: the odd version is visible before any new field value.
    std::atomic_thread_fence(std::memory_order_release);
    m_anchorTicks.store(ticks, std::memory_order_relaxed);
    m_anchorRuntimeNs.store(runtimeNs, std::memory_order_relaxed);
    m_rateQ32.store(rate, std::memory_order_relaxed);
    m_scale.store(scale, std::memory_order_relaxed);
    m_paused.store(paused, std::memory_order_relaxed);
    // Release: the new fields are visible to whoever sees the even version.
    m_version.fetch_add(1, std::memory_order_release);
}

double Clock::timeScale() const noexcept
{
    return loadAnchor().scale;
}

void Clock::setTimeScale(double timeScale)
{
    if (!(timeScale >= RuntimeConfig::minTimeScale && timeScale <= RuntimeConfig::maxTimeScale))
        throw std::invalid_argument("timeScale must be within 0.01–100");
    detail::LockGuard lock(m_mutex);
    const Anchor anchor = loadAnchor();
    const std::uint64_t ticks = TscClock::ticks();
    storeAnchor(ticks, timeAt(anchor, ticks).time_since_epoch().count(), timeScale, anchor.paused);
}

void Clock::pause()
{
    detail::LockGuard lock(m_mutex);
    const Anchor anchor = loadAnchor();
    if (anchor.paused)
        return;
    const std::uint64_t ticks = TscClock::ticks();
    storeAnchor(ticks, timeAt(anchor, ticks).time_since_epoch().count(), anchor.scale, true);
}

void Clock::resume()
{
    detail::LockGuard lock(m_mutex);
    const Anchor anchor = loadAnchor();
    if (!anchor.paused)
        return;
    storeAnchor(TscClock::ticks(), anchor.runtimeNs, anchor.scale, false);
}

bool Clock::isPaused() const noexcept
{
    return loadAnchor().paused;
}

void Clock::advanceTo(Instant target)
{
    if (m_mode == ClockMode::Virtual) {
        std::int64_t current = m_virtualNs.load(std::memory_order_relaxed);
        const std::int64_t wanted = target.time_since_epoch().count();
        // Release: see now(). A CAS loop so that concurrent advances keep the maximum.
        while (current < wanted
               && !m_virtualNs.compare_exchange_weak(current, wanted, std::memory_order_release,
                                                     std::memory_order_relaxed)) {
        }
        return;
    }
    detail::LockGuard lock(m_mutex);
    const Anchor anchor = loadAnchor();
    const std::uint64_t ticks = TscClock::ticks();
    if (target <= timeAt(anchor, ticks))
        return;
    storeAnchor(ticks, target.time_since_epoch().count(), anchor.scale, anchor.paused);
}

std::chrono::steady_clock::duration Clock::wallTimeUntil(Instant target) const
{
    if (m_mode == ClockMode::Virtual)
        return WallClock::duration::max();
    const Anchor anchor = loadAnchor();
    if (anchor.paused)
        return WallClock::duration::max();
    const Duration remaining = target - timeAt(anchor, TscClock::ticks());
    if (remaining <= Duration::zero())
        return WallClock::duration::zero();
    return std::chrono::duration_cast<WallClock::duration>(
        std::chrono::duration<double, std::nano>(double(remaining.count()) / anchor.scale));
}

} // namespace taskscope
