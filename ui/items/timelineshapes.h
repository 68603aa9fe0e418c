#pragma once

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QSGGeometry>

#include <vector>

namespace taskscope {

/// What the timeline draws in one frame: filled rectangles and triangles, in painting order
/// (rectangles first). The hardware path turns them into one vertex-coloured triangle list;
/// the software backend, which cannot draw geometry nodes, paints them with QPainter.
struct TimelineShapes
{
    struct Rect
    {
        QRectF rect;
        QColor color;
    };
    struct Triangle
    {
        QPointF a, b, c;
        QColor color;
    };

    std::vector<Rect> rects;
    std::vector<Triangle> triangles;

    void rect(const QRectF &rect, const QColor &color) { rects.push_back({rect, color}); }
    void triangle(QPointF a, QPointF b, QPointF c, const QColor &color) { triangles.push_back({a, b, c, color}); }
    /// A line from @p from to @p to, @p width wide, with a @p head long arrowhead at @p to.
    void arrow(QPointF from, QPointF to, double width, double head, const QColor &color);

    /// The number of vertices toVertices() writes.
    [[nodiscard]] int vertexCount() const { return int(rects.size() * 6 + triangles.size() * 3); }
    /// Writes every shape as triangles (rectangles as two) into @p vertices.
    void toVertices(QSGGeometry::ColoredPoint2D *vertices) const;
};

} // namespace taskscope
