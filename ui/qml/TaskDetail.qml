import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The selected task: its fields, wakes, percentiles, poll-time and scheduled-time histograms
/// and the warnings about it.
Pane {
    id: root

    required property EngineController controller
    readonly property var detail: root.controller.taskDetail
    readonly property bool hasTask: root.detail.id !== undefined

    padding: 10
    // The frame around it (or the window) already paints this colour; under llvmpipe every
    // pixel shaded twice counts.
    background: null

    readonly property var fieldNames: [qsTr("State"), qsTr("Polls"), qsTr("Wakes"), qsTr("Busy"), qsTr("Scheduled"),
        qsTr("Idle"), qsTr("Poll p50/p99"), qsTr("Longest poll"), qsTr("Sched. p50/p99"), qsTr("Spawned at"),
        qsTr("Awaiting at"), qsTr("Parent")]

    function fieldValue(index: int): string {
        const d = root.detail
        switch (index) {
        case 0: return d.state + (d.worker >= 0 ? qsTr(" (worker %1)").arg(d.worker) : "")
        case 1: return String(d.polls)
        case 2: return qsTr("%1 (%2 by itself)").arg(d.wakes).arg(d.selfWakes)
        case 3: return root.ms(d.busyMs)
        case 4: return root.ms(d.scheduledMs)
        case 5: return root.ms(d.idleMs)
        case 6: return root.ms(d.pollP50Ms) + " / " + root.ms(d.pollP99Ms)
        case 7: return root.ms(d.longestPollMs)
        case 8: return root.ms(d.scheduledP50Ms) + " / " + root.ms(d.scheduledP99Ms)
        case 9: return d.spawnedAt
        case 10: return d.awaitingAt.length > 0 ? d.awaitingAt : "—"
        default: return d.parent > 0 ? String(d.parent) : "—"
        }
    }

    function ms(value: real): string {
        return value === undefined ? "" : value < 1 ? qsTr("%1 µs").arg((value * 1000).toFixed(0)) : qsTr("%1 ms").arg(value.toFixed(2))
    }

    ScrollView {
        id: scroll

        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 6

            Label {
                Layout.fillWidth: true
                visible: !root.hasTask
                text: qsTr("Select a task in the table or click a poll on the timeline to see its details.")
                wrapMode: Text.Wrap
                opacity: 0.7
            }
            RowLayout {
                Layout.fillWidth: true
                visible: root.hasTask

                Rectangle {
                    width: Theme.px(12)
                    height: Theme.px(12)
                    radius: width / 2
                    color: root.detail.color ?? "gray"
                }
                Label {
                    Layout.fillWidth: true
                    text: qsTr("Task %1 `%2`").arg(root.detail.id ?? "").arg(root.detail.name ?? "")
                    font.bold: true
                    font.pixelSize: Theme.px(15)
                    elide: Text.ElideRight
                }
                ToolButton {
                    text: "✕"
                    onClicked: root.controller.selectedTask = 0
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Clear the selection")
                }
            }
            // The field names are fixed and each value is bound to the detail (a model built
            // from the values re-created the rows on every refresh). The rows sit in a Column,
            // not straight in the layout: on Qt 6.4 a layout can read a Repeater's delegate after
            // it was freed when the model changes during a relayout.
            Column {
                Layout.fillWidth: true
                spacing: 4

                Repeater {
                    model: root.hasTask ? root.fieldNames.length : 0

                    delegate: RowLayout {
                        id: field

                        required property int index

                        width: parent?.width ?? 0
                        spacing: 8

                        Label {
                            Layout.preferredWidth: Theme.px(105)
                            text: root.fieldNames[field.index]
                            opacity: 0.7
                            font.pixelSize: Theme.px(13)
                            elide: Text.ElideRight
                        }
                        Label {
                            Layout.fillWidth: true
                            text: root.fieldValue(field.index)
                            font.pixelSize: Theme.px(13)
                            font.family: "monospace"
                            elide: Text.ElideLeft
                        }
                    }
                }
            }
            Histogram {
                Layout.fillWidth: true
                visible: root.hasTask
                title: qsTr("Poll times")
                counts: root.detail.pollHistogram ?? []
                labels: root.detail.histogramLabels ?? []
                color: "#4fc3f7"
            }
            Histogram {
                Layout.fillWidth: true
                visible: root.hasTask
                title: qsTr("Scheduled times (wake → poll)")
                counts: root.detail.scheduledHistogram ?? []
                labels: root.detail.histogramLabels ?? []
                color: "#ffb74d"
            }
            Column { // a positioner, for the reason above
                Layout.fillWidth: true
                spacing: 4

                Repeater {
                    model: root.hasTask ? root.detail.warnings : []

                    Label {
                        required property string modelData

                        width: parent?.width ?? 0
                        text: "⚠ " + modelData
                        color: Theme.warning
                        wrapMode: Text.Wrap
                        font.pixelSize: Theme.px(13)
                    }
                }
            }
        }
    }
}
