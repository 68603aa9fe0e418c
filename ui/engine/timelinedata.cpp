#include "engine/timelinedata.h"

#include <algorithm>
#include <cmath>

namespace taskscope {

void TimelineData::clear()
{
    m_slices.clear();
    m_open.clear();
    m_latestNs = 0;
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
    if (m_slices.size() > capacity)
        m_slices.erase(m_slices.begin(), m_slices.begin() + std::ptrdiff_t(capacity / 4));
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
