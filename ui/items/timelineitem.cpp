#include "items/timelineitem.h"

#include "engine/enginecontroller.h"
#include "items/timelineshapes.h"
#include "items/timelinesoftwarenode.h"

#include <QQuickWindow>
#include <QSGGeometryNode>
#include <QSGRendererInterface>
#include <QSGVertexColorMaterial>

#include <algorithm>
#include <cmath>

namespace taskscope {

namespace {

constexpr double s_minimumSliceWidth = TimelineRuns::minimumPixels; // a very short poll is still visible
constexpr double s_stealWidth = 2.0;
constexpr double s_parkThickness = 2.0;
constexpr double s_lostThickness = 4.0;
constexpr double s_outline = 2.0;
constexpr double s_minimumOutlinedWidth = 8.0;
constexpr double s_arrowWidth = 1.5;
constexpr double s_arrowHead = 7.0;
constexpr std::size_t s_maxArrows = 400;

double laneTop(int worker, double laneHeight)
{
    return worker * (laneHeight + TimelineItem::laneGap);
}

} // namespace

TimelineItem::TimelineItem(QQuickItem *parent)
    : QQuickItem(parent)
{
    setFlag(ItemHasContents, true);
    setAcceptedMouseButtons(Qt::LeftButton);
    setAcceptHoverEvents(true);
    connect(this, &TimelineItem::colorsChanged, this, &QQuickItem::update);
}

void TimelineItem::setController(EngineController *controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (m_controller)
        connect(m_controller, &EngineController::frameUpdated, this, &TimelineItem::dataMaybeChanged);
    // Repainted below with what the data holds now.
    m_paintedRevision = m_controller ? m_controller->timeline().revision() : ~std::uint64_t(0);
    m_paintedLatestNs = m_controller ? m_controller->timeline().latestNs() : -1;
    emit controllerChanged();
    update();
}

void TimelineItem::dataMaybeChanged()
{
    const TimelineData &data = m_controller->timeline();
    if (data.revision() == m_paintedRevision && data.latestNs() == m_paintedLatestNs)
        return;
    m_paintedRevision = data.revision();
    m_paintedLatestNs = data.latestNs();
    update();
}

void TimelineItem::setWindowSeconds(double seconds)
{
    seconds = std::clamp(seconds, 0.0001, 3600.0);
    if (qFuzzyCompare(seconds, m_windowSeconds))
        return;
    m_windowSeconds = seconds;
    emit windowSecondsChanged();
    update();
}

void TimelineItem::setPanSeconds(double seconds)
{
    const double latest = m_controller ? double(m_controller->timeline().latestNs()) / 1e9 : 0.0;
    seconds = std::clamp(seconds, 0.0, std::max(0.0, latest));
    if (seconds == m_panSeconds)
        return;
    m_panSeconds = seconds;
    emit panSecondsChanged();
    update();
}

void TimelineItem::setLaneHeight(double height)
{
    height = std::clamp(height, 4.0, 200.0);
    if (qFuzzyCompare(height, m_laneHeight))
        return;
    m_laneHeight = height;
    emit laneHeightChanged();
    update();
}

void TimelineItem::setSelectedTask(qint64 task)
{
    if (task == m_selectedTask)
        return;
    m_selectedTask = task;
    emit selectedTaskChanged();
    update();
}

void TimelineItem::setHoveredTask(qint64 task)
{
    if (task == m_hoveredTask)
        return;
    m_hoveredTask = task;
    emit hoveredTaskChanged();
    update();
}

std::int64_t TimelineItem::viewEndNs() const
{
    const std::int64_t latest = m_controller ? m_controller->timeline().latestNs() : 0;
    return latest - std::int64_t(m_panSeconds * 1e9);
}

void TimelineItem::zoomAt(double x, double factor)
{
    if (width() <= 0 || factor <= 0)
        return;
    const std::int64_t end = viewEndNs();
    const std::int64_t anchor = timeAt(x, end, m_windowSeconds, width());
    const double before = m_windowSeconds;
    setWindowSeconds(m_windowSeconds * factor);
    if (m_panSeconds <= 0 || before == m_windowSeconds)
        return; // following the live edge: zoom keeps the right edge where it is
    // Keep the anchor's time under x: the new right edge is anchor + (1 - x/w) × window.
    const double newEndNs = double(anchor) + (1.0 - x / width()) * m_windowSeconds * 1e9;
    const double latest = m_controller ? double(m_controller->timeline().latestNs()) : 0.0;
    setPanSeconds((latest - newEndNs) / 1e9);
}

QRectF TimelineItem::sliceRect(const TimelineSlice &slice, std::int64_t endNs, double windowSeconds, double width,
                               double laneHeight)
{
    const double windowNs = windowSeconds * 1e9;
    const double startNs = double(endNs) - windowNs;
    double left = (double(slice.startNs) - startNs) / windowNs * width;
    double right = (double(slice.endNs) - startNs) / windowNs * width;
    left = std::max(left, 0.0);
    right = std::min(std::max(right, left + s_minimumSliceWidth), width);
    return QRectF(left, laneTop(slice.worker, laneHeight), right - left, laneHeight);
}

QRectF TimelineItem::markRect(const TimelineMark &mark, std::int64_t endNs, double windowSeconds, double width,
                              double laneHeight)
{
    const double windowNs = windowSeconds * 1e9;
    const double startNs = double(endNs) - windowNs;
    const double top = laneTop(mark.worker, laneHeight);
    const double left = (double(mark.startNs) - startNs) / windowNs * width;
    if (mark.kind == TimelineMark::Kind::Steal) // the upper half, so the polls stay visible
        return QRectF(left - s_stealWidth / 2, top, s_stealWidth, laneHeight / 2);
    const double right = (double(mark.endNs) - startNs) / windowNs * width;
    const double clippedLeft = std::max(left, 0.0);
    const double clippedRight = std::min(right, width);
    if (mark.kind == TimelineMark::Kind::Lost) // a band along the lane's bottom, at least a pixel wide
        return QRectF(clippedLeft, top + laneHeight - s_lostThickness, std::max(1.0, clippedRight - clippedLeft),
                      s_lostThickness);
    return QRectF(clippedLeft, top + (laneHeight - s_parkThickness) / 2, std::max(0.0, clippedRight - clippedLeft),
                  s_parkThickness);
}

std::int64_t TimelineItem::timeAt(double x, std::int64_t endNs, double windowSeconds, double width)
{
    if (width <= 0)
        return endNs;
    return endNs - std::int64_t(std::llround((1.0 - x / width) * windowSeconds * 1e9));
}

qint64 TimelineItem::taskAt(const QPointF &position) const
{
    if (!m_controller || width() <= 0 || position.y() < 0)
        return 0;
    const int lane = int(position.y() / (m_laneHeight + laneGap));
    if (position.y() - laneTop(lane, m_laneHeight) > m_laneHeight)
        return 0; // in the gap between lanes
    const TimelineData &data = m_controller->timeline();
    const std::int64_t end = viewEndNs();
    const std::int64_t tolerance = std::int64_t(2.0 / width() * m_windowSeconds * 1e9); // two pixels
    const std::int64_t at = timeAt(position.x(), end, m_windowSeconds, width());
    for (const TimelineSlice &open : data.openSlices()) {
        if (open.task != 0 && open.worker == lane && open.startNs <= at + tolerance)
            return qint64(open.task);
    }
    const auto &slices = data.slices();
    auto first = std::partition_point(slices.begin(), slices.end(),
                                      [&](const TimelineSlice &s) { return s.endNs < at - tolerance; });
    // The nearest slice wins, so a click between two short polls picks the closer one.
    qint64 best = 0;
    std::int64_t bestDistance = tolerance + 1;
    for (auto it = first; it != slices.end(); ++it) {
        if (it->worker != lane || it->startNs > at + tolerance)
            continue;
        const std::int64_t distance = at < it->startNs ? it->startNs - at : (at > it->endNs ? at - it->endNs : 0);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = qint64(it->task);
        }
    }
    return best;
}

