#pragma once

#include "items/timelineshapes.h"

#include <QSGRenderNode>

class QQuickWindow;

namespace taskscope {

/// The timeline's node for the software scene-graph backend, which does not draw geometry
/// nodes: it paints the frame's shapes with the QPainter the backend hands to render nodes.
class TimelineSoftwareNode : public QSGRenderNode
{
public:
    explicit TimelineSoftwareNode(QQuickWindow *window);

    /// The next frame's shapes, in an item of @p size.
    void setShapes(TimelineShapes shapes, const QSizeF &size);

    void render(const RenderState *state) override;
    [[nodiscard]] StateFlags changedStates() const override { return {}; }
    [[nodiscard]] RenderingFlags flags() const override { return BoundedRectRendering; }
    [[nodiscard]] QRectF rect() const override { return QRectF(QPointF(0, 0), m_size); }

private:
    QQuickWindow *m_window;
    TimelineShapes m_shapes;
    QSizeF m_size;
};

} // namespace taskscope
