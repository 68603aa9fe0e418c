import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The pool's connections as slots — in use, idle, being opened, on their way back — the
/// callers waiting for a permit, and the connections opened so far. In the seed variant the
/// connections past pool_size (opened while another was still on its way back) stand out.
/// A slot being opened holds its worker: the guide's connection factory is synchronous.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property int poolSize: root.controller.effectiveParameters["pool_size"] ?? 4
    readonly property int inUse: root.counter("pool in use", 0)
    readonly property int idle: root.counter("pool idle", 0)
    readonly property int connecting: root.counter("pool connecting", 0)
    readonly property int created: root.counter("pool connections", 0)
    readonly property int waiting: root.counter("pool waiting", 0)
    /// Open connections that are neither lent nor on the idle stack: being returned.
    readonly property int returning: Math.max(0, root.created - root.inUse - root.idle)
    readonly property int slotCount: Math.max(root.poolSize, root.created + root.connecting)
    readonly property int maxSlots: 40
    readonly property var kinds: [
        {name: "in use", label: qsTr("in use"), color: Theme.active},
        {name: "opening", label: qsTr("opening"), color: Theme.caution},
        {name: "idle", label: qsTr("idle"), color: Theme.idle},
        {name: "returning", label: qsTr("on its way back"), color: Theme.over(Theme.idle, 0.5)},
        {name: "free", label: qsTr("not opened yet"), color: "transparent"}
    ]

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    /// What slot @p index shows: in-use slots first, then opening, idle, returning, free.
    function kindOf(index: int): string {
        let edge = root.inUse
        if (index < edge)
            return "in use"
        edge += root.connecting
        if (index < edge)
            return "opening"
        edge += root.idle
        if (index < edge)
            return "idle"
        edge += root.returning
        return index < edge ? "returning" : "free"
    }

    function colorOf(kind: string): color {
        for (const each of root.kinds) {
            if (each.name === kind)
                return each.color
        }
        return "transparent"
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(24)

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.px(8)

            Label {
                Layout.fillWidth: true
                text: qsTr("Connections — pool of %1").arg(root.poolSize)
                font.pixelSize: Theme.px(18)
                font.bold: true
            }
            Flow {
                id: slotFlow

                objectName: "poolSlots"
                Layout.fillWidth: true
                // Not its content's width: a Flow's implicit width follows the width it
                // is given, and the layout asking for it again looped ("Polish loop").
                Layout.preferredWidth: 0
                spacing: Theme.px(8)

                Repeater {
                    model: Math.min(root.slotCount, root.maxSlots)

                    Rectangle {
                        id: slot

                        required property int index
                        readonly property string slotState: root.kindOf(slot.index)
                        /// Opened beyond pool_size: the seed's defect.
                        readonly property bool extra: slot.index >= root.poolSize

                        objectName: "poolSlot"
                        width: Theme.px(78)
                        height: Theme.px(78)
                        radius: 8
                        color: root.colorOf(slot.slotState)
                        border.color: slot.extra ? Theme.bad : slot.slotState === "free" ? Theme.outline : root.colorOf(slot.slotState)
                        border.width: slot.extra ? 4 : 2

                        Behavior on color {
                            ColorAnimation { duration: 150 }
                        }
                        SequentialAnimation on opacity {
                            running: slot.slotState === "opening"
                            loops: Animation.Infinite
                            onRunningChanged: if (!running) slot.opacity = 1
                            NumberAnimation { to: 0.45; duration: 300 }
                            NumberAnimation { to: 1; duration: 300 }
                        }
                        Label {
                            anchors.centerIn: parent
                            text: slot.extra ? qsTr("extra") : String(slot.index + 1)
                            color: slot.slotState === "free" || slot.slotState === "returning" ? Theme.text : "#ffffff"
                            font.pixelSize: Theme.px(slot.extra ? 17 : 24)
                            font.bold: true
                        }
                    }
                }
            }
            Flow {
                Layout.fillWidth: true
                // Not its content's width: a Flow's implicit width follows the width it
                // is given, and the layout asking for it again looped ("Polish loop").
                Layout.preferredWidth: 0
                spacing: Theme.px(16)

                Repeater {
                    model: root.kinds

                    Row {
                        id: legendEntry

                        required property var modelData

                        spacing: 6

                        Rectangle {
                            width: Theme.px(16)
                            height: Theme.px(16)
                            radius: 3
                            anchors.verticalCenter: parent.verticalCenter
                            color: legendEntry.modelData.color
                            border.color: legendEntry.modelData.name === "free" ? Theme.outline : legendEntry.modelData.color
                            border.width: 2
                        }
                        Label {
                            text: legendEntry.modelData.label
                            font.pixelSize: Theme.px(14)
                        }
                    }
                }
            }
            // The callers waiting for a permit, one dot each, in arrival order.
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.px(10)

                Label {
                    text: qsTr("Waiting")
                    font.pixelSize: Theme.px(18)
                    font.bold: true
                }
                Label {
                    objectName: "waitingCount"
                    text: String(root.waiting)
                    color: root.waiting > 0 ? Theme.caution : Theme.text
                    font.pixelSize: Theme.px(30)
                    font.bold: true
                }
                Flow {
                    Layout.fillWidth: true
                    // Not its content's width: a Flow's implicit width follows the width it
                    // is given, and the layout asking for it again looped ("Polish loop").
                    Layout.preferredWidth: 0
                    spacing: 4

                    Repeater {
                        model: Math.min(root.waiting, 30)

                        Rectangle {
                            width: Theme.px(14)
                            height: Theme.px(14)
                            radius: width / 2
                            color: Theme.caution
                        }
                    }
                    Label {
                        visible: root.waiting > 30
                        text: qsTr("+%1").arg(root.waiting - 30)
                        font.pixelSize: Theme.px(14)
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                // Only where there is room for it (the Pattern tab is short on a 720 px screen).
                visible: root.height > Theme.px(330)
                text: qsTr("Waiting callers over the last 10 s — dashed: clients")
                font.pixelSize: Theme.px(15)
                opacity: 0.8
                elide: Text.ElideRight
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: Theme.px(40)
                visible: root.height > Theme.px(330)
                color: Theme.laneBackground
                radius: 4

                LevelPlot {
                    id: waitingPlot

                    anchors.fill: parent
                    anchors.margins: 4
                    state: root.feed
                    counter: "pool waiting"
                    windowMs: 10000
                    endMs: root.controller.elapsedMs
                    limit: root.controller.effectiveParameters["clients"] ?? 16
                    lineColor: Theme.caution
                    fillColor: Theme.over(Theme.caution, 0.25)
                    limitColor: Theme.outline
                    lineWidth: Theme.px(3)
                }
                Label {
                    anchors.left: parent.left
                    anchors.top: parent.top
                    anchors.margins: 6
                    text: Math.round(waitingPlot.shownMaximum)
                    font.pixelSize: Theme.px(13)
                    opacity: 0.7
                }
            }
            Item {
                Layout.fillHeight: true
                visible: root.height <= Theme.px(330)
            }
        }

        ColumnLayout {
            Layout.preferredWidth: Theme.px(280)
            Layout.fillHeight: true
            spacing: Theme.px(8)

            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "createdCount"
                caption: qsTr("Connections opened")
                value: root.created
                suffix: qsTr("/ %1").arg(root.poolSize)
                color: root.created > root.poolSize ? Theme.bad : Theme.text
            }
            Label {
                Layout.fillWidth: true
                visible: root.created > root.poolSize
                text: qsTr("%n more than the pool allows: the permit came back before the connection did.", "",
                           root.created - root.poolSize)
                color: Theme.bad
                font.pixelSize: Theme.px(15)
                wrapMode: Text.Wrap
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                caption: qsTr("In use")
                value: root.inUse
                color: Theme.active
            }
            // The guide's factory is a plain function: while a slot is opening, its worker runs
            // nothing else, and the run's warnings name that long poll.
            Label {
                Layout.fillWidth: true
                objectName: "blockingConnectNote"
                text: qsTr("Opening a connection calls the guide's blocking factory: it holds its worker the whole time, and the warnings name each connect as a long poll. That warning is the lesson.")
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                wrapMode: Text.Wrap
            }
            Item {
                Layout.fillHeight: true
            }
        }
    }
}
