#include "items/timelineitem.h"

#include "engine/enginecontroller.h"

#include <QSGGeometryNode>
#include <QSGVertexColorMaterial>

#include <algorithm>

namespace taskscope {

namespace {

constexpr double s_laneGap = 4.0;
constexpr double s_minimumSliceWidth = 1.0; // a very short poll is still visible

void appendRect(QSGGeometry::ColoredPoint2D *&vertex, const QRectF &rect, const QColor &color)
{
    const auto r = uchar(color.red()), g = uchar(color.green()), b = uchar(color.blue());
    const float left = float(rect.left()), right = float(rect.right());
    const float top = float(rect.top()), bottom = float(rect.bottom());
    // Two triangles.
    (vertex++)->set(left, top, r, g, b, 255);
    (vertex++)->set(right, top, r, g, b, 255);
    (vertex++)->set(left, bottom, r, g, b, 255);
    (vertex++)->set(right, top, r, g, b, 255);
    (vertex++)->set(right, bottom, r, g, b, 255);
    (vertex++)->set(left, bottom, r, g, b, 255);
}

} // namespace

TimelineItem::TimelineItem(QQuickItem *parent)
    : QQuickItem(parent)
{
    setFlag(ItemHasContents, true);
}

void TimelineItem::setController(EngineController *controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (m_controller)
        connect(m_controller, &EngineController::frameUpdated, this, &QQuickItem::update);
    emit controllerChanged();
    update();
}

void TimelineItem::setWindowSeconds(double seconds)
{
    seconds = std::clamp(seconds, 0.001, 3600.0);
    if (qFuzzyCompare(seconds, m_windowSeconds))
        return;
    m_windowSeconds = seconds;
    emit windowSecondsChanged();
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

QRectF TimelineItem::sliceRect(const TimelineSlice &slice, std::int64_t endNs, double windowSeconds, double width,
                               double laneHeight)
{
    const double windowNs = windowSeconds * 1e9;
    const double startNs = double(endNs) - windowNs;
    double left = (double(slice.startNs) - startNs) / windowNs * width;
    double right = (double(slice.endNs) - startNs) / windowNs * width;
    left = std::max(left, 0.0);
    right = std::min(std::max(right, left + s_minimumSliceWidth), width);
    const double top = slice.worker * (laneHeight + s_laneGap);
    return QRectF(left, top, right - left, laneHeight);
}

QSGNode *TimelineItem::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *)
{
    auto *node = static_cast<QSGGeometryNode *>(oldNode);
    if (!node) {
        node = new QSGGeometryNode;
        auto *geometry = new QSGGeometry(QSGGeometry::defaultAttributes_ColoredPoint2D(), 0);
        geometry->setDrawingMode(QSGGeometry::DrawTriangles);
        node->setGeometry(geometry);
        node->setFlag(QSGNode::OwnsGeometry);
        node->setMaterial(new QSGVertexColorMaterial);
        node->setFlag(QSGNode::OwnsMaterial);
    }
    QSGGeometry *geometry = node->geometry();
    int count = 0;
    if (m_controller) {
        const TimelineData &data = m_controller->timeline();
        const std::int64_t endNs = data.latestNs();
        const std::int64_t windowStart = endNs - std::int64_t(m_windowSeconds * 1e9);
        const auto &slices = data.slices();
        // Slices are in end-time order per worker and nearly so overall: skip the old ones.
        auto first = std::partition_point(slices.begin(), slices.end(),
                                          [windowStart](const TimelineSlice &s) { return s.endNs < windowStart; });
        std::vector<TimelineSlice> visible(first, slices.end());
        for (const TimelineSlice &open : data.openSlices()) {
            if (open.task != 0)
                visible.push_back(TimelineSlice{open.startNs, endNs, open.task, open.worker});
        }
        // Level of detail: polls that touch within a pixel on the same lane merge into one
        // rectangle (coloured by the first), so 100k polls in view cost a few thousand
        // rectangles, not 100k.
        struct Pending
        {
            QRectF rect;
            QColor color;
            bool open = false;
        };
        std::vector<Pending> lanes;
        std::vector<std::pair<QRectF, QColor>> rects;
        rects.reserve(std::min<std::size_t>(visible.size(), 4096));
        for (const TimelineSlice &slice : visible) {
            const QRectF rect = sliceRect(slice, endNs, m_windowSeconds, width(), m_laneHeight);
            if (std::size_t(slice.worker) >= lanes.size())
                lanes.resize(std::size_t(slice.worker) + 1);
            Pending &lane = lanes[std::size_t(slice.worker)];
            if (lane.open && rect.left() <= lane.rect.right() + 1.0) {
                lane.rect.setRight(std::max(lane.rect.right(), rect.right()));
                continue;
            }
            if (lane.open)
                rects.emplace_back(lane.rect, lane.color);
            lane = {rect, TimelineData::colorOf(slice.task), true};
        }
        for (const Pending &lane : lanes) {
            if (lane.open)
                rects.emplace_back(lane.rect, lane.color);
        }
        geometry->allocate(int(rects.size() * 6));
        auto *vertex = geometry->vertexDataAsColoredPoint2D();
        for (const auto &[rect, color] : rects)
            appendRect(vertex, rect, color);
        count = int(visible.size());
    } else {
        geometry->allocate(0);
    }
    node->markDirty(QSGNode::DirtyGeometry);
    if (count != m_sliceCount) {
        m_sliceCount = count;
        QMetaObject::invokeMethod(this, &TimelineItem::sliceCountChanged, Qt::QueuedConnection);
    }
    return node;
}

} // namespace taskscope