QSGNode *TimelineItem::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *)
{
    int count = 0;
    int gaps = 0;
    TimelineShapes shapes;
    if (m_controller && width() > 0) {
        const TimelineData &data = m_controller->timeline();
        const std::int64_t latest = data.latestNs();
        const std::int64_t endNs = viewEndNs();
        const std::int64_t windowStart = endNs - std::int64_t(m_windowSeconds * 1e9);
        const double w = width();
        const auto &slices = data.slices();
        // Slices are in end-time order per worker and nearly so overall: skip the old ones.
        auto first = std::partition_point(slices.begin(), slices.end(),
                                          [windowStart](const TimelineSlice &s) { return s.endNs < windowStart; });
        auto last = m_panSeconds > 0
            ? std::partition_point(first, slices.end(), [endNs](const TimelineSlice &s) { return s.startNs <= endNs; })
            : slices.end();
        count = int(last - first);

        // Level of detail: the merged runs, kept between frames (see TimelineRuns).
        const double nsPerPixel = m_windowSeconds * 1e9 / w;
        if (m_runsData != &data) {
            m_runs.clear();
            m_runsData = &data;
        }
        m_runs.update(data, nsPerPixel, windowStart);
        const double pixelsPerNs = 1.0 / nsPerPixel;
        const auto place = [&](std::int64_t startNs, std::int64_t stopNs, int worker, const QColor &color) {
            const double left = std::max(0.0, double(startNs - windowStart) * pixelsPerNs);
            const double right = std::min(w, double(stopNs - windowStart) * pixelsPerNs);
            if (right > left)
                shapes.rect(QRectF(left, laneTop(worker, m_laneHeight), right - left, m_laneHeight), color);
        };
        const auto &lanes = m_runs.lanes();
        for (std::size_t worker = 0; worker < lanes.size(); ++worker) {
            for (const TimelineRuns::Run &run : lanes[worker]) {
                if (run.startNs > endNs)
                    break;
                place(run.startNs, run.endNs, int(worker), QColor::fromRgb(run.color));
            }
        }
        // Polls still running grow to the latest time.
        for (const TimelineSlice &open : data.openSlices()) {
            if (open.task == 0 || open.startNs > endNs)
                continue;
            ++count;
            place(open.startNs, std::max(latest, open.startNs + std::int64_t(TimelineRuns::minimumPixels * nsPerPixel)),
                  open.worker, TimelineData::colorOf(open.task));
        }

        // The hovered or selected task's polls, for its outlines and wake arrows: a scan of the
        // polls in view, only while there is such a task.
        const qint64 focus = m_hoveredTask != 0 ? m_hoveredTask : m_selectedTask;
        std::vector<QRectF> selectedRects;
        std::vector<TimelineSlice> focusSlices;
        if (focus != 0) { // a selected task is the focus when none is hovered
            const auto pick = [&](const TimelineSlice &slice) {
                const auto task = qint64(slice.task);
                if ((task != m_selectedTask && task != focus) || slice.endNs < windowStart || slice.startNs > endNs)
                    return;
                if (task == m_selectedTask)
                    selectedRects.push_back(sliceRect(slice, endNs, m_windowSeconds, w, m_laneHeight));
                if (task == focus)
                    focusSlices.push_back(slice);
            };
            for (auto it = first; it != last; ++it)
                pick(*it);
            for (const TimelineSlice &open : data.openSlices()) {
                if (open.task != 0)
                    pick(TimelineSlice{open.startNs, latest, open.task, open.worker});
            }
        }

        // Parks (a thin line while the worker slept), then steals (a bar with a flag on top).
        // Level of detail again: a busy run steals and parks thousands of times a second, so
        // park lines that touch within a pixel merge, and a lane gets at most one steal flag
        // per pixel column (drawn separately, 30k marks cost the software backend ~10 ms a frame).
        struct MarkLane
        {
            QRectF park;
            bool parkOpen = false;
            double lastFlagX = -10;
        };
        std::vector<MarkLane> markLanes;
        // Marks are in the order seen, so by end time, nearly: skip the old ones as for slices.
        const auto &marks = data.marks();
        const auto firstMark = std::partition_point(marks.begin(), marks.end(),
                                                    [windowStart](const TimelineMark &m) { return m.endNs < windowStart; });
        for (auto markIt = firstMark; markIt != marks.end(); ++markIt) {
            const TimelineMark &mark = *markIt;
            if (mark.endNs < windowStart || mark.startNs > endNs || mark.worker < 0)
                continue;
            const QRectF rect = markRect(mark, endNs, m_windowSeconds, w, m_laneHeight);
            if (std::size_t(mark.worker) >= markLanes.size())
                markLanes.resize(std::size_t(mark.worker) + 1);
            MarkLane &lane = markLanes[std::size_t(mark.worker)];
            if (mark.kind == TimelineMark::Kind::Park) {
                if (lane.parkOpen && rect.left() <= lane.park.right() + 1.0) {
                    lane.park.setRight(std::max(lane.park.right(), rect.right()));
                    continue;
                }
                if (lane.parkOpen)
                    shapes.rect(lane.park, m_parkColor);
                lane.park = rect;
                lane.parkOpen = true;
            } else if (mark.kind == TimelineMark::Kind::Lost) {
                shapes.rect(rect, m_lostColor); // rare: one per gap, no merging needed
                ++gaps;
            } else {
                if (std::abs(rect.center().x() - lane.lastFlagX) < 1.0)
                    continue;
                lane.lastFlagX = rect.center().x();
                shapes.rect(rect, m_stealColor);
                const QPointF top(rect.center().x(), rect.top());
                shapes.triangle(top, top + QPointF(5, 0), top + QPointF(0, 4), m_stealColor);
            }
        }
        for (const MarkLane &lane : markLanes) {
            if (lane.parkOpen)
                shapes.rect(lane.park, m_parkColor);
        }
        const auto &openParks = data.openParks();
        for (std::size_t worker = 0; worker < openParks.size(); ++worker) {
            if (openParks[worker] < 0 || openParks[worker] > endNs)
                continue;
            const TimelineMark open{openParks[worker], latest, int(worker), -1, 0, TimelineMark::Kind::Park};
            shapes.rect(markRect(open, endNs, m_windowSeconds, w, m_laneHeight), m_parkColor);
        }

        // The selected task: an outline around each of its polls wide enough to show one, a
        // bar under the narrow ones (outlines of tiny polls would only paint the lane over).
        for (const QRectF &rect : selectedRects) {
            if (rect.width() < s_minimumOutlinedWidth) {
                shapes.rect(QRectF(rect.left(), rect.bottom() - 2 * s_outline, std::max(rect.width(), 1.0), 2 * s_outline),
                            m_highlightColor);
                continue;
            }
            const QRectF r = rect.adjusted(-1, -1, 1, 1);
            shapes.rect(QRectF(r.left(), r.top(), r.width(), s_outline), m_highlightColor);
            shapes.rect(QRectF(r.left(), r.bottom() - s_outline, r.width(), s_outline), m_highlightColor);
            shapes.rect(QRectF(r.left(), r.top(), s_outline, r.height()), m_highlightColor);
            shapes.rect(QRectF(r.right() - s_outline, r.top(), s_outline, r.height()), m_highlightColor);
        }

        // Wake arrows of the hovered (or selected) task: from where the wake happened (the
        // waker's lane, or the top edge for a timer or an outside wake) to the poll it caused.
        if (focus != 0) {
            std::sort(focusSlices.begin(), focusSlices.end(),
                      [](const TimelineSlice &a, const TimelineSlice &b) { return a.startNs < b.startNs; });
            const auto &wakes = data.wakes();
            auto wake = std::partition_point(wakes.begin(), wakes.end(),
                                             [windowStart](const TimelineWake &x) { return x.timeNs < windowStart; });
            std::size_t drawn = 0;
            for (; wake != wakes.end() && wake->timeNs <= endNs && drawn < s_maxArrows; ++wake) {
                if (qint64(wake->task) != focus)
                    continue;
                const auto next = std::lower_bound(focusSlices.begin(), focusSlices.end(), wake->timeNs,
                                                   [](const TimelineSlice &s, std::int64_t t) { return s.startNs < t; });
                if (next == focusSlices.end())
                    continue;
                const QRectF target = sliceRect(*next, endNs, m_windowSeconds, w, m_laneHeight);
                const double x = w - double(endNs - wake->timeNs) / (m_windowSeconds * 1e9) * w;
                const QPointF from(x, wake->worker >= 0 ? laneTop(wake->worker, m_laneHeight) + m_laneHeight / 2 : 0.0);
                QPointF to(target.left(), target.center().y());
                if (std::abs(to.y() - from.y()) < 1.0)
                    to.setY(target.top()); // same lane: point at the slice's top corner
                shapes.arrow(from, to, s_arrowWidth, s_arrowHead, m_highlightColor);
                ++drawn;
            }
        }
    }
    m_shapeCount = int(shapes.rects.size() + shapes.triangles.size());
    QSGNode *node = nullptr;
    if (window() && window()->rendererInterface()->graphicsApi() == QSGRendererInterface::Software) {
        // The software backend draws no geometry nodes: paint the same shapes with QPainter.
        auto *painted = static_cast<TimelineSoftwareNode *>(oldNode);
        if (!painted)
            painted = new TimelineSoftwareNode(window());
        painted->setShapes(std::move(shapes), size());
        node = painted;
    } else {
        auto *geometryNode = static_cast<QSGGeometryNode *>(oldNode);
        if (!geometryNode) {
            geometryNode = new QSGGeometryNode;
            auto *geometry = new QSGGeometry(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
            geometry->setDrawingMode(QSGGeometry::DrawTriangles);
            geometryNode->setGeometry(geometry);
            geometryNode->setFlag(QSGNode::OwnsGeometry);
            geometryNode->setMaterial(new QSGVertexColorMaterial);
            geometryNode->setFlag(QSGNode::OwnsMaterial);
        }
        QSGGeometry *geometry = geometryNode->geometry();
        geometry->allocate(shapes.vertexCount());
        shapes.toVertices(geometry->vertexDataAsColoredPoint2D());
        geometryNode->markDirty(QSGNode::DirtyGeometry);
        node = geometryNode;
    }
    if (count != m_sliceCount) {
        m_sliceCount = count;
        QMetaObject::invokeMethod(this, &TimelineItem::sliceCountChanged, Qt::QueuedConnection);
    }
    if (gaps != m_gapCount) {
        m_gapCount = gaps;
        QMetaObject::invokeMethod(this, &TimelineItem::gapCountChanged, Qt::QueuedConnection);
    }
    return node;
}

void TimelineItem::mousePressEvent(QMouseEvent *event)
{
    m_pressPosition = event->position();
    m_pressPan = m_panSeconds;
    m_dragging = false;
    event->accept();
}

void TimelineItem::mouseMoveEvent(QMouseEvent *event)
{
    const double dx = event->position().x() - m_pressPosition.x();
    if (!m_dragging && std::abs(dx) < 4)
        return;
    m_dragging = true;
    // Dragging to the right brings older time into view.
    if (width() > 0)
        setPanSeconds(m_pressPan + dx / width() * m_windowSeconds);
}

void TimelineItem::mouseReleaseEvent(QMouseEvent *event)
{
    if (!m_dragging) {
        const qint64 task = taskAt(event->position());
        setSelectedTask(task);
        emit taskClicked(task);
    }
    m_dragging = false;
}

void TimelineItem::mouseDoubleClickEvent(QMouseEvent *event)
{
    setPanSeconds(0); // back to the live edge
    event->accept();
}

void TimelineItem::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y();
    if (steps == 0) {
        event->ignore();
        return;
    }
    zoomAt(event->position().x(), std::pow(0.8, double(steps) / 120.0));
    event->accept();
}

void TimelineItem::hoverMoveEvent(QHoverEvent *event)
{
    setHoveredTask(taskAt(event->position()));
}

void TimelineItem::hoverLeaveEvent(QHoverEvent *)
{
    setHoveredTask(0);
}

} // namespace taskscope
