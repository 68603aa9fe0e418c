import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// A JoinSet collecting its tasks: the order they were spawned in beside the order joinNext()
/// hands them back — filling in as each one returns, with its result and how long it took.
/// As in the guide, task i sleeps i steps, so they come back in the order they went out;
/// with a step of 0 the scheduler decides. Then abortAll() cancels a second batch. Beside them every task
/// of the run as a card moving through scheduled → running → sleeping → done or cancelled.
///
/// Drawn with plain Qt Quick items: two short lists and a few dozen cards are cheap for the
/// scene graph and update by binding once per drained frame; a Canvas would repaint all of it
/// each frame, and Qt Charts has no list or card.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property int stepMs: root.controller.effectiveParameters["step_ms"] ?? 100
    /// How many rows each order list shows (as many as the page has room for); the rest are
    /// counted below it.
    readonly property int maxRows: Math.max(3, Math.floor((root.height - Theme.px(150)) / Theme.px(30)))
    /// PatternState keeps this many instants (PatternState::instantCapacity): ask for all.
    readonly property int instantCapacity: 256
    /// Task indices as they were spawned and as joinNext() returned them, oldest first, each
    /// {value: index, t: ms}: re-read from the trace's instants on every drained frame. (The
    /// revision is part of the expression: a bare read of it as a statement is compiled away,
    /// and with it the binding's dependency.)
    readonly property var spawned: root.feed.revision >= 0 ? root.feed.instants("join set spawned", root.instantCapacity).reverse() : []
    readonly property var joined: root.feed.revision >= 0 ? root.feed.instants("join set joined", root.instantCapacity).reverse() : []
    /// When each task index was spawned (ms on the scenario clock).
    readonly property var spawnedAt: {
        const at = {}
        for (const mark of root.spawned)
            at[mark.value] = mark.t
        return at
    }
    readonly property int aborted: root.values["join set aborted"] ?? 0
    readonly property int inSet: root.values["join set size"] ?? 0

    // Inline components do not see this file's ids: what they show comes in as properties.
    /// One row of an order list: the position, the task and what it came back with.
    component OrderRow: Rectangle {
        id: row

        required property int position
        required property int taskIndex
        required property string detail
        required property color tint

        implicitHeight: Theme.px(26)
        radius: 4
        color: Theme.over(row.tint, 0.25)
        border.color: row.tint
        border.width: 1

        Label {
            id: positionLabel

            anchors.left: parent.left
            anchors.leftMargin: Theme.px(8)
            anchors.verticalCenter: parent.verticalCenter
            width: Theme.px(20)
            text: String(row.position)
            font.pixelSize: Theme.px(14)
            opacity: 0.7
        }
        Label {
            id: taskLabel

            anchors.left: positionLabel.right
            anchors.verticalCenter: parent.verticalCenter
            text: qsTr("task %1").arg(row.taskIndex)
            font.pixelSize: Theme.px(16)
            font.bold: true
        }
        Label {
            anchors.left: taskLabel.right
            anchors.right: parent.right
            anchors.leftMargin: Theme.px(8)
            anchors.rightMargin: Theme.px(4)
            anchors.verticalCenter: parent.verticalCenter
            text: row.detail
            font.pixelSize: Theme.px(14)
            // A number must not be cut: in a narrow column it shrinks instead.
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.px(9)
            opacity: 0.85
            elide: Text.ElideRight
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(20)

        // Spawn order beside completion order.
        ColumnLayout {
            // Room for the cards too on a small window (a nested layout fills by default).
            Layout.fillWidth: false
            Layout.preferredWidth: Math.min(Theme.px(400), root.width * 0.45)
            Layout.maximumWidth: Theme.px(400)
            Layout.fillHeight: true
            spacing: Theme.px(6)

            RowLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: Theme.px(10)

                ColumnLayout {
                    Layout.preferredWidth: 1
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    spacing: Theme.px(4)

                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Spawned")
                        font.pixelSize: Theme.px(18)
                        font.bold: true
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("task · its sleep")
                        font.pixelSize: Theme.px(13)
                        opacity: 0.75
                        elide: Text.ElideRight
                    }
                    // A count, not the list: the rows stay and re-read their entry. In a Column, not
                    // straight in the layout: on Qt 6.4 a layout can read a Repeater's delegate after
                    // it was freed when the model changes during a relayout.
                    Column {
                        Layout.fillWidth: true
                        spacing: Theme.px(4)

                        Repeater {
                            model: Math.min(root.spawned.length, root.maxRows)

                            OrderRow {
                                id: spawnedRow

                                required property int index
                                readonly property var entry: root.spawned[spawnedRow.index] ?? {value: 0, t: 0}

                                objectName: "spawnedEntry"
                                width: parent?.width ?? 0
                                position: spawnedRow.index + 1
                                taskIndex: spawnedRow.entry.value
                                detail: qsTr("%1 ms").arg(spawnedRow.entry.value * root.stepMs)
                                tint: Theme.idle
                            }
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: root.spawned.length > root.maxRows
                        text: qsTr("… and %1 more").arg(root.spawned.length - root.maxRows)
                        font.pixelSize: Theme.px(14)
                    }
                    Item {
                        Layout.fillHeight: true
                    }
                }
                ColumnLayout {
                    Layout.preferredWidth: 1
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    spacing: Theme.px(4)

                    Label {
                        Layout.fillWidth: true
                        text: qsTr("Joined")
                        font.pixelSize: Theme.px(18)
                        font.bold: true
                        color: Theme.good
                    }
                    Label {
                        Layout.fillWidth: true
                        text: qsTr("task · spawn → join")
                        font.pixelSize: Theme.px(13)
                        opacity: 0.75
                        elide: Text.ElideRight
                    }
                    // As above: a count, in a Column.
                    Column {
                        Layout.fillWidth: true
                        spacing: Theme.px(4)

                        Repeater {
                            objectName: "joinedList"
                            model: Math.min(root.joined.length, root.maxRows)

                            OrderRow {
                                id: joinedRow

                                required property int index
                                readonly property var entry: root.joined[joinedRow.index] ?? {value: 0, t: 0}

                                objectName: "joinedEntry"
                                width: parent?.width ?? 0
                                position: joinedRow.index + 1
                                taskIndex: joinedRow.entry.value
                                // Spawn to join: the task's sleep, plus any wait for a worker.
                                detail: qsTr("%1 ms").arg(Math.round(joinedRow.entry.t - (root.spawnedAt[joinedRow.entry.value] ?? joinedRow.entry.t)))
                                tint: Theme.good
                            }
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: root.joined.length > root.maxRows
                        text: qsTr("… and %1 more").arg(root.joined.length - root.maxRows)
                        font.pixelSize: Theme.px(14)
                    }
                    Label {
                        Layout.fillWidth: true
                        visible: root.spawned.length > 0 && root.joined.length < root.spawned.length
                        text: qsTr("waiting for %1 more…").arg(root.spawned.length - root.joined.length)
                        font.pixelSize: Theme.px(14)
                        opacity: 0.75
                    }
                    Item {
                        Layout.fillHeight: true
                    }
                }
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.px(16)

                BigNumber {
                    objectName: "inSetCount"
                    controller: root.controller
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    caption: qsTr("In the set")
                    value: root.inSet
                    size: 24
                }
                BigNumber {
                    objectName: "abortedCount"
                    controller: root.controller
                    Layout.fillWidth: true
                    Layout.preferredWidth: 1
                    caption: qsTr("Aborted (abortAll)")
                    value: root.aborted
                    color: root.aborted > 0 ? Theme.bad : Theme.idle
                    size: 24
                }
            }
        }

        TaskCards {
            objectName: "taskCards"
            Layout.fillWidth: true
            Layout.fillHeight: true
            controller: root.controller
        }
    }
}
