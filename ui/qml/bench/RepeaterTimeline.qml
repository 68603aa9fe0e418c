import QtQuick

// The benchmark's peer timeline (taskscope --bench-ui only): the same slices as the scene-graph
// TimelineItem, drawn the obvious way, one Rectangle per poll from a Repeater. The model gives
// each slice a fixed position in content coordinates; scrolling moves the content, so a frame
// costs the rows inserted and removed, not a rebinding of every rectangle.
Rectangle {
    id: root

    /// A list model with the roles sliceLeft, sliceTop, sliceWidth and sliceColor.
    required property var sliceModel
    /// The content x at the left edge of the view.
    property real contentX: 0
    property real laneHeight: 24

    color: "#202020"
    clip: true

    Item {
        x: -root.contentX

        Repeater {
            model: root.sliceModel

            Rectangle {
                id: slice

                required property real sliceLeft
                required property real sliceTop
                required property real sliceWidth
                required property color sliceColor

                x: slice.sliceLeft
                y: slice.sliceTop
                width: slice.sliceWidth
                height: root.laneHeight
                color: slice.sliceColor
            }
        }
    }
}
