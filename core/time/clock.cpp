#include "clock.h"

#include <stdexcept>

namespace taskscope {

Clock::Clock(ClockMode mode, double timeScale)
    : m_mode(mode)
{
    storeAnchor({wallNowNs(), 0, timeScale, false});
}

Instant Clock::timeAt(const Anchor &anchor, std::int64_t wallNs) noexcept
{
    if (anchor.paused)
        return Instant(Duration(anchor.runtimeNs));
    const double elapsed = double(wallNs - anchor.wallNs) * anchor.scale;
    return Instant(Duration(anchor.runtimeNs + std::int64_t(elapsed)));
}

Clock::Anchor Clock::loadAnchor() const noexcept
{
    for (;;) {
        // Acquire: the fields read below are at least as new as this version.
        const std::uint64_t before = m_version.load(std::memory_order_acquire);
        if (before & 1) {
            detail::spinPause();
            continue;
        }
        const Anchor anchor{m_anchorWallNs.load(std::memory_order_relaxed),
                            m_anchorRuntimeNs.load(std::memory_order_relaxed),
                            m_scale.load(std::memory_order_relaxed), m_paused.load(std::memory_order_relaxed)};
        // The fence keeps the field loads before the re-check of the version.
        std::atomic_thread_fence(std::memory_order_acquire);
        if (m_version.load(std::memory_order_relaxed) == before)
            return anchor;
    }
}

void Clock::storeAnchor(const Anchor &anchor) noexcept
{
    m_version.fetch_add(1, std::memory_order_relaxed); // odd: readers retry
    // Release fence: the odd version is visible before any new field value.
    std::atomic_thread_fence(std::memory_order_release);
    m_anchorWallNs.store(anchor.wallNs, std::memory_order_relaxed);
    m_anchorRuntimeNs.store(anchor.runtimeNs, std::memory_order_relaxed);
    m_scale.store(anchor.scale, std::memory_order_relaxed);
    m_paused.store(anchor.paused, std::memory_order_relaxed);
    // Release: the new fields are visible to whoever sees the even version.
    m_version.fetch_add(1, std::memory_order_release);
}

Instant Clock::now() const noexcept
{
    if (m_mode == ClockMode::Virtual) {
        // Acquire pairs with the release in advanceTo: whoever sees the new time also sees
        // what the advancing thread did before (fired timers).
        return Instant(Duration(m_virtualNs.load(std::memory_order_acquire)));
    }
    return timeAt(loadAnchor(), wallNowNs());
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
    Anchor anchor = loadAnchor();
    const std::int64_t wall = wallNowNs();
    anchor.runtimeNs = timeAt(anchor, wall).time_since_epoch().count();
    anchor.wallNs = wall;
    anchor.scale = timeScale;
    storeAnchor(anchor);
}

void Clock::pause()
{
    detail::LockGuard lock(m_mutex);
    Anchor anchor = loadAnchor();
    if (anchor.paused)
        return;
    const std::int64_t wall = wallNowNs();
    anchor.runtimeNs = timeAt(anchor, wall).time_since_epoch().count();
    anchor.wallNs = wall;
    anchor.paused = true;
    storeAnchor(anchor);
}

void Clock::resume()
{
    detail::LockGuard lock(m_mutex);
    Anchor anchor = loadAnchor();
    if (!anchor.paused)
        return;
    anchor.wallNs = wallNowNs();
    anchor.paused = false;
    storeAnchor(anchor);
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
    Anchor anchor = loadAnchor();
    const std::int64_t wall = wallNowNs();
    if (target <= timeAt(anchor, wall))
        return;
    anchor.runtimeNs = target.time_since_epoch().count();
    anchor.wallNs = wall;
    storeAnchor(anchor);
}

std::chrono::steady_clock::duration Clock::wallTimeUntil(Instant target) const
{
    if (m_mode == ClockMode::Virtual)
        return WallClock::duration::max();
    const Anchor anchor = loadAnchor();
    if (anchor.paused)
        return WallClock::duration::max();
    const Duration remaining = target - timeAt(anchor, wallNowNs());
    if (remaining <= Duration::zero())
        return WallClock::duration::zero();
    return std::chrono::duration_cast<WallClock::duration>(
        std::chrono::duration<double, std::nano>(double(remaining.count()) / anchor.scale));
}

} // namespace taskscope
