#include "items/timelinesoftwarenode.h"

#include <QPainter>
#include <QQuickWindow>
#include <QSGRendererInterface>

namespace taskscope {

TimelineSoftwareNode::TimelineSoftwareNode(QQuickWindow *window)
    : m_window(window)
{
}

void TimelineSoftwareNode::setShapes(TimelineShapes shapes, const QSizeF &size)
{
    m_shapes = std::move(shapes);
    m_size = size;
    markDirty(DirtyMaterial);
}

void TimelineSoftwareNode::render(const RenderState *state)
{
    auto *painter = static_cast<QPainter *>(
        m_window->rendererInterface()->getResource(m_window, QSGRendererInterface::PainterResource));
    if (!painter)
        return;
    // The clip goes first: setClipRegion is in device coordinates until the transform is set.
    const QRegion *clip = state->clipRegion();
    if (clip && !clip->isEmpty())
        painter->setClipRegion(*clip, Qt::ReplaceClip);
    painter->setTransform(matrix()->toTransform());
    painter->setOpacity(inheritedOpacity());
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    for (const TimelineShapes::Rect &r : m_shapes.rects)
        painter->fillRect(r.rect, r.color);
    for (const TimelineShapes::Triangle &t : m_shapes.triangles) {
        painter->setBrush(t.color);
        const QPointF points[3] = {t.a, t.b, t.c};
        painter->drawConvexPolygon(points, 3);
    }
}

} // namespace taskscope
