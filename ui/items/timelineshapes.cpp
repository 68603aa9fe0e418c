#include "items/timelineshapes.h"

#include <cmath>

namespace taskscope {

void TimelineShapes::arrow(QPointF from, QPointF to, double width, double head, const QColor &color)
{
    const QPointF delta = to - from;
    const double length = std::hypot(delta.x(), delta.y());
    if (length < 1.0)
        return;
    const QPointF along = delta / length;
    const QPointF across(-along.y(), along.x());
    const QPointF base = to - along * head;
    const QPointF half = across * (width / 2);
    triangle(from + half, base + half, from - half, color);
    triangle(base + half, base - half, from - half, color);
    triangle(to, base + across * (head / 2), base - across * (head / 2), color);
}

void TimelineShapes::toVertices(QSGGeometry::ColoredPoint2D *vertices) const
{
    const auto put = [&vertices](QPointF p, const QColor &color) {
        (vertices++)->set(float(p.x()), float(p.y()), uchar(color.red()), uchar(color.green()), uchar(color.blue()), 255);
    };
    for (const Rect &r : rects) {
        put(r.rect.topLeft(), r.color);
        put(r.rect.topRight(), r.color);
        put(r.rect.bottomLeft(), r.color);
        put(r.rect.topRight(), r.color);
        put(r.rect.bottomRight(), r.color);
        put(r.rect.bottomLeft(), r.color);
    }
    for (const Triangle &t : triangles) {
        put(t.a, t.color);
        put(t.b, t.color);
        put(t.c, t.color);
    }
}

} // namespace taskscope
