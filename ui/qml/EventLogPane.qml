import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The newest events in words, newest first, filterable by kind.
ColumnLayout {
    id: root

    required property EngineController controller
    /// Kind groups the filter offers, each with the trace kinds it covers.
    readonly property var groups: [
        {label: qsTr("Polls"), kinds: ["poll-start", "poll-end", "poll-cpu"]},
        {label: qsTr("Wakes"), kinds: ["wake"]},
        {label: qsTr("Spawns and ends"), kinds: ["spawn", "complete"]},
        {label: qsTr("Workers"), kinds: ["park", "unpark", "steal", "lost"]},
        {label: qsTr("Timers"), kinds: ["timer-arm", "timer-fire"]},
        {label: qsTr("Resources"), kinds: ["send", "receive", "acquire", "release", "wait-begin", "wait-end", "notify"]},
        {label: qsTr("Instrumentation"), kinds: ["counter", "instant", "span-begin", "span-end"]}
    ]

    spacing: 2

    Flow {
        Layout.fillWidth: true
        spacing: 4

        Label {
            height: Theme.px(36)
            verticalAlignment: Text.AlignVCenter
            rightPadding: 4
            text: qsTr("Show:")
        }
        Repeater {
            model: root.groups

            CheckBox {
                id: group

                required property var modelData

                text: group.modelData.label
                checked: !group.modelData.kinds.every(kind => root.controller.eventLog.hiddenKinds.includes(kind))
                onToggled: {
                    const others = root.controller.eventLog.hiddenKinds.filter(kind => !group.modelData.kinds.includes(kind))
                    root.controller.eventLog.hiddenKinds = group.checked ? others : others.concat(group.modelData.kinds)
                }
            }
        }
    }
    ListView {
        objectName: "eventLogView"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        // Only while the tab shows: a hidden ListView still lays out, and each refresh of the
        // log replaced its visible delegates (destroyed and created them, text layout and all)
        // behind another tab, a spike in every few frames.
        model: root.visible ? root.controller.eventLog : null
        boundsBehavior: Flickable.StopAtBounds
        ScrollBar.vertical: ScrollBar {}

        // Not `required property string text`: that would declare a second `text` beside the
        // Label's own, and the label would show nothing.
        delegate: Label {
            id: line

            required property var model

            width: ListView.view.width
            text: line.model.text
            font.pixelSize: Theme.px(13)
            font.family: "monospace"
            elide: Text.ElideRight
        }
    }
}
