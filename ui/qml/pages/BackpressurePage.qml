import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// Producer → bounded queue → max_concurrent workers: the queue's slots fill and drain, the
/// in-flight slots show the items being processed, and the producer lights up when a full
/// queue holds it back. Then the processor's verdict: whether it has returned, how long before
/// its last item ended (the seed's detached items outlive it), the items that threw and how
/// many of those it reported. Below, the queue length and each item's latency over time.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property int capacity: root.controller.effectiveParameters["queue_capacity"] ?? 16
    readonly property int maxConcurrent: root.controller.effectiveParameters["max_concurrent"] ?? 4
    readonly property int queueLength: root.counter("queue length", 0)
    readonly property int inFlight: root.counter("in flight", 0)
    readonly property bool producerBlocked: root.counter("producer blocked", 0) > 0
    readonly property int latencyMs: root.counter("latency ms", 0)
    readonly property bool processorReturned: root.values["processor running"] === 0
    /// "–" before the processor has started, then running, returned (with the items it left running).
    readonly property string processorVerdict: {
        if (root.values["processor running"] === undefined)
            return "–"
        if (!root.processorReturned)
            return qsTr("running")
        return root.inFlight > 0 ? qsTr("returned, %1 still running").arg(root.inFlight) : qsTr("returned")
    }
    /// Known once the processor has returned: how long the items went on after it.
    readonly property var returnedBeforeDoneMs: root.values["returned before done ms"]
    readonly property int itemsFailed: root.counter("items failed", 0)
    readonly property int panicsReported: root.counter("panics reported", 0)
    readonly property int panicsUnreported: root.counter("panics lost", 0)
    /// At most this many boxes per row of slots; past it each box stands for several items.
    readonly property int maxBoxes: 24

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    component Stage: Rectangle {
        id: stage

        required property string title
        property string detail: ""
        property bool lit: false
        property color litColor: Theme.caution

        implicitWidth: Math.max(Theme.px(120), stageColumn.implicitWidth + Theme.px(24))
        implicitHeight: stageColumn.implicitHeight + Theme.px(16)
        radius: 8
        color: stage.lit ? Theme.over(stage.litColor, 0.35) : Theme.laneBackground
        border.color: stage.lit ? stage.litColor : Theme.outline
        border.width: stage.lit ? 3 : 2

        Behavior on color {
            ColorAnimation { duration: 150 }
        }
        Column {
            id: stageColumn

            anchors.centerIn: parent
            spacing: 2

            Label {
                anchors.horizontalCenter: parent.horizontalCenter
                text: stage.title
                font.pixelSize: Theme.px(18)
                font.bold: true
            }
            Label {
                anchors.horizontalCenter: parent.horizontalCenter
                text: stage.detail
                font.pixelSize: Theme.px(14)
                color: stage.lit ? stage.litColor : Theme.text
                opacity: stage.lit ? 1 : 0.75
            }
        }
    }

    component Arrow: Label {
        text: "➜"
        font.pixelSize: Theme.px(30)
        opacity: 0.7
    }

    /// A row of slots, `filled` of `total` taken; past maxBoxes, each box holds several.
    /// (Inline components do not see this file's ids: everything comes in as properties.)
    component Slots: Flow {
        id: slotRow

        required property int total
        required property int filled
        required property color fillColor
        required property string slotName
        required property int maxBoxes
        readonly property int boxes: Math.min(slotRow.total, slotRow.maxBoxes)
        readonly property real perBox: slotRow.total / Math.max(1, slotRow.boxes)

        spacing: Theme.px(4)

        Repeater {
            model: slotRow.boxes

            Rectangle {
                id: box

                required property int index
                /// Whether this slot holds an item now.
                readonly property bool taken: box.index < Math.ceil(slotRow.filled / slotRow.perBox)

                objectName: slotRow.slotName
                width: Theme.px(22)
                height: Theme.px(34)
                radius: 3
                color: box.taken ? slotRow.fillColor : "transparent"
                border.color: box.taken ? slotRow.fillColor : Theme.outline
                border.width: 2

                Behavior on color {
                    ColorAnimation { duration: 150 }
                }
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(10)

        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.px(12)

            Stage {
                objectName: "producerStage"
                title: qsTr("Producer")
                detail: root.producerBlocked ? qsTr("waiting: queue full") : qsTr("sending")
                lit: root.producerBlocked
            }
            Arrow {}
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2

                Label {
                    text: qsTr("Queue  %1 / %2").arg(root.queueLength).arg(root.capacity)
                    font.pixelSize: Theme.px(18)
                    font.bold: true
                    color: root.queueLength >= root.capacity ? Theme.caution : Theme.text
                }
                Slots {
                    id: queueSlots

                    objectName: "queueSlots"
                    Layout.fillWidth: true
                    total: root.capacity
                    filled: root.queueLength
                    fillColor: root.queueLength >= root.capacity ? Theme.caution : Theme.active
                    slotName: "queueSlot"
                    maxBoxes: root.maxBoxes
                }
            }
            Arrow {}
            ColumnLayout {
                Layout.preferredWidth: Math.min(root.maxConcurrent, root.maxBoxes) * Theme.px(26) + Theme.px(4)
                Layout.minimumWidth: Theme.px(150)
                spacing: 2

                Label {
                    text: qsTr("Workers  %1 / %2").arg(root.inFlight).arg(root.maxConcurrent)
                    font.pixelSize: Theme.px(18)
                    font.bold: true
                }
                Slots {
                    objectName: "workerSlots"
                    Layout.fillWidth: true
                    total: root.maxConcurrent
                    filled: root.inFlight
                    fillColor: Theme.good
                    slotName: "workerSlot"
                    maxBoxes: root.maxBoxes
                }
            }
        }

        // The processor's verdict: did it wait for its items, and did it hear of their panics?
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.px(16)

            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                Layout.preferredWidth: 1 // five equal columns, whatever their captions
                objectName: "processorState"
                caption: qsTr("Processor")
                value: root.processorVerdict
                color: root.processorReturned && root.inFlight > 0 ? Theme.bad : Theme.text
                size: 24
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                Layout.preferredWidth: 1 // five equal columns, whatever their captions
                objectName: "returnedBeforeDone"
                caption: qsTr("Returned early")
                value: root.returnedBeforeDoneMs === undefined ? "–" : qsTr("%1 ms").arg(root.returnedBeforeDoneMs)
                color: (root.returnedBeforeDoneMs ?? 0) > 0 ? Theme.bad : Theme.text
                size: 24
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                Layout.preferredWidth: 1 // five equal columns, whatever their captions
                objectName: "itemsFailed"
                caption: qsTr("Panicked")
                value: root.itemsFailed
                color: root.itemsFailed > 0 ? Theme.caution : Theme.text
                size: 24
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                Layout.preferredWidth: 1 // five equal columns, whatever their captions
                objectName: "panicsReported"
                caption: qsTr("Panics reported")
                value: root.panicsReported
                color: root.panicsReported > 0 ? Theme.good : Theme.text
                size: 24
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                Layout.preferredWidth: 1 // five equal columns, whatever their captions
                objectName: "panicsUnreported"
                caption: qsTr("Panics lost")
                value: root.panicsUnreported
                color: root.panicsUnreported > 0 ? Theme.bad : Theme.text
                size: 24
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.px(16)

            // A fixed model; what changes is bound in the delegate. (With the live values in
            // the model, both plots were destroyed and re-created inside this layout on every
            // change, which costs a frame and, in Qt 6.4, can crash a relayout.)
            Repeater {
                model: [
                    {title: qsTr("Queue length — dashed: capacity"), counter: "queue length", queue: true, color: "active"},
                    {title: qsTr("Latency, produced → done (ms)"), counter: "latency ms", queue: false, color: "caution"}
                ]

                ColumnLayout {
                    id: plotColumn

                    required property var modelData
                    readonly property color tint: Theme[plotColumn.modelData.color]

                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    spacing: 2

                    RowLayout {
                        Layout.fillWidth: true

                        Label {
                            Layout.fillWidth: true
                            text: plotColumn.modelData.title
                            font.pixelSize: Theme.px(15)
                            opacity: 0.8
                            elide: Text.ElideRight
                        }
                        Label {
                            text: plotColumn.modelData.queue ? qsTr("%1").arg(root.queueLength) : qsTr("%1 ms").arg(root.latencyMs)
                            font.pixelSize: Theme.px(20)
                            font.bold: true
                            color: plotColumn.tint
                        }
                    }
                    Rectangle {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        Layout.minimumHeight: Theme.px(40)
                        color: Theme.laneBackground
                        radius: 4

                        LevelPlot {
                            id: plot

                            anchors.fill: parent
                            anchors.margins: 4
                            state: root.feed
                            counter: plotColumn.modelData.counter
                            windowMs: 10000
                            endMs: root.controller.elapsedMs
                            limit: plotColumn.modelData.queue ? root.capacity : NaN
                            lineColor: plotColumn.tint
                            fillColor: Theme.over(plotColumn.tint, 0.25)
                            limitColor: Theme.outline
                            lineWidth: Theme.px(3)
                        }
                        Label {
                            anchors.left: parent.left
                            anchors.top: parent.top
                            anchors.margins: 6
                            text: Math.round(plot.shownMaximum)
                            font.pixelSize: Theme.px(13)
                            opacity: 0.7
                        }
                    }
                }
            }
        }
    }
}
