import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The circuit breaker's state machine as a diagram: the current state glows, and each
/// transition flashes its edge. Beside it what drives the transitions — the failure window
/// (robust) or the failure count (seed), the recovery countdown, the half-open probes — and
/// the calls' outcomes. The downstream failure rate slider reaches the running scenario.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property var parameters: root.controller.effectiveParameters
    readonly property bool seed: root.controller.variant === "seed"
    /// 0 closed, 1 open, 2 half-open (BreakerState's codes).
    readonly property int breakerState: root.counter("breaker state", 0)
    readonly property var stateNames: [qsTr("Closed"), qsTr("Open"), qsTr("Half-open")]
    readonly property var stateColors: [Theme.good, Theme.bad, Theme.caution]
    readonly property int windowFailures: root.counter("breaker failures", 0)
    readonly property int failureRatePercent: root.counter("breaker failure rate %", 0)
    readonly property real recoveryAtMs: root.counter("breaker recovery at ms", 0)
    readonly property real recoveryLeftMs: Math.max(0, root.recoveryAtMs - root.controller.elapsedMs)
    /// Where the breaker trips, as a fraction of the bar: the threshold rate (robust) or the
    /// whole bar at failure_threshold failures (seed).
    readonly property real tripFraction: root.seed ? 1 : (root.parameters["failure_rate_threshold"] ?? 0.5)
    readonly property real failureFraction: root.seed
        ? root.windowFailures / Math.max(1, root.parameters["failure_threshold"] ?? 5)
        : root.failureRatePercent / 100
    /// The latest instant handled, and the state it left the diagram in.
    property real lastMarkMs: -1
    property int shownState: 0

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    /// Flashes the edge of every transition traced since the last frame, in order.
    function followTransitions() {
        const marks = root.feed.instants("breaker ", 32) // newest first
        if (marks.length === 0) { // a reset
            root.lastMarkMs = -1
            root.shownState = 0
            return
        }
        const fresh = marks.filter(mark => mark.t > root.lastMarkMs).reverse()
        for (const mark of fresh) {
            const edge = root.edges[root.shownState + ">" + mark.value]
            if (edge)
                edge.flash()
            root.shownState = mark.value
        }
        if (fresh.length > 0)
            root.lastMarkMs = fresh[fresh.length - 1].t
    }

    readonly property var edges: ({"0>1": tripEdge, "1>2": timeoutEdge, "2>0": closeEdge, "2>1": reopenEdge})

    Connections {
        target: root.feed
        function onChanged() {
            root.followTransitions()
        }
    }

    // Inline components do not see this file's ids: what they show comes in as properties.
    component StateNode: Item {
        id: node

        required property string title
        required property bool current
        required property color tint

        // The glow: a halo that breathes while this is the current state.
        Rectangle {
            anchors.fill: parent
            anchors.margins: -Theme.px(8)
            radius: 14
            color: node.tint
            visible: node.current
            opacity: 0.3

            SequentialAnimation on opacity {
                running: node.current
                loops: Animation.Infinite
                NumberAnimation { to: 0.55; duration: 600; easing.type: Easing.InOutSine }
                NumberAnimation { to: 0.2; duration: 600; easing.type: Easing.InOutSine }
            }
        }
        Rectangle {
            anchors.fill: parent
            radius: 10
            color: node.current ? node.tint : Theme.laneBackground
            border.color: node.tint
            border.width: node.current ? 4 : 2

            Behavior on color {
                ColorAnimation { duration: 150 }
            }
        }
        Label {
            anchors.fill: parent
            anchors.margins: 4
            text: node.title
            color: node.current ? "#ffffff" : Theme.text
            font.pixelSize: Theme.px(22)
            font.bold: true
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.px(11)
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    /// A straight edge from x1 to x2 at y, with its head at x2 and a caption above or below.
    component StraightEdge: Item {
        id: edge

        required property real fromX
        required property real toX
        required property real atY
        required property string caption
        property bool captionBelow: false
        property color flashColor: Theme.highlight
        property real heat: 0
        readonly property color lineColor: Qt.tint(Theme.outline, Qt.rgba(edge.flashColor.r, edge.flashColor.g, edge.flashColor.b, edge.heat))

        function flash() {
            heatAnimation.restart()
        }

        NumberAnimation on heat {
            id: heatAnimation

            running: false
            from: 1
            to: 0
            duration: 400
        }
        Rectangle {
            // Up to the arrowhead, which the glyph below draws.
            x: edge.toX > edge.fromX ? edge.fromX : edge.toX + Theme.px(10)
            y: edge.atY - height / 2
            width: Math.abs(edge.toX - edge.fromX) - Theme.px(10)
            height: 3 + 4 * edge.heat
            color: edge.lineColor
        }
        Label {
            x: edge.toX > edge.fromX ? edge.toX - width + 2 : edge.toX - 2
            y: edge.atY - height / 2
            text: edge.toX > edge.fromX ? "▶" : "◀"
            color: edge.lineColor
            font.pixelSize: Theme.px(16)
        }
        Label {
            x: Math.min(edge.fromX, edge.toX)
            width: Math.abs(edge.toX - edge.fromX)
            y: edge.captionBelow ? edge.atY + Theme.px(6) : edge.atY - height - Theme.px(4)
            text: edge.caption
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: Theme.px(14)
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight
            opacity: 0.85
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(20)

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.px(6)

            Item {
                id: diagram

                // Room between the nodes for the edges' captions: at least a node's width.
                readonly property real nodeWidth: Math.min(Theme.px(150), diagram.width / 5)
                readonly property real nodeHeight: Theme.px(62)
                readonly property real gap: (diagram.width - 3 * diagram.nodeWidth) / 2
                readonly property real nodeTop: Theme.px(26)
                readonly property real nodeBottom: diagram.nodeTop + diagram.nodeHeight
                readonly property real xClosed: 0
                readonly property real xOpen: diagram.nodeWidth + diagram.gap
                readonly property real xHalf: 2 * (diagram.nodeWidth + diagram.gap)

                Layout.fillWidth: true
                Layout.preferredHeight: diagram.nodeBottom + Theme.px(56)
                Layout.minimumWidth: Theme.px(300)

                Repeater {
                    model: 3

                    StateNode {
                        required property int index

                        objectName: "stateNode"
                        x: [diagram.xClosed, diagram.xOpen, diagram.xHalf][index]
                        y: diagram.nodeTop
                        width: diagram.nodeWidth
                        height: diagram.nodeHeight
                        title: root.stateNames[index]
                        current: root.breakerState === index
                        tint: root.stateColors[index]
                    }
                }

                StraightEdge {
                    id: tripEdge

                    fromX: diagram.xClosed + diagram.nodeWidth + 4
                    toX: diagram.xOpen - 4
                    atY: diagram.nodeTop + diagram.nodeHeight * 0.5
                    caption: root.seed ? qsTr("%1 failures").arg(root.parameters["failure_threshold"] ?? 5)
                                       : qsTr("≥ %1 % fail").arg(Math.round(100 * root.tripFraction))
                    flashColor: Theme.bad
                }
                StraightEdge {
                    id: timeoutEdge

                    fromX: diagram.xOpen + diagram.nodeWidth + 4
                    toX: diagram.xHalf - 4
                    atY: diagram.nodeTop + diagram.nodeHeight * 0.28
                    // Short enough for one line between the nodes at 1280 px.
                    caption: {
                        const ms = root.parameters["recovery_timeout_ms"] ?? 1000
                        return ms >= 1000 ? qsTr("after %1 s").arg(ms / 1000) : qsTr("after %1 ms").arg(ms)
                    }
                    flashColor: Theme.caution
                }
                StraightEdge {
                    id: reopenEdge

                    fromX: diagram.xHalf - 4
                    toX: diagram.xOpen + diagram.nodeWidth + 4
                    atY: diagram.nodeTop + diagram.nodeHeight * 0.72
                    caption: qsTr("a probe fails")
                    captionBelow: true
                    flashColor: Theme.bad
                }
                // Half-open → closed: around underneath.
                Item {
                    id: closeEdge

                    property real heat: 0
                    readonly property color lineColor: Qt.tint(Theme.outline, Qt.rgba(Theme.good.r, Theme.good.g, Theme.good.b, closeEdge.heat))
                    readonly property real thickness: 3 + 4 * closeEdge.heat
                    readonly property real fromX: diagram.xHalf + diagram.nodeWidth / 2
                    readonly property real toX: diagram.xClosed + diagram.nodeWidth / 2
                    readonly property real lowY: diagram.nodeBottom + Theme.px(22)

                    function flash() {
                        closeHeat.restart()
                    }

                    anchors.fill: parent

                    NumberAnimation on heat {
                        id: closeHeat

                        running: false
                        from: 1
                        to: 0
                        duration: 400
                    }
                    Rectangle {
                        x: closeEdge.fromX - width / 2
                        y: diagram.nodeBottom + 2
                        width: closeEdge.thickness
                        height: closeEdge.lowY - y
                        color: closeEdge.lineColor
                    }
                    Rectangle {
                        x: closeEdge.toX
                        y: closeEdge.lowY - height / 2
                        width: closeEdge.fromX - closeEdge.toX
                        height: closeEdge.thickness
                        color: closeEdge.lineColor
                    }
                    Rectangle {
                        x: closeEdge.toX - width / 2
                        y: diagram.nodeBottom + Theme.px(12)
                        width: closeEdge.thickness
                        height: closeEdge.lowY - y
                        color: closeEdge.lineColor
                    }
                    Label {
                        x: closeEdge.toX - width / 2
                        y: diagram.nodeBottom - Theme.px(2)
                        text: "▲"
                        color: closeEdge.lineColor
                        font.pixelSize: Theme.px(16)
                    }
                    Label {
                        x: closeEdge.toX + Theme.px(20)
                        width: closeEdge.fromX - closeEdge.toX - Theme.px(40)
                        y: closeEdge.lowY + Theme.px(4)
                        text: root.seed ? qsTr("any call succeeds") : qsTr("%n probe(s) succeed", "", root.parameters["half_open_probes"] ?? 1)
                        horizontalAlignment: Text.AlignHCenter
                        font.pixelSize: Theme.px(13)
                        opacity: 0.85
                    }
                }
            }

            // The live downstream failure rate.
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.px(10)

                Label {
                    text: qsTr("Downstream fails")
                    font.pixelSize: Theme.px(16)
                }
                Slider {
                    id: failureRate

                    objectName: "failureRateSlider"
                    Layout.fillWidth: true
                    from: 0
                    to: 1
                    stepSize: 0.05
                    value: root.parameters["downstream_failure_rate"] ?? 0.5
                    onMoved: root.controller.setParameter("downstream_failure_rate", failureRate.value)
                }
                Label {
                    text: qsTr("%1 %").arg(Math.round(failureRate.value * 100))
                    font.pixelSize: Theme.px(22)
                    font.bold: true
                    color: failureRate.value > 0.5 ? Theme.bad : Theme.text
                    Layout.preferredWidth: Theme.px(70)
                }
            }
            // What trips it, over time: where there is room (the tab is short on 720 px).
            Label {
                Layout.fillWidth: true
                visible: root.height > Theme.px(340)
                text: root.seed ? qsTr("Failure count, last 10 s — dashed: threshold")
                                : qsTr("Failure rate in the window (%), last 10 s — dashed: threshold")
                font.pixelSize: Theme.px(15)
                opacity: 0.8
                elide: Text.ElideRight
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: Theme.px(40)
                visible: root.height > Theme.px(340)
                color: Theme.laneBackground
                radius: 4

                LevelPlot {
                    id: failurePlot

                    anchors.fill: parent
                    anchors.margins: 4
                    state: root.feed
                    counter: root.seed ? "breaker failures" : "breaker failure rate %"
                    windowMs: 10000
                    endMs: root.controller.elapsedMs
                    maximum: root.seed ? (root.parameters["failure_threshold"] ?? 5) * 1.2 : 105
                    limit: root.seed ? (root.parameters["failure_threshold"] ?? 5) : 100 * root.tripFraction
                    lineColor: Theme.bad
                    fillColor: Theme.over(Theme.bad, 0.25)
                    limitColor: Theme.outline
                    lineWidth: Theme.px(3)
                }
            }
            Item {
                Layout.fillHeight: true
                visible: root.height <= Theme.px(340)
            }
        }

        // What drives the transitions.
        ColumnLayout {
            Layout.preferredWidth: Theme.px(290)
            Layout.minimumWidth: Theme.px(170)
            Layout.fillHeight: true
            spacing: Theme.px(8)

            Label {
                objectName: "breakerStateLabel"
                text: root.stateNames[root.breakerState]
                color: root.stateColors[root.breakerState]
                font.pixelSize: Theme.px(38)
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                text: root.seed ? qsTr("Failure count %1 of %2 (never reset while closed)").arg(root.windowFailures).arg(root.parameters["failure_threshold"] ?? 5)
                                : qsTr("Failures in window %1 of %2 · %3 %").arg(root.windowFailures).arg(root.parameters["window_size"] ?? 20).arg(root.failureRatePercent)
                font.pixelSize: Theme.px(15)
                wrapMode: Text.Wrap
            }
            // The failure bar, with the trip point marked.
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.px(16)
                color: Theme.laneBackground
                radius: 3

                Rectangle {
                    width: parent.width * Math.min(1, root.failureFraction)
                    height: parent.height
                    radius: 3
                    color: root.failureFraction >= root.tripFraction ? Theme.bad : Theme.caution

                    Behavior on width {
                        NumberAnimation { duration: 150 }
                    }
                }
                Rectangle {
                    x: parent.width * root.tripFraction - 1
                    y: -3
                    width: 3
                    height: parent.height + 6
                    color: Theme.text
                    visible: root.tripFraction < 1
                }
            }
            Label {
                Layout.fillWidth: true
                objectName: "recoveryLabel"
                visible: root.breakerState === 1
                text: root.recoveryLeftMs > 0 ? qsTr("Half-open in %1 s").arg((root.recoveryLeftMs / 1000).toFixed(1))
                                              : qsTr("Timeout over: the next call probes")
                font.pixelSize: Theme.px(18)
                font.bold: true
                color: Theme.caution
                wrapMode: Text.Wrap
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.preferredHeight: Theme.px(8)
                visible: root.breakerState === 1
                color: Theme.laneBackground
                radius: 3

                Rectangle {
                    width: parent.width * Math.min(1, root.recoveryLeftMs / Math.max(1, root.parameters["recovery_timeout_ms"] ?? 1000))
                    height: parent.height
                    radius: 3
                    color: Theme.caution
                }
            }
            Label {
                Layout.fillWidth: true
                visible: root.breakerState === 2 || root.counter("breaker half-open admitted", 0) > 0
                text: root.seed ? qsTr("Half-open probes in flight %1 · let through %2 (seed: every caller)")
                                  .arg(root.counter("breaker half-open in flight", 0)).arg(root.counter("breaker half-open admitted", 0))
                                : qsTr("Half-open probes in flight %1 of %2 · let through %3")
                                  .arg(root.counter("breaker half-open in flight", 0)).arg(root.parameters["half_open_probes"] ?? 1)
                                  .arg(root.counter("breaker half-open admitted", 0))
                font.pixelSize: Theme.px(15)
                wrapMode: Text.Wrap
            }
            Item {
                Layout.fillHeight: true
            }
        }

        ColumnLayout {
            // Wide enough for "Succeeded" and "Rejected" in full at 1280 px.
            Layout.preferredWidth: Theme.px(150)
            Layout.minimumWidth: Theme.px(112)
            Layout.fillHeight: true
            spacing: Theme.px(4)

            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "succeededCount"
                caption: qsTr("Succeeded")
                value: root.counter("breaker succeeded", 0)
                color: Theme.good
                size: 28
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "failedCount"
                caption: qsTr("Failed")
                value: root.counter("breaker failed", 0)
                color: Theme.bad
                size: 28
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "rejectedCount"
                caption: qsTr("Rejected")
                value: root.counter("breaker rejected", 0)
                color: Theme.idle
                size: 28
            }
            Item {
                Layout.fillHeight: true
            }
        }
    }
}
