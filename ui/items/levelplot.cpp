#include "items/levelplot.h"

#include "items/timelineshapes.h"
#include "items/timelinesoftwarenode.h"

#include <QQuickWindow>
#include <QSGGeometryNode>
#include <QSGRendererInterface>
#include <QSGVertexColorMaterial>

#include <algorithm>

namespace taskscope {

namespace {

/// The first sample to draw: the last one at or before @p startMs (its level holds into the
/// window), or the first one.
std::deque<CounterSample>::const_iterator firstShown(const std::deque<CounterSample> &samples, double startMs)
{
    auto first = std::partition_point(samples.begin(), samples.end(),
                                      [startMs](const CounterSample &s) { return s.timeMs <= startMs; });
    return first == samples.begin() ? first : std::prev(first);
}

/// Past the last sample to draw: the first one after @p endMs.
std::deque<CounterSample>::const_iterator pastShown(const std::deque<CounterSample> &samples, double endMs)
{
    return std::partition_point(samples.begin(), samples.end(), [endMs](const CounterSample &s) { return s.timeMs <= endMs; });
}

} // namespace

LevelPlot::LevelPlot(QQuickItem *parent)
    : QQuickItem(parent)
{
    setFlag(ItemHasContents, true);
}

void LevelPlot::setState(PatternState *state)
{
    if (state == m_state)
        return;
    disconnect(m_stateConnection);
    m_state = state;
    if (m_state)
        m_stateConnection = connect(m_state, &PatternState::changed, this, &LevelPlot::refresh);
    emit stateChanged();
    refresh();
}

void LevelPlot::setCounter(const QString &counter)
{
    if (counter == m_counter)
        return;
    m_counter = counter;
    emit counterChanged();
    refresh();
}

void LevelPlot::setWindowMs(double windowMs)
{
    windowMs = std::max(1.0, windowMs);
    if (qFuzzyCompare(windowMs, m_windowMs))
        return;
    m_windowMs = windowMs;
    emit windowMsChanged();
    refresh();
}

void LevelPlot::setEndMs(double endMs)
{
    if (qFuzzyCompare(endMs, m_endMs))
        return;
    m_endMs = endMs;
    emit endMsChanged();
    refresh();
}

void LevelPlot::setMinimum(double minimum)
{
    if (qFuzzyCompare(minimum, m_minimum))
        return;
    m_minimum = minimum;
    emit rangeChanged();
    refresh();
}

void LevelPlot::setMaximum(double maximum)
{
    if (qFuzzyCompare(maximum, m_maximum))
        return;
    m_maximum = maximum;
    emit rangeChanged();
    refresh();
}

void LevelPlot::setLimit(double limit)
{
    if (limit == m_limit || (std::isnan(limit) && std::isnan(m_limit)))
        return;
    m_limit = limit;
    emit rangeChanged();
    refresh();
}

double LevelPlot::rightEdgeMs() const
{
    if (m_endMs > 0)
        return m_endMs;
    return m_state ? m_state->latestMs() : 0.0;
}

void LevelPlot::refresh()
{
    double top = m_maximum;
    int count = 0;
    const std::deque<CounterSample> *samples = m_state ? m_state->series(m_counter) : nullptr;
    if (m_maximum <= m_minimum) {
        // Follow the peak, with a little headroom, and keep the limit line in view.
        top = m_minimum + 1;
        if (m_state && m_state->has(m_counter))
            top = std::max(top, m_state->peak(m_counter).toDouble() * 1.1);
        if (!std::isnan(m_limit))
            top = std::max(top, m_limit * 1.1);
    }
    if (samples) {
        const double endMs = rightEdgeMs();
        const auto first = firstShown(*samples, endMs - m_windowMs), last = pastShown(*samples, endMs);
        count = first < last ? int(std::distance(first, last)) : 0;
    }
    if (top != m_shownMaximum || count != m_sampleCount) {
        m_shownMaximum = top;
        m_sampleCount = count;
        emit shownChanged();
    }
    update();
}

QSGNode *LevelPlot::updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *)
{
    TimelineShapes shapes;
    const double w = width(), h = height();
    const std::deque<CounterSample> *samples = m_state ? m_state->series(m_counter) : nullptr;
    const double bottom = m_minimum, top = std::max(m_shownMaximum, m_minimum + 1e-9);
    const auto yOf = [&](double value) { return std::clamp(h - (value - bottom) / (top - bottom) * h, 0.0, h); };
    const double endMs = rightEdgeMs();
    const double startMs = endMs - m_windowMs;
    const auto xOf = [&](double timeMs) { return std::clamp((timeMs - startMs) / m_windowMs * w, 0.0, w); };
    const double half = m_lineWidth / 2;
    if (samples && !samples->empty() && w > 0 && h > 0) {
        const auto first = firstShown(*samples, startMs), last = pastShown(*samples, endMs);
        // The filled area first, then the line over it.
        for (auto it = first; it < last; ++it) {
            const auto next = std::next(it);
            const double x0 = xOf(it->timeMs), x1 = next == last ? xOf(endMs) : xOf(next->timeMs);
            const double y = yOf(it->value);
            if (x1 > x0)
                shapes.rect(QRectF(x0, y, x1 - x0, h - y), m_fillColor);
        }
        for (auto it = first; it < last; ++it) {
            const auto next = std::next(it);
            const double x0 = xOf(it->timeMs), x1 = next == last ? xOf(endMs) : xOf(next->timeMs);
            const double y = yOf(it->value);
            shapes.rect(QRectF(x0 - half, y - half, std::max(0.0, x1 - x0) + m_lineWidth, m_lineWidth), m_lineColor);
            if (it->high > it->low) { // a merged stretch: the range it covered
                const double yHigh = yOf(it->high), yLow = yOf(it->low);
                shapes.rect(QRectF(x0 - half, yHigh - half, m_lineWidth, yLow - yHigh + m_lineWidth), m_lineColor);
            }
            if (next != last) { // the step to the next level
                const double yNext = yOf(next->value);
                shapes.rect(QRectF(x1 - half, std::min(y, yNext) - half, m_lineWidth, std::abs(yNext - y) + m_lineWidth),
                            m_lineColor);
            }
        }
    }
    if (!std::isnan(m_limit) && w > 0) { // dashed
        const double y = yOf(m_limit);
        for (double x = 0; x < w; x += 16)
            shapes.rect(QRectF(x, y - 1, std::min(9.0, w - x), 2), m_limitColor);
    }

    if (window() && window()->rendererInterface()->graphicsApi() == QSGRendererInterface::Software) {
        // The software backend draws no geometry nodes: paint the same shapes with QPainter.
        auto *painted = static_cast<TimelineSoftwareNode *>(oldNode);
        if (!painted)
            painted = new TimelineSoftwareNode(window());
        painted->setShapes(std::move(shapes), size());
        return painted;
    }
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
    geometry->allocate(shapes.vertexCount());
    shapes.toVertices(geometry->vertexDataAsColoredPoint2D());
    node->markDirty(QSGNode::DirtyGeometry);
    return node;
}

} // namespace taskscope
