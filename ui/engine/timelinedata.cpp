#include "engine/timelinedata.h"

#include <algorithm>
#include <cmath>

namespace taskscope {

void TimelineData::clear()
{
    m_slices.clear();
    m_open.clear();
    m_marks.clear();
    m_openParks.clear();
    m_wakes.clear();
    m_latestNs = 0;
    m_slicesDropped = 0;
    ++m_epoch;
    ++m_revision;
}

void TimelineData::pollStarted(int worker, std::uint64_t task, std::int64_t timeNs)
{
    if (worker < 0)
        return;
    if (std::size_t(worker) >= m_open.size())
        m_open.resize(std::size_t(worker) + 1, TimelineSlice{0, 0, 0, 0});
    m_open[std::size_t(worker)] = TimelineSlice{timeNs, timeNs, task, worker};
    advance(timeNs);
    ++m_revision;
}

void TimelineData::pollEnded(int worker, std::int64_t timeNs)
{
    if (worker < 0 || std::size_t(worker) >= m_open.size() || m_open[std::size_t(worker)].task == 0)
        return;
    TimelineSlice slice = m_open[std::size_t(worker)];
    slice.endNs = timeNs;
    m_open[std::size_t(worker)].task = 0;
    m_slices.push_back(slice);
    const std::size_t before = m_slices.size();
    keepBounded(m_slices, capacity);
    m_slicesDropped += before - m_slices.size();
    advance(timeNs);
    ++m_revision;
}

void TimelineData::stole(int worker, int victim, std::uint64_t task, std::int64_t timeNs)
{
    if (worker < 0)
        return;
    m_marks.push_back(TimelineMark{timeNs, timeNs, worker, victim, task, TimelineMark::Kind::Steal});
    keepBounded(m_marks, markCapacity);
    advance(timeNs);
    ++m_revision;
}

void TimelineData::parked(int worker, std::int64_t timeNs)
{
    if (worker < 0)
        return;
    if (std::size_t(worker) >= m_openParks.size())
        m_openParks.resize(std::size_t(worker) + 1, -1);
    m_openParks[std::size_t(worker)] = timeNs;
    advance(timeNs);
    ++m_revision;
}

void TimelineData::unparked(int worker, std::int64_t timeNs)
{
    if (worker < 0 || std::size_t(worker) >= m_openParks.size() || m_openParks[std::size_t(worker)] < 0)
        return;
    const std::int64_t start = m_openParks[std::size_t(worker)];
    m_openParks[std::size_t(worker)] = -1;
    m_marks.push_back(TimelineMark{start, timeNs, worker, -1, 0, TimelineMark::Kind::Park});
    keepBounded(m_marks, markCapacity);
    advance(timeNs);
    ++m_revision;
}

void TimelineData::lost(int worker, std::int64_t fromNs, std::int64_t toNs)
{
    if (worker < 0)
        return;
    if (std::size_t(worker) < m_open.size() && m_open[std::size_t(worker)].task != 0)
        pollEnded(worker, std::max(fromNs, m_open[std::size_t(worker)].startNs));
    if (std::size_t(worker) < m_openParks.size() && m_openParks[std::size_t(worker)] >= 0)
        unparked(worker, std::max(fromNs, m_openParks[std::size_t(worker)]));
    m_marks.push_back(TimelineMark{fromNs, std::max(fromNs, toNs), worker, -1, 0, TimelineMark::Kind::Lost});
    keepBounded(m_marks, markCapacity);
    advance(std::max(fromNs, toNs));
    ++m_revision;
}

void TimelineData::woken(std::uint64_t task, std::uint64_t waker, int worker, bool byTimer, std::int64_t timeNs)
{
    m_wakes.push_back(TimelineWake{timeNs, task, waker, worker, byTimer});
    keepBounded(m_wakes, capacity);
    advance(timeNs);
    ++m_revision;
}

QColor TimelineData::colorOf(std::uint64_t task)
{
    // Golden-ratio hue steps: neighbouring ids get clearly different hues.
    const double hue = std::fmod(double(task) * 0.618033988749895, 1.0);
    return QColor::fromHsvF(float(hue), 0.55f, 0.95f);
}

} // namespace taskscope
