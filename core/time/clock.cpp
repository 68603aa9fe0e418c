#include "clock.h"

#include <stdexcept>

namespace taskscope {

Clock::Clock(ClockMode mode, double timeScale)
    : m_mode(mode)
    , m_anchorWall(WallClock::now())
    , m_scale(timeScale)
{
}

Instant Clock::realNowLocked(WallClock::time_point wallNow) const
{
    if (m_paused)
        return m_anchorRuntime;
    const auto wallElapsed = std::chrono::duration<double, std::nano>(wallNow - m_anchorWall).count();
    return m_anchorRuntime + Duration(static_cast<std::int64_t>(wallElapsed * m_scale));
}

Instant Clock::now() const noexcept
{
    if (m_mode == ClockMode::Virtual) {
        // Acquire pairs with the release in advanceTo: whoever sees the new time also sees
        // what the advancing thread did before (fired timers).
        return Instant(Duration(m_virtualNs.load(std::memory_order_acquire)));
    }
    detail::LockGuard lock(m_mutex);
    return realNowLocked(WallClock::now());
}

double Clock::timeScale() const noexcept
{
    detail::LockGuard lock(m_mutex);
    return m_scale;
}

void Clock::setTimeScale(double timeScale)
{
    if (!(timeScale >= RuntimeConfig::minTimeScale && timeScale <= RuntimeConfig::maxTimeScale))
        throw std::invalid_argument("timeScale must be within 0.01–100");
    detail::LockGuard lock(m_mutex);
    const auto wallNow = WallClock::now();
    m_anchorRuntime = realNowLocked(wallNow);
    m_anchorWall = wallNow;
    m_scale = timeScale;
}

void Clock::pause()
{
    detail::LockGuard lock(m_mutex);
    if (m_paused)
        return;
    m_anchorRuntime = realNowLocked(WallClock::now());
    m_paused = true;
}

void Clock::resume()
{
    detail::LockGuard lock(m_mutex);
    if (!m_paused)
        return;
    m_anchorWall = WallClock::now();
    m_paused = false;
}

bool Clock::isPaused() const noexcept
{
    detail::LockGuard lock(m_mutex);
    return m_paused;
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
    const auto wallNow = WallClock::now();
    const Instant current = realNowLocked(wallNow);
    if (target <= current)
        return;
    m_anchorRuntime = target;
    m_anchorWall = wallNow;
}

std::chrono::steady_clock::duration Clock::wallTimeUntil(Instant target) const
{
    if (m_mode == ClockMode::Virtual)
        return WallClock::duration::max();
    detail::LockGuard lock(m_mutex);
    if (m_paused)
        return WallClock::duration::max();
    const Duration remaining = target - realNowLocked(WallClock::now());
    if (remaining <= Duration::zero())
        return WallClock::duration::zero();
    return std::chrono::duration_cast<WallClock::duration>(
        std::chrono::duration<double, std::nano>(double(remaining.count()) / m_scale));
}

} // namespace taskscope
