import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// What the scenario reports: its metrics when it has finished, and the warnings about tasks
/// that block a worker or spin.
ScrollView {
    id: root

    required property EngineController controller

    /// A metric as a person reads it: integers as they are, other numbers to two decimals.
    /// A metric in words: numbers to two decimals, long lists cut after a dozen, nested maps
    /// (the tracing scenario's per-span figures) as "name (key value, …)".
    function formatted(value: var): string {
        if (typeof value === "number")
            return Number.isInteger(value) ? String(value) : value.toFixed(2)
        if (Array.isArray(value)) {
            const shown = value.slice(0, 12).map(item => root.formatted(item)).join(", ")
            return value.length > 12 ? qsTr("%1, … (%2 in all)").arg(shown).arg(value.length) : shown
        }
        if (value !== null && typeof value === "object") {
            return Object.keys(value).map(key => {
                const inner = value[key]
                const text = root.formatted(inner)
                return key.replace(/_/g, " ") + " " + (inner !== null && typeof inner === "object" && !Array.isArray(inner) ? "(" + text + ")" : text)
            }).join(", ")
        }
        return String(value)
    }

    contentWidth: availableWidth
    clip: true
    // Metrics and warnings can outgrow the area above the timeline: then the bar stays shown,
    // so a line cut at the bottom edge reads as "more below", not as the end.
    ScrollBar.vertical.policy: root.availableHeight > 0 && column.implicitHeight > root.availableHeight + 1
                               ? ScrollBar.AlwaysOn : ScrollBar.AsNeeded

    ColumnLayout {
        id: column

        width: root.availableWidth
        spacing: 6

        Label {
            Layout.fillWidth: true
            visible: root.controller.state === EngineController.Idle && Object.keys(root.controller.metrics).length === 0
            text: qsTr("Press Run (Space) to start the scenario on real worker threads.")
            opacity: 0.7
            wrapMode: Text.Wrap
        }
        Flow {
            Layout.fillWidth: true
            visible: Object.keys(root.controller.metrics).length > 0
            spacing: 6

            Repeater {
                model: Object.keys(root.controller.metrics)

                Label {
                    required property string modelData

                    objectName: "metricChip"
                    padding: 4
                    leftPadding: 8
                    rightPadding: 8
                    text: modelData.replace(/_/g, " ") + ": <b>" + root.formatted(root.controller.metrics[modelData]) + "</b>"
                    textFormat: Text.StyledText
                    background: Rectangle {
                        color: Theme.laneBackground
                        radius: 4
                    }
                }
            }
        }
        Label {
            Layout.fillWidth: true
            visible: root.controller.warnings.length > 0
            // At most three, so the page keeps its room on a projector.
            text: "⚠ " + root.controller.warnings.slice(0, 3).join("\n⚠ ")
                + (root.controller.warnings.length > 3 ? qsTr("\n… and %1 more").arg(root.controller.warnings.length - 3) : "")
            color: Theme.warning
            wrapMode: Text.Wrap
        }
    }
}
