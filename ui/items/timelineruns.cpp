#include "items/timelineruns.h"

#include <algorithm>

namespace taskscope {

void TimelineRuns::clear()
{
    m_lanes.clear();
    m_nsPerPixel = 0;
    m_epoch = ~std::uint64_t(0);
    m_nextSerial = 0;
    m_coveredFromNs = 0;
    m_merged = 0;
}

void TimelineRuns::update(const TimelineData &data, double nsPerPixel, std::int64_t viewStartNs)
{
    const auto &slices = data.slices();
    const std::uint64_t first = data.firstSliceSerial();
    const bool startOver = data.epoch() != m_epoch || nsPerPixel != m_nsPerPixel || viewStartNs < m_coveredFromNs
        || m_nextSerial < first; // slices were dropped before they were merged
    if (startOver) {
        m_lanes.clear();
        m_nsPerPixel = nsPerPixel;
        m_epoch = data.epoch();
        m_coveredFromNs = viewStartNs;
        m_merged = 0;
        // Slices are in end-time order per worker and nearly so overall: skip the old ones.
        const auto from = std::partition_point(slices.begin(), slices.end(),
                                               [viewStartNs](const TimelineSlice &s) { return s.endNs < viewStartNs; });
        m_nextSerial = first + std::uint64_t(from - slices.begin());
    }
    for (std::size_t index = std::size_t(m_nextSerial - first); index < slices.size(); ++index)
        append(slices[index]);
    m_nextSerial = first + slices.size();

    // Runs that ended before the view are no longer drawn; the view may come back to them
    // (a pan), and then everything starts over from there.
    for (std::deque<Run> &lane : m_lanes) {
        while (!lane.empty() && lane.front().endNs < viewStartNs)
            lane.pop_front();
    }
    m_coveredFromNs = std::max(m_coveredFromNs, viewStartNs);
}

void TimelineRuns::append(const TimelineSlice &slice)
{
    if (slice.worker < 0)
        return;
    if (std::size_t(slice.worker) >= m_lanes.size())
        m_lanes.resize(std::size_t(slice.worker) + 1);
    ++m_merged;
    std::deque<Run> &lane = m_lanes[std::size_t(slice.worker)];
    const auto end = std::max(slice.endNs, slice.startNs + std::int64_t(minimumPixels * m_nsPerPixel));
    if (!lane.empty()) {
        Run &last = lane.back();
        const bool touches = double(slice.startNs - last.endNs) <= m_nsPerPixel;
        if (touches && (last.task == slice.task || double(last.endNs - last.startNs) < mergePixels * m_nsPerPixel)) {
            last.endNs = std::max(last.endNs, end);
            return;
        }
    }
    lane.push_back({slice.startNs, end, slice.task, TimelineData::colorOf(slice.task).rgb()});
}

} // namespace taskscope
