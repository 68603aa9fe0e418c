import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// A caption over a large number, for the pattern pages: readable from the back of a room.
/// `value` is live; the number shown follows it at the controller's reading pace while a run
/// goes (Readout.qml).
ColumnLayout {
    id: root

    required property string caption
    property var value: 0
    /// The controller whose run paces the number shown; none: it follows `value` at once.
    property EngineController controller: null
    /// Extra words after the number ("/ 10", "ms").
    property string suffix: ""
    property color color: Theme.text
    /// Larger or smaller than the standard 34 px.
    property real size: 34

    spacing: 0

    Readout {
        id: shown

        controller: root.controller
        live: root.value
    }

    Label {
        Layout.fillWidth: true
        text: root.caption
        font.pixelSize: Theme.px(15)
        opacity: 0.8
        elide: Text.ElideRight
    }
    Label {
        Layout.fillWidth: true
        text: String(shown.value) + (root.suffix.length > 0 ? " " + root.suffix : "")
        color: root.color
        font.pixelSize: Theme.px(root.size)
        font.bold: true
        // A number must never be cut: past its column's width it shrinks to fit instead.
        fontSizeMode: Text.HorizontalFit
        minimumPixelSize: Theme.px(12)
    }
}
