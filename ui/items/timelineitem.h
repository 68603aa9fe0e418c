#pragma once

#include "engine/enginecontroller.h"
#include "items/timelineruns.h"

#include <QColor>
#include <QPointer>
#include <QQuickItem>
#include <QRectF>
#include <QtQml/qqmlregistration.h>

namespace taskscope {

/// The scheduler timeline: one lane per worker, one slice per poll, coloured by task, the
/// latest `windowSeconds` of runtime time scrolling in from the right. Steals are marked with
/// a flagged bar, parked stretches with a thin line; the selected (or hovered) task's slices
/// are outlined and its wakes drawn as arrows to the poll they caused.
///
/// Drawn with batched scene-graph geometry (one vertex-coloured node for everything), so it
/// stays smooth with 100k slices; the setters only store and call update(). The wheel (or a
/// pinch, through zoomAt) zooms around the pointer, a drag pans back in time, a double click
/// follows the live edge again, and a click selects the task under the pointer.
class TimelineItem : public QQuickItem
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(taskscope::EngineController *controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(double windowSeconds READ windowSeconds WRITE setWindowSeconds NOTIFY windowSecondsChanged)
    /// How far the right edge is behind the live edge; 0 follows the run.
    Q_PROPERTY(double panSeconds READ panSeconds WRITE setPanSeconds NOTIFY panSecondsChanged)
    Q_PROPERTY(double laneHeight READ laneHeight WRITE setLaneHeight NOTIFY laneHeightChanged)
    /// The selected task (0: none): outlined, with its wake arrows.
    Q_PROPERTY(qint64 selectedTask READ selectedTask WRITE setSelectedTask NOTIFY selectedTaskChanged)
    /// The task under the pointer (0: none).
    Q_PROPERTY(qint64 hoveredTask READ hoveredTask NOTIFY hoveredTaskChanged)
    Q_PROPERTY(QColor stealColor MEMBER m_stealColor NOTIFY colorsChanged)
    /// The band under a stretch of lane whose trace events were lost (a full ring).
    Q_PROPERTY(QColor lostColor MEMBER m_lostColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor parkColor MEMBER m_parkColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor highlightColor MEMBER m_highlightColor NOTIFY colorsChanged)
    Q_PROPERTY(int sliceCount READ sliceCount NOTIFY sliceCountChanged)
    /// Stretches of lane in view whose events the trace lost (drawn as a band).
    Q_PROPERTY(int gapCount READ gapCount NOTIFY gapCountChanged)

public:
    static constexpr double laneGap = 4.0;

    explicit TimelineItem(QQuickItem *parent = nullptr);

    [[nodiscard]] EngineController *controller() const { return m_controller; }
    void setController(EngineController *controller);
    [[nodiscard]] double windowSeconds() const { return m_windowSeconds; }
    void setWindowSeconds(double seconds);
    [[nodiscard]] double panSeconds() const { return m_panSeconds; }
    void setPanSeconds(double seconds);
    [[nodiscard]] double laneHeight() const { return m_laneHeight; }
    void setLaneHeight(double height);
    [[nodiscard]] qint64 selectedTask() const { return m_selectedTask; }
    void setSelectedTask(qint64 task);
    [[nodiscard]] qint64 hoveredTask() const { return m_hoveredTask; }
    /// Slices in view in the last frame (before merging the ones closer than a pixel).
    [[nodiscard]] int sliceCount() const { return m_sliceCount; }
    [[nodiscard]] int gapCount() const { return m_gapCount; }
    /// Rectangles and triangles the last frame drew (after merging), for tests and the benchmark.
    [[nodiscard]] int shapeCount() const { return m_shapeCount; }

    /// Zooms by @p factor (< 1 zooms in) keeping the time under @p x where it is.
    Q_INVOKABLE void zoomAt(double x, double factor);
    /// The task whose slice is under @p position (0: none).
    Q_INVOKABLE qint64 taskAt(const QPointF &position) const;

    /// Where a slice goes in an item of @p width, for a window ending at @p endNs (pure: tested).
    [[nodiscard]] static QRectF sliceRect(const TimelineSlice &slice, std::int64_t endNs, double windowSeconds,
                                          double width, double laneHeight);
    /// Where a mark goes: a steal is a narrow bar over the upper half of its lane, a park a thin
    /// line through the middle of the lane over the time it slept.
    [[nodiscard]] static QRectF markRect(const TimelineMark &mark, std::int64_t endNs, double windowSeconds,
                                         double width, double laneHeight);
    /// The runtime time at @p x.
    [[nodiscard]] static std::int64_t timeAt(double x, std::int64_t endNs, double windowSeconds, double width);

signals:
    void controllerChanged();
    void windowSecondsChanged();
    void panSecondsChanged();
    void laneHeightChanged();
    void selectedTaskChanged();
    void hoveredTaskChanged();
    void colorsChanged();
    void sliceCountChanged();
    void gapCountChanged();
    /// A click on a slice (or on nothing: 0).
    void taskClicked(qint64 task);

protected:
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *data) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void hoverMoveEvent(QHoverEvent *event) override;
    void hoverLeaveEvent(QHoverEvent *event) override;

private:
    [[nodiscard]] std::int64_t viewEndNs() const;
    void setHoveredTask(qint64 task);
    /// A drained frame: repaints only if the timeline's data moved (a paused run drains
    /// nothing, and repainting 100k slices for nothing cost the software backend its frame).
    void dataMaybeChanged();

    QPointer<EngineController> m_controller;
    double m_windowSeconds = 2.0;
    double m_panSeconds = 0.0;
    double m_laneHeight = 28.0;
    qint64 m_selectedTask = 0;
    qint64 m_hoveredTask = 0;
    QColor m_stealColor{0xff, 0x52, 0x52};
    QColor m_lostColor{0x9a, 0x5b, 0x00};
    QColor m_parkColor{0x90, 0x90, 0x90};
    QColor m_highlightColor{0xff, 0xff, 0xff};
    int m_sliceCount = 0;
    int m_gapCount = 0;
    int m_shapeCount = 0;
    QPointF m_pressPosition;
    double m_pressPan = 0.0;
    bool m_dragging = false;
    // The render thread's, in updatePaintNode (the GUI thread waits meanwhile).
    TimelineRuns m_runs;
    const TimelineData *m_runsData = nullptr;
    std::uint64_t m_paintedRevision = ~std::uint64_t(0);
    std::int64_t m_paintedLatestNs = -1;
};

} // namespace taskscope
