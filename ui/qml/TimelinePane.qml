import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The scheduler timeline with its lane names (the workers' OS thread names) and a legend.
ColumnLayout {
    id: root

    required property EngineController controller
    readonly property alias item: timeline
    /// The window the user chose, while a finished short run is shown zoomed to fit.
    property real chosenWindowSeconds: 0

    spacing: 4

    // A run shorter than a quarter of the window would end as a sliver at the right edge:
    // when it finishes, zoom to show all of it; Reset goes back to the chosen window.
    Connections {
        target: root.controller

        function onStateChanged() {
            const seconds = root.controller.elapsedMs / 1000
            if (root.controller.state === EngineController.Finished && seconds > 0
                    && seconds < timeline.windowSeconds / 4 && timeline.panSeconds === 0) {
                root.chosenWindowSeconds = timeline.windowSeconds
                timeline.windowSeconds = seconds * 1.05
            } else if (root.controller.state === EngineController.Idle && root.chosenWindowSeconds > 0) {
                timeline.windowSeconds = root.chosenWindowSeconds
                root.chosenWindowSeconds = 0
            }
        }
    }

    // The count under the lanes, at reading pace while a run goes (Readout.qml).
    Readout {
        id: slicesShown

        controller: root.controller
        live: timeline.sliceCount
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.preferredHeight: Math.max(1, root.controller.workerNames.length) * (timeline.laneHeight + TimelineItem.laneGap) + 4
        spacing: 8

        Column {
            Layout.alignment: Qt.AlignTop
            Layout.topMargin: 2
            spacing: 4

            Repeater {
                model: root.controller.workerNames

                Label {
                    id: laneName

                    required property string modelData

                    height: timeline.laneHeight
                    verticalAlignment: Text.AlignVCenter
                    text: laneName.modelData
                    font.pixelSize: Theme.px(13)
                    font.family: "monospace"
                }
            }
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.laneBackground
            radius: 4

            TimelineItem {
                id: timeline

                anchors.fill: parent
                anchors.margins: 2
                controller: root.controller
                windowSeconds: 2
                laneHeight: Theme.px(24)
                selectedTask: root.controller.selectedTask
                stealColor: Theme.steal
                parkColor: Theme.park
                lostColor: Theme.warning
                highlightColor: Theme.highlight
                onTaskClicked: task => root.controller.selectedTask = task
            }
            PinchHandler {
                target: null
                onActiveScaleChanged: timeline.zoomAt(centroid.position.x, 1 / activeScale)
            }
            ToolTip {
                x: Math.min(parent.width - width, hover.point.position.x + 12)
                y: hover.point.position.y + 16
                visible: hover.hovered && timeline.hoveredTask !== 0
                text: qsTr("task %1 · click to select").arg(timeline.hoveredTask)
            }
            HoverHandler {
                id: hover
            }
        }
    }
    Label {
        Layout.fillWidth: true
        text: qsTr("last %1 s%2 · %3 polls in view · wheel zoom · drag pan%4 · click a poll: its task · ▮ steal · ─ parked%5")
            .arg(timeline.windowSeconds.toPrecision(2))
            .arg(timeline.panSeconds > 0 ? qsTr(", %1 s back").arg(timeline.panSeconds.toFixed(2)) : "")
            .arg(slicesShown.value)
            .arg(timeline.panSeconds > 0 ? qsTr(" (double-click: live)") : "")
            .arg(timeline.gapCount > 0 ? qsTr(" · ▁ events lost (%1)").arg(timeline.gapCount) : "")
        opacity: 0.65
        font.pixelSize: Theme.px(12)
        elide: Text.ElideRight
    }
}
