#pragma once

#include "engine/enginecontroller.h"

#include <QPointer>
#include <QQuickItem>
#include <QRectF>
#include <QtQml/qqmlregistration.h>

namespace taskscope {


/// The scheduler timeline: one lane per worker, one slice per poll, coloured by task, the
/// latest `windowSeconds` of runtime time scrolling in from the right. Drawn with batched
/// scene-graph geometry (one vertex-coloured node for all slices), so it stays smooth with
/// many thousands of slices; the setters only store and call update().
class TimelineItem : public QQuickItem
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(taskscope::EngineController *controller READ controller WRITE setController NOTIFY controllerChanged)
    Q_PROPERTY(double windowSeconds READ windowSeconds WRITE setWindowSeconds NOTIFY windowSecondsChanged)
    Q_PROPERTY(double laneHeight READ laneHeight WRITE setLaneHeight NOTIFY laneHeightChanged)
    Q_PROPERTY(int sliceCount READ sliceCount NOTIFY sliceCountChanged)

public:
    explicit TimelineItem(QQuickItem *parent = nullptr);

    [[nodiscard]] EngineController *controller() const { return m_controller; }
    void setController(EngineController *controller);
    [[nodiscard]] double windowSeconds() const { return m_windowSeconds; }
    void setWindowSeconds(double seconds);
    [[nodiscard]] double laneHeight() const { return m_laneHeight; }
    void setLaneHeight(double height);
    /// Slices drawn in the last frame.
    [[nodiscard]] int sliceCount() const { return m_sliceCount; }

    /// Where a slice goes in an item of @p width, for a window ending at @p endNs (pure: tested).
    [[nodiscard]] static QRectF sliceRect(const TimelineSlice &slice, std::int64_t endNs, double windowSeconds,
                                          double width, double laneHeight);

signals:
    void controllerChanged();
    void windowSecondsChanged();
    void laneHeightChanged();
    void sliceCountChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *data) override;

private:
    QPointer<EngineController> m_controller;
    double m_windowSeconds = 2.0;
    double m_laneHeight = 28.0;
    int m_sliceCount = 0;
};

} // namespace taskscope
