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
            Repeater {
                model: root.hasTask ? [
                    [qsTr("State"), root.detail.state + (root.detail.worker >= 0 ? qsTr(" (worker %1)").arg(root.detail.worker) : "")],
                    [qsTr("Polls"), String(root.detail.polls)],
                    [qsTr("Wakes"), qsTr("%1 (%2 by itself)").arg(root.detail.wakes).arg(root.detail.selfWakes)],
                    [qsTr("Busy"), root.ms(root.detail.busyMs)],
                    [qsTr("Scheduled"), root.ms(root.detail.scheduledMs)],
                    [qsTr("Idle"), root.ms(root.detail.idleMs)],
                    [qsTr("Poll p50/p99"), root.ms(root.detail.pollP50Ms) + " / " + root.ms(root.detail.pollP99Ms)],
                    [qsTr("Longest poll"), root.ms(root.detail.longestPollMs)],
                    [qsTr("Sched. p50/p99"), root.ms(root.detail.scheduledP50Ms) + " / " + root.ms(root.detail.scheduledP99Ms)],
                    [qsTr("Spawned at"), root.detail.spawnedAt],
                    [qsTr("Awaiting at"), root.detail.awaitingAt.length > 0 ? root.detail.awaitingAt : "—"],
                    [qsTr("Parent"), root.detail.parent > 0 ? String(root.detail.parent) : "—"]
                ] : []

                delegate: RowLayout {
                    id: field

                    required property var modelData

                    Layout.fillWidth: true
                    spacing: 8

                    Label {
                        Layout.preferredWidth: Theme.px(105)
                        text: field.modelData[0]
                        opacity: 0.7
                        font.pixelSize: Theme.px(13)
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.fillWidth: true
                        text: field.modelData[1]
                        font.pixelSize: Theme.px(13)
                        font.family: "monospace"
                        elide: Text.ElideLeft
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
            Repeater {
                model: root.hasTask ? root.detail.warnings : []

                Label {
                    required property string modelData

                    Layout.fillWidth: true
                    text: "⚠ " + modelData
                    color: Theme.warning
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.px(13)
                }
            }
        }
    }
}
