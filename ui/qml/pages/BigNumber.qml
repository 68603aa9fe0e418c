import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// A caption over a large number, for the pattern pages: readable from the back of a room.
/// The number briefly lights up when it changes.
ColumnLayout {
    id: root

    required property string caption
    property var value: 0
    /// Extra words after the number ("/ 10", "ms").
    property string suffix: ""
    property color color: Theme.text
    /// Larger or smaller than the standard 34 px.
    property real size: 34

    spacing: 0

    Label {
        Layout.fillWidth: true
        text: root.caption
        font.pixelSize: Theme.px(15)
        opacity: 0.8
        elide: Text.ElideRight
    }
    Label {
        id: number

        Layout.fillWidth: true
        text: String(root.value) + (root.suffix.length > 0 ? " " + root.suffix : "")
        color: root.color
        font.pixelSize: Theme.px(root.size)
        font.bold: true
        elide: Text.ElideRight

        // Flash on change, so a counter that ticks is seen ticking.
        onTextChanged: flash.restart()
        Rectangle {
            anchors.fill: parent
            anchors.margins: -2
            z: -1
            radius: 4
            color: root.color
            opacity: 0

            SequentialAnimation on opacity {
                id: flash

                running: false
                NumberAnimation { to: 0.25; duration: 60 }
                NumberAnimation { to: 0; duration: 340 }
            }
        }
    }
}
