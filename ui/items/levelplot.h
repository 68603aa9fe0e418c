#pragma once

#include "engine/patternstate.h"

#include <QColor>
#include <QPointer>
#include <QQuickItem>
#include <QtQml/qqmlregistration.h>

#include <cmath>

namespace taskscope {

/// A counter's level over time, for the pattern pages: the latest `windowMs` of one
/// PatternState counter as a step line over a filled area, scrolling in from the right, with an
/// optional limit line (a bucket's capacity, a queue's size).
///
/// Why a scene-graph item and not Qt Charts: the data already sits in PatternState, one
/// deque per counter, and this item reads it in place once per frame into one batched node
/// (a few thousand rectangles at most). A ChartView would need its own copy of every point
/// pushed through QML (a LineSeries append per sample, a JS loop per frame), a second QML
/// module and package at run time (qml6-module-qtcharts), and it draws through its own
/// QGraphicsScene-backed renderer: with four plots ticking at display rate that is the first
/// thing to stutter on a laptop's software renderer. Lines are thin rectangles rather than a
/// GL line strip because a line strip is one pixel wide on most drivers, which nobody reads
/// from the back of a room.
class LevelPlot : public QQuickItem
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(taskscope::PatternState *state READ state WRITE setState NOTIFY stateChanged)
    /// The counter's name, as the engine traces it ("bucket tokens").
    Q_PROPERTY(QString counter READ counter WRITE setCounter NOTIFY counterChanged)
    /// How much time the width shows (ms).
    Q_PROPERTY(double windowMs READ windowMs WRITE setWindowMs NOTIFY windowMsChanged)
    /// The time at the right edge (ms, runtime clock); 0 follows the latest event.
    Q_PROPERTY(double endMs READ endMs WRITE setEndMs NOTIFY endMsChanged)
    /// The value at the bottom and at the top; when maximum ≤ minimum the top follows the
    /// counter's peak (and the limit).
    Q_PROPERTY(double minimum READ minimum WRITE setMinimum NOTIFY rangeChanged)
    Q_PROPERTY(double maximum READ maximum WRITE setMaximum NOTIFY rangeChanged)
    /// A horizontal reference line (NaN: none).
    Q_PROPERTY(double limit READ limit WRITE setLimit NOTIFY rangeChanged)
    Q_PROPERTY(QColor lineColor MEMBER m_lineColor NOTIFY colorsChanged)
    /// Opaque: the item draws no transparency (blend it with the background in QML).
    Q_PROPERTY(QColor fillColor MEMBER m_fillColor NOTIFY colorsChanged)
    Q_PROPERTY(QColor limitColor MEMBER m_limitColor NOTIFY colorsChanged)
    Q_PROPERTY(double lineWidth MEMBER m_lineWidth NOTIFY colorsChanged)
    /// The top of the scale in the last frame (for the axis label).
    Q_PROPERTY(double shownMaximum READ shownMaximum NOTIFY shownChanged)
    /// Samples drawn in the last frame.
    Q_PROPERTY(int sampleCount READ sampleCount NOTIFY shownChanged)

public:
    explicit LevelPlot(QQuickItem *parent = nullptr);

    [[nodiscard]] PatternState *state() const { return m_state; }
    void setState(PatternState *state);
    [[nodiscard]] QString counter() const { return m_counter; }
    void setCounter(const QString &counter);
    [[nodiscard]] double windowMs() const { return m_windowMs; }
    void setWindowMs(double windowMs);
    [[nodiscard]] double endMs() const { return m_endMs; }
    void setEndMs(double endMs);
    [[nodiscard]] double minimum() const { return m_minimum; }
    void setMinimum(double minimum);
    [[nodiscard]] double maximum() const { return m_maximum; }
    void setMaximum(double maximum);
    [[nodiscard]] double limit() const { return m_limit; }
    void setLimit(double limit);
    [[nodiscard]] double shownMaximum() const { return m_shownMaximum; }
    [[nodiscard]] int sampleCount() const { return m_sampleCount; }

signals:
    void stateChanged();
    void counterChanged();
    void windowMsChanged();
    void endMsChanged();
    void rangeChanged();
    void colorsChanged();
    void shownChanged();

protected:
    QSGNode *updatePaintNode(QSGNode *oldNode, UpdatePaintNodeData *data) override;

private:
    /// Re-reads the counter (GUI thread): the scale and the count, then schedules a frame.
    void refresh();
    [[nodiscard]] double rightEdgeMs() const;

    QPointer<PatternState> m_state;
    QMetaObject::Connection m_stateConnection;
    QString m_counter;
    double m_windowMs = 10000;
    double m_endMs = 0;
    double m_minimum = 0;
    double m_maximum = 0;
    double m_limit = std::nan("");
    QColor m_lineColor{0x26, 0xc6, 0xda};
    QColor m_fillColor{0x1f, 0x3a, 0x40};
    QColor m_limitColor{0x90, 0x90, 0x90};
    double m_lineWidth = 3;
    double m_shownMaximum = 0;
    int m_sampleCount = 0;
};

} // namespace taskscope
