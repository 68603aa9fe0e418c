import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The seed's stream pipeline, source → map → filter → collect, as four boxes in a row with
/// numbered items travelling between them; each box counts what it has passed on (from the
/// trace's "stage …" counters), the filter drops the items it refuses, and the collected
/// result grows below. Every token and held item is labelled with the value its stage traced
/// ("stage … last"), never one worked out here. Then the guide's NumberStream prints its
/// numbers, all in one poll: it is always ready and never yields.
///
/// Why plain Qt Quick items: the page is a handful of boxes and a small, fixed pool of tokens
/// whose motion is a NumberAnimation on the scene graph's render thread — nothing is repainted
/// per frame as a Canvas would be, and there is no series to plot, which is what Qt Charts is for.
/// At full rate (no stage delay, a million items) the counts change by thousands per frame:
/// the numbers stay exact and only a sample of the items is animated, at most one token per
/// stage every tokenSpacingMs, labelled "+n" when it stands for several items.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property int items: root.controller.effectiveParameters["items"] ?? 10
    readonly property int multiply: root.controller.effectiveParameters["multiply"] ?? 2
    readonly property int keepAbove: root.controller.effectiveParameters["keep_above"] ?? 5
    readonly property int stageDelayMs: root.controller.effectiveParameters["stage_delay_ms"] ?? 0
    // What each stage has passed on so far, as the trace counted it.
    readonly property real produced: root.counter("stage iter", 0)
    readonly property real mapped: root.counter("stage map", 0)
    readonly property real passed: root.counter("stage filter", 0)
    readonly property real dropped: root.counter("stage filter dropped", 0)
    readonly property real collected: root.counter("stage collect", 0)
    // The item each stage passed on last, traced by the stage itself before its count.
    readonly property real lastProduced: root.counter("stage iter last", 0)
    readonly property real lastMapped: root.counter("stage map last", 0)
    readonly property real lastDropped: root.counter("stage filter dropped last", 0)
    readonly property real lastCollected: root.counter("stage collect last", 0)
    /// PatternState keeps this many instants (PatternState::instantCapacity): ask for all.
    readonly property int instantCapacity: 256
    /// The numbers NumberStream's loop printed so far, oldest first (from the trace's instants;
    /// the revision is in the expression so that it re-reads on every drained frame).
    readonly property var printedNumbers: root.feed.revision >= 0
                                          ? root.feed.instants("number stream printed", root.instantCapacity).reverse().map(mark => mark.value)
                                          : []
    // Items pass one at a time, pulled by collect: an item the source gave and the map has
    // not finished is inside the map (sleeping stage_delay_ms), and likewise for the filter.
    readonly property real inMap: Math.max(0, root.produced - root.mapped)
    readonly property real inFilter: Math.max(0, root.mapped - root.passed - root.dropped)
    /// The run's result once it has finished (the scenario's metrics), else empty.
    readonly property var metrics: root.controller.metrics
    readonly property bool finished: root.metrics["count"] !== undefined
    /// A new token on the same stage edge waits at least this long: a sample, not every item.
    readonly property int tokenSpacingMs: 110
    /// How long a token takes from one stage to the next.
    readonly property int tokenTravelMs: 170
    /// Values shown in the result strip while the run goes on ("…" where items went by unseen).
    property var growingResult: []
    /// The strip keeps the newest this many while running (the finished result shows 100).
    readonly property int maxGrowing: 60

    // The counts seen at the last frame: a token flies for each stage whose count went up.
    property real seenProduced: 0
    property real seenMapped: 0
    property real seenPassed: 0
    property real seenDropped: 0
    property real seenCollected: 0
    /// When each edge last sent a token (Date.now() ms, by edge name).
    property var lastLaunch: ({})
    /// The next token of the pool to send (round robin).
    property int nextFlyer: 0

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    /// Compares this frame's counts with the last and sends the tokens; a reset starts over.
    function takeFrame() {
        if (root.produced < root.seenProduced || root.collected < root.seenCollected) {
            root.seenProduced = root.seenMapped = root.seenPassed = root.seenDropped = root.seenCollected = 0
            root.growingResult = []
        }
        const dProduced = root.produced - root.seenProduced
        const dMapped = root.mapped - root.seenMapped
        const dPassed = root.passed - root.seenPassed
        const dDropped = root.dropped - root.seenDropped
        const dCollected = root.collected - root.seenCollected
        // An item's own value is known when one item moved on that edge this frame.
        if (dProduced > 0)
            root.launch("source", dProduced === 1 ? String(root.lastProduced) : root.several(dProduced), Theme.idle)
        if (dMapped > 0)
            root.launch("map", dMapped === 1 ? String(root.lastMapped) : root.several(dMapped), Theme.active)
        if (dDropped > 0)
            root.launch("drop", dDropped === 1 ? String(root.lastDropped) : root.several(dDropped), Theme.bad)
        if (dPassed > 0 || dCollected > 0) {
            const moved = Math.max(dPassed, dCollected)
            root.launch("filter", moved === 1 ? String(root.lastCollected) : root.several(moved), Theme.good)
        }
        if (dCollected > 0) {
            // The newest maxGrowing values; "…" stands where values went by unseen.
            let grown = root.growingResult.slice()
            if (dCollected > 1 && grown[grown.length - 1] !== "…")
                grown.push("…")
            grown.push(String(root.lastCollected))
            if (grown.length > root.maxGrowing)
                grown = ["…"].concat(grown.slice(grown.length - root.maxGrowing + 1))
            root.growingResult = grown
        }
        root.seenProduced = root.produced
        root.seenMapped = root.mapped
        root.seenPassed = root.passed
        root.seenDropped = root.dropped
        root.seenCollected = root.collected
    }

    /// A token's label when it stands for @p count items: "+37", "+4.5k" (short, to fit a gap).
    function several(count: real): string {
        return count < 1000 ? "+" + count : "+" + (count / 1000).toFixed(count < 10000 ? 1 : 0) + "k"
    }

    /// Sends one token along @p edge ("source", "map", "filter": to the next stage; "drop":
    /// out of the filter), unless that edge sent one less than tokenSpacingMs ago.
    function launch(edge: string, label: string, tint: color) {
        const now = Date.now()
        if (now - (root.lastLaunch[edge] ?? 0) < root.tokenSpacingMs)
            return
        root.lastLaunch[edge] = now
        const flyer = flyers.itemAt(root.nextFlyer)
        root.nextFlyer = (root.nextFlyer + 1) % flyers.count
        if (!flyer)
            return
        flyer.label = label // first: its width depends on it, and the path on its width
        const from = edge === "source" ? sourceBox : edge === "map" ? mapBox : filterBox
        const to = edge === "source" ? mapBox : edge === "map" ? filterBox : collectBox
        const y = stageRow.height / 2 - flyer.height / 2
        // A dropped item falls out of the filter's bottom edge, away from its numbers.
        if (edge === "drop")
            flyer.fly(label, tint, filterBox.x + filterBox.width / 2 - flyer.width / 2, filterBox.height - flyer.height / 2,
                      filterBox.x + filterBox.width * 0.8 - flyer.width / 2, stageRow.height - flyer.height, root.tokenTravelMs)
        else
            flyer.fly(label, tint, from.x + from.width - flyer.width / 3, y, to.x - flyer.width * 2 / 3, y, root.tokenTravelMs)
    }

    Connections {
        target: root.feed
        function onChanged() {
            root.takeFrame()
        }
    }

    /// A numbered item: a pill with its value. An image of it (TokenImageProvider), not a
    /// Rectangle under a Label: a label over its own pill ends the scene graph's batch, so two
    /// dozen tokens in flight were up to 48 draw calls; as images sharing the atlas, one.
    component Token: Image {
        id: token

        property string label
        property color tint: Theme.active

        /// Shows @p text in @p tint and moves from (x0, y0) to (x1, y1) in @p ms, then fades.
        function fly(text: string, tint: color, x0: real, y0: real, x1: real, y1: real, ms: int) {
            motion.stop()
            token.label = text
            token.tint = tint
            token.x = x0
            token.y = y0
            moveX.from = x0
            moveX.to = x1
            moveY.from = y0
            moveY.to = y1
            moveX.duration = moveY.duration = ms
            motion.start()
        }

        width: Math.max(Theme.px(40), Math.ceil(labelMetrics.advanceWidth) + Theme.px(14))
        height: Theme.px(30)
        opacity: 0
        source: token.label.length === 0 ? ""
                                         : Theme.tokenImage(token.width, token.height, token.tint, Theme.background,
                                                            Theme.dark ? "#000000" : "#ffffff", token.label, Theme.px(15))
        sourceSize: Qt.size(token.width * Screen.devicePixelRatio, token.height * Screen.devicePixelRatio)

        TextMetrics {
            id: labelMetrics

            font.pixelSize: Theme.px(15)
            font.bold: true
            text: token.label
        }
        SequentialAnimation {
            id: motion

            PropertyAction { target: token; property: "opacity"; value: 1 }
            ParallelAnimation {
                NumberAnimation { id: moveX; target: token; property: "x"; easing.type: Easing.InOutQuad }
                NumberAnimation { id: moveY; target: token; property: "y"; easing.type: Easing.InOutQuad }
            }
            NumberAnimation { target: token; property: "opacity"; to: 0; duration: 90 }
        }
    }

    /// One stage: its name, what it does, the count of what it passed on, and the item inside.
    component StageBox: Rectangle {
        id: stage

        required property string title
        required property string operation
        required property string caption
        required property real count
        property color countColor: Theme.text
        /// A second, smaller count under the first (the filter's dropped items); -1 for none.
        property real extraCount: -1
        property string extraCaption: ""
        property color extraColor: Theme.bad
        /// The item in the stage now, "" when it is empty.
        property string holding: ""
        property color holdingColor: Theme.active

        radius: 10
        color: stage.holding.length > 0 ? Theme.over(stage.holdingColor, 0.22) : Theme.laneBackground
        border.color: stage.holding.length > 0 ? stage.holdingColor : Theme.outline
        border.width: stage.holding.length > 0 ? 3 : 2

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: Theme.px(8)
            spacing: 0

            Label {
                Layout.fillWidth: true
                text: stage.title
                font.pixelSize: Theme.px(18)
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
                elide: Text.ElideRight
            }
            Label {
                Layout.fillWidth: true
                // A short box (a small window) drops it: the line above the boxes says it too.
                visible: stage.height >= Theme.px(130)
                text: stage.operation
                font.pixelSize: Theme.px(15)
                font.family: "monospace"
                opacity: 0.8
                horizontalAlignment: Text.AlignHCenter
                elide: Text.ElideRight
            }
            Item {
                Layout.fillHeight: true
            }
            Label {
                Layout.fillWidth: true
                text: String(stage.count)
                color: stage.countColor
                // Large, but never pushing the captions out of a short box (a small window).
                font.pixelSize: Math.min(Theme.px(40), stage.height * 0.22)
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(12)
            }
            Label {
                Layout.fillWidth: true
                text: stage.caption
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                horizontalAlignment: Text.AlignHCenter
                elide: Text.ElideRight
            }
            Label {
                Layout.fillWidth: true
                visible: stage.extraCount >= 0
                text: qsTr("%1 %2").arg(stage.extraCount).arg(stage.extraCaption)
                color: stage.extraColor
                font.pixelSize: Theme.px(15)
                font.bold: true
                horizontalAlignment: Text.AlignHCenter
                elide: Text.ElideRight
            }
            Item {
                Layout.fillHeight: true
            }
        }
        // The item being worked on: the map sleeps stage_delay_ms with it.
        Rectangle {
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.top: parent.bottom
            anchors.topMargin: -height / 2
            visible: stage.holding.length > 0
            width: Math.max(Theme.px(40), holdingLabel.implicitWidth + Theme.px(14))
            height: Theme.px(30)
            radius: height / 2
            color: stage.holdingColor
            border.color: Theme.background
            border.width: 2

            Label {
                id: holdingLabel

                anchors.centerIn: parent
                text: stage.holding
                font.pixelSize: Theme.px(15)
                font.bold: true
                color: Theme.dark ? "#000000" : "#ffffff"
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(10)

        Label {
            Layout.fillWidth: true
            text: qsTr("iter(1…%1)  →  map(× %2)  →  filter(> %3)  →  collect   ·   one item at a time, pulled by collect%4")
                  .arg(root.items).arg(root.multiply).arg(root.keepAbove)
                  .arg(root.stageDelayMs > 0 ? qsTr(", the map sleeping %1 ms per item").arg(root.stageDelayMs) : "")
            font.pixelSize: Theme.px(15)
            opacity: 0.8
            elide: Text.ElideRight
        }

        // The four stages; tokens fly in the gaps between them, dropped ones fall out below.
        Item {
            id: stageRow

            /// The gap between two boxes, where the tokens travel.
            readonly property real gap: Math.max(Theme.px(64), stageRow.width * 0.1)
            readonly property real boxWidth: (stageRow.width - 3 * stageRow.gap) / 4
            readonly property real boxHeight: stageRow.height - Theme.px(44)

            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.preferredHeight: Theme.px(230)
            Layout.minimumHeight: Theme.px(140)
            Layout.maximumHeight: Theme.px(260)

            Repeater {
                model: 3

                Label {
                    required property int index

                    x: (stageRow.boxWidth + stageRow.gap) * (index + 1) - stageRow.gap / 2 - width / 2
                    y: stageRow.boxHeight / 2 - height / 2
                    text: "➜"
                    font.pixelSize: Theme.px(28)
                    opacity: 0.35
                }
            }
            StageBox {
                id: sourceBox

                objectName: "sourceStage"
                x: 0
                width: stageRow.boxWidth
                height: stageRow.boxHeight
                title: qsTr("Source")
                operation: qsTr("iter(1…%1)").arg(root.items)
                caption: qsTr("produced")
                count: root.produced
            }
            StageBox {
                id: mapBox

                objectName: "mapStage"
                x: stageRow.boxWidth + stageRow.gap
                width: stageRow.boxWidth
                height: stageRow.boxHeight
                title: qsTr("Map")
                operation: qsTr("× %1").arg(root.multiply)
                caption: qsTr("mapped")
                count: root.mapped
                countColor: Theme.active
                holding: root.inMap > 0 ? String(root.lastProduced) : ""
                holdingColor: Theme.active
            }
            StageBox {
                id: filterBox

                objectName: "filterStage"
                x: 2 * (stageRow.boxWidth + stageRow.gap)
                width: stageRow.boxWidth
                height: stageRow.boxHeight
                title: qsTr("Filter")
                operation: qsTr("> %1").arg(root.keepAbove)
                caption: qsTr("passed")
                count: root.passed
                countColor: Theme.good
                extraCount: root.dropped
                extraCaption: qsTr("dropped")
                holding: root.inFilter > 0 ? String(root.lastMapped) : ""
                holdingColor: Theme.caution
            }
            StageBox {
                id: collectBox

                objectName: "collectStage"
                x: 3 * (stageRow.boxWidth + stageRow.gap)
                width: stageRow.boxWidth
                height: stageRow.boxHeight
                title: qsTr("Collect")
                operation: qsTr("keeps all")
                caption: qsTr("collected")
                count: root.collected
                countColor: Theme.good
            }
            Repeater {
                id: flyers

                model: 24

                Token {
                    objectName: "flyingToken"
                }
            }
        }

        // The collected result: traced values while it runs, the scenario's result at the end.
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.px(16)

            Label {
                text: root.finished ? qsTr("Result") : qsTr("Collected so far")
                font.pixelSize: Theme.px(18)
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                objectName: "resultSummary"
                text: root.finished
                      ? qsTr("%1 items · sum %2 · %3 ms").arg(root.metrics["count"]).arg(root.metrics["sum"]).arg(root.metrics["elapsed_ms"])
                      : qsTr("%1 items").arg(root.collected)
                font.pixelSize: Theme.px(18)
                color: Theme.good
                elide: Text.ElideRight
            }
        }
        Rectangle {
            Layout.fillWidth: true
            // As tall as the values need, up to a few rows (the list can be 100 long).
            Layout.fillHeight: true
            Layout.preferredHeight: resultFlow.implicitHeight + Theme.px(16)
            Layout.minimumHeight: Theme.px(44)
            Layout.maximumHeight: Math.min(Theme.px(150), resultFlow.implicitHeight + Theme.px(16))
            color: Theme.laneBackground
            radius: 6
            clip: true

            Flow {
                id: resultFlow

                /// The values on show: the run's result (its first 100) once finished, else
                /// the traced ones so far.
                readonly property var shown: root.finished ? root.metrics["result"].map(value => String(value)) : root.growingResult

                objectName: "resultFlow"
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.top: parent.top
                anchors.margins: Theme.px(8)
                spacing: Theme.px(6)

                Repeater {
                    model: resultFlow.shown

                    Rectangle {
                        required property string modelData

                        width: Math.max(Theme.px(36), chipLabel.implicitWidth + Theme.px(12))
                        height: Theme.px(28)
                        radius: 5
                        color: modelData === "…" ? "transparent" : Theme.over(Theme.good, 0.35)
                        border.color: Theme.good
                        border.width: modelData === "…" ? 0 : 1

                        Label {
                            id: chipLabel

                            anchors.centerIn: parent
                            text: parent.modelData
                            font.pixelSize: Theme.px(15)
                            font.bold: true
                        }
                    }
                }
                Label {
                    id: moreLabel

                    /// Collected items past the result's first 100 (0 while running).
                    readonly property int more: root.finished ? root.metrics["count"] - root.metrics["result"].length : 0

                    visible: moreLabel.more > 0
                    text: qsTr("… and %1 more").arg(moreLabel.more)
                    font.pixelSize: Theme.px(15)
                    opacity: 0.8
                    height: Theme.px(28)
                    verticalAlignment: Text.AlignVCenter
                }
            }
        }
        Label {
            Layout.fillWidth: true
            objectName: "numberStreamLine"
            visible: root.printedNumbers.length > 0
            text: qsTr("Then the guide's NumberStream prints: %1").arg(root.printedNumbers.join(" "))
            font.pixelSize: Theme.px(15)
            elide: Text.ElideRight
        }
        Label {
            Layout.fillWidth: true
            visible: root.printedNumbers.length > 0
            text: qsTr("It is always ready and never yields, as in the guide: the whole loop is one poll. Raise “NumberStream count” and the task registry warns that it held its worker: that warning is the lesson.")
            font.pixelSize: Theme.px(14)
            opacity: 0.8
            wrapMode: Text.WordWrap
        }
        Item {
            Layout.fillHeight: true
        }
    }
}
