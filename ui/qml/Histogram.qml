import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// A small bar chart: one bar per bucket, the first and last labels under it.
ColumnLayout {
    id: root

    property string title: ""
    property var counts: []
    property var labels: []
    property color color: Theme.highlight
    readonly property int peak: Math.max(1, ...root.counts)
    /// The buckets from the first to the last non-empty one (at least a few), so bars stay wide.
    readonly property int firstBucket: Math.max(0, Math.min(root.counts.findIndex(c => c > 0), root.counts.length - 4))
    readonly property int lastBucket: {
        let last = root.firstBucket + 3
        for (let i = 0; i < root.counts.length; ++i)
            if (root.counts[i] > 0)
                last = Math.max(last, i)
        return Math.min(last, root.counts.length - 1)
    }

    spacing: 2

    Label {
        text: root.title
        font.pixelSize: Theme.px(12)
        opacity: 0.8
    }
    Row {
        id: bars

        Layout.fillWidth: true
        Layout.preferredHeight: Theme.px(48)
        spacing: 1

        Repeater {
            model: Math.max(0, root.lastBucket - root.firstBucket + 1)

            Rectangle {
                required property int index
                readonly property int count: root.counts[root.firstBucket + index] ?? 0

                anchors.bottom: parent.bottom
                width: Math.max(2, (bars.width - bars.spacing * (root.lastBucket - root.firstBucket)) / (root.lastBucket - root.firstBucket + 1))
                height: count > 0 ? Math.max(2, bars.height * count / root.peak) : 1
                color: root.color
                opacity: count > 0 ? 0.85 : 0.25
            }
        }
    }
    RowLayout {
        Layout.fillWidth: true

        Label {
            text: root.labels[root.firstBucket] ?? ""
            font.pixelSize: Theme.px(11)
            opacity: 0.7
        }
        Item {
            Layout.fillWidth: true
        }
        Label {
            text: root.lastBucket + 1 < root.labels.length ? root.labels[root.lastBucket + 1]
                                                            : "≥ " + (root.labels[root.lastBucket] ?? "")
            font.pixelSize: Theme.px(11)
            opacity: 0.7
        }
    }
}
