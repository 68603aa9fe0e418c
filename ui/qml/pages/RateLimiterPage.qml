import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The token bucket as a vessel: its level rises with the refill and drops with each
/// admission (the seed's refills inside a request, so its level moves only when a client
/// asks); admitted and rejected requests, the level over time, and, in the seed variant, the
/// admissions no correct bucket would have allowed (over-admitted), a count that wrapped
/// below zero, and whether the race magnifier is on.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property int capacity: root.controller.effectiveParameters["capacity"] ?? 10
    readonly property int refillPerSecond: root.controller.effectiveParameters["refill_per_s"] ?? 0
    readonly property bool seed: root.controller.variant === "seed"
    /// How long the magnifier holds the seed's check-then-subtract window open (0: off).
    readonly property int magnifierUs: root.seed ? (root.controller.effectiveParameters["magnify_race_us"] ?? 0) : 0
    readonly property real tokens: root.counter("bucket tokens", root.capacity)
    readonly property real admitted: root.counter("admitted", 0)
    readonly property real rejected: root.counter("rejected", 0)
    readonly property real overAdmitted: root.counter("over admitted", 0)

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(24)

        // The vessel.
        ColumnLayout {
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.px(150)
            spacing: 4

            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: Theme.px(80)

                Rectangle {
                    id: vessel

                    anchors.horizontalCenter: parent.horizontalCenter
                    width: Math.min(parent.width, Theme.px(120))
                    height: parent.height
                    color: "transparent"
                    border.color: Theme.outline
                    border.width: 3
                    radius: 6
                    clip: true

                    Rectangle {
                        id: level

                        /// The bucket's tokens as the engine traced them (negative: wrapped).
                        readonly property real value: root.tokens

                        objectName: "bucketLevel"
                        anchors.left: parent.left
                        anchors.right: parent.right
                        anchors.bottom: parent.bottom
                        anchors.margins: 3
                        height: Math.max(0, Math.min(1, level.value / Math.max(1, root.capacity))) * (vessel.height - 6)
                        color: level.value < 0 ? Theme.bad : Theme.active
                        radius: 3

                        Behavior on height {
                            NumberAnimation { duration: 150; easing.type: Easing.OutCubic }
                        }
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignHCenter
                text: root.tokens < 0 ? qsTr("%1 — wrapped!").arg(root.tokens) : qsTr("%1 / %2").arg(root.tokens).arg(root.capacity)
                color: root.tokens < 0 ? Theme.bad : Theme.text
                font.pixelSize: Theme.px(26)
                font.bold: true
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(12)
            }
            Label {
                Layout.fillWidth: true
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("tokens · +%1/s").arg(root.refillPerSecond)
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                elide: Text.ElideRight
            }
        }

        // The counters.
        ColumnLayout {
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.px(230)
            spacing: Theme.px(6)

            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "admittedCount"
                caption: qsTr("Admitted")
                value: root.admitted
                color: Theme.good
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "rejectedCount"
                caption: qsTr("Rejected")
                value: root.rejected
                color: Theme.idle
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "overAdmittedCount"
                caption: qsTr("Over-admitted")
                value: root.overAdmitted
                color: root.overAdmitted > 0 ? Theme.bad : Theme.idle
            }
            Item {
                Layout.fillHeight: true
            }
        }

        // The level over time.
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 4

            Label {
                Layout.fillWidth: true
                text: qsTr("Tokens over the last 10 s — dashed: capacity")
                font.pixelSize: Theme.px(15)
                opacity: 0.8
                elide: Text.ElideRight
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: Theme.px(60)
                color: Theme.laneBackground
                radius: 4

                LevelPlot {
                    id: plot

                    objectName: "tokensPlot"
                    anchors.fill: parent
                    anchors.margins: 4
                    state: root.feed
                    counter: "bucket tokens"
                    windowMs: 10000
                    endMs: root.controller.elapsedMs
                    maximum: root.capacity * 1.15
                    limit: root.capacity
                    lineColor: Theme.active
                    fillColor: Theme.over(Theme.active, 0.25)
                    limitColor: Theme.outline
                    lineWidth: Theme.px(3)
                }
                Label {
                    anchors.left: parent.left
                    anchors.top: parent.top
                    anchors.margins: 6
                    text: String(root.capacity)
                    font.pixelSize: Theme.px(13)
                    opacity: 0.7
                }
            }
            Label {
                Layout.fillWidth: true
                visible: root.seed
                text: root.overAdmitted > 0 || root.tokens < 0
                      ? qsTr("Seed variant: check, then subtract — two clients took the same tokens.")
                      : qsTr("Seed variant: refills only inside a request, at most every 100 ms, rounded down; check-then-subtract races on several workers.")
                color: root.overAdmitted > 0 || root.tokens < 0 ? Theme.bad : Theme.text
                font.pixelSize: Theme.px(14)
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
            }
            Label {
                objectName: "magnifierNote"
                Layout.fillWidth: true
                visible: root.magnifierUs > 0
                text: qsTr("Race magnifier on: the check-then-subtract window is held open %1 µs (ours, not the seed's code).").arg(root.magnifierUs)
                color: Theme.caution
                font.pixelSize: Theme.px(14)
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
            }
        }
    }
}
