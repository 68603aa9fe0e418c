#pragma once

/// TimelineRuns: the timeline's level of detail, kept between frames. Polls that touch within
/// a pixel on the same lane merge into one run; a run keeps growing while it is the same
/// task's, or for up to `mergePixels` pixels (then it keeps its first poll's colour), so a
/// stretch of many tasks' tiny polls still shows their mix of colours.
///
/// ```
/// runs.update(data, nsPerPixel, viewStartNs);      // takes the slices that arrived since
/// for (const auto &lane : runs.lanes())
///     for (const TimelineRuns::Run &run : lane) draw(run);
/// ```
/// The runs are in nanoseconds, not pixels, so while the zoom stays they stay valid as the
/// view scrolls: a frame merges only the polls that arrived since the last one, instead of
/// walking every poll in view (at 50k polls per second and 10 s in view, the 200k the data
/// keeps, which cost the render thread about 5 ms a frame while the GUI thread waited on it).
/// Merging once also keeps the boundaries between runs where they are: merged afresh each
/// frame from the window's first poll, they shifted as the view scrolled and the colours
/// shimmered.
///
/// Used by TimelineItem in updatePaintNode (render thread, GUI thread blocked); not thread-safe.

#include "engine/timelinedata.h"

#include <QRgb>

#include <cstdint>
#include <deque>
#include <vector>

namespace taskscope {

class TimelineRuns
{
public:
    /// Polls of different tasks merge up to this many pixels wide: finer shows the mix of tasks
    /// better, but every run is two triangles, and a software rasteriser pays per triangle.
    static constexpr double mergePixels = 4.0;
    /// A poll shorter than a pixel is still drawn a pixel wide.
    static constexpr double minimumPixels = 1.0;

    struct Run
    {
        std::int64_t startNs;
        std::int64_t endNs; ///< at least a pixel after startNs
        std::uint64_t task; ///< the first poll's
        QRgb color;
    };

    /// Brings the runs up to date with @p data for a view that starts at @p viewStartNs at
    /// @p nsPerPixel: merges the slices that arrived since the last call, drops the runs that
    /// ended before the view, and starts over when the zoom changed, the data was cleared, or
    /// the view moved back before what the runs cover.
    void update(const TimelineData &data, double nsPerPixel, std::int64_t viewStartNs);
    /// Forgets everything.
    void clear();

    /// The runs of each worker lane (index = worker), oldest first.
    [[nodiscard]] const std::vector<std::deque<Run>> &lanes() const noexcept { return m_lanes; }
    /// Slices merged since the last start-over (for tests).
    [[nodiscard]] std::uint64_t slicesMerged() const noexcept { return m_merged; }

private:
    void append(const TimelineSlice &slice);

    std::vector<std::deque<Run>> m_lanes;
    double m_nsPerPixel = 0;
    std::uint64_t m_epoch = ~std::uint64_t(0);
    std::uint64_t m_nextSerial = 0;       ///< the serial of the first slice not merged yet
    std::int64_t m_coveredFromNs = 0;     ///< runs exist for every slice that ends at or after this
    std::uint64_t m_merged = 0;
};

} // namespace taskscope
