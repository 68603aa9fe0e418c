import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The seed's timeout_example — a slow operation of work_ms raced against a timeout of
/// timeout_ms — as two bars on the scenario's clock, with the one that wins; beside it every
/// task of the run as a card moving through scheduled → running on a named worker → sleeping
/// → done, while the background tasks share the workers.
///
/// Drawn with plain Qt Quick items: two bars and a few dozen cards are cheap Rectangles for
/// the scene graph, animated by bindings once per drained frame. A Canvas would repaint the
/// whole page on every frame, and Qt Charts has nothing that fits a race or a card.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    /// The lengths the running scenario traced (the parameters until it has).
    readonly property real workMs: root.values["race work ms"] ?? (root.controller.effectiveParameters["work_ms"] ?? 3000)
    readonly property real timeoutMs: root.values["race timeout ms"] ?? (root.controller.effectiveParameters["timeout_ms"] ?? 5000)
    /// The race's marks ("timeout race": 0 started, 1 completed, 2 timed out), newest first;
    /// re-read on every drained frame. (The revision is part of the expression: a bare read
    /// of it as a statement is compiled away, and with it the binding's dependency.)
    readonly property var raceMarks: root.feed.revision >= 0 ? root.feed.instants("timeout race", 4) : []
    // (The values are 64-bit integers in C++: Number() makes sure they compare as numbers.)
    readonly property var startMark: root.raceMarks.find(mark => Number(mark.value) === 0) ?? null
    readonly property var endMark: root.raceMarks.find(mark => Number(mark.value) !== 0) ?? null
    /// "waiting" (not started), "racing", "completed" or "timed out".
    readonly property string outcome: root.endMark ? (Number(root.endMark.value) === 1 ? "completed" : "timed out")
                                                   : root.startMark ? "racing" : "waiting"
    /// Time into the race on the scenario clock: it stops when the race is decided.
    readonly property real raceMs: root.startMark
        ? Math.max(0, (root.endMark ? root.endMark.t : root.controller.elapsedMs) - root.startMark.t)
        : 0
    /// Both bars share one scale, so their lengths compare.
    readonly property real scaleMs: Math.max(1, root.workMs, root.timeoutMs)

    // Inline components do not see this file's ids: what they show comes in as properties.
    /// One side of the race: a track as long as its duration, filled as the clock runs.
    component RaceBar: ColumnLayout {
        id: bar

        required property string title
        required property real lengthMs
        required property real elapsedMs
        required property real scaleMs
        required property color tint
        /// Whether this side won (the race is over and it finished first).
        property bool won: false
        /// Whether the other side won: this one was dropped where it stood.
        property bool lost: false
        /// How far this side has got, for tests and for the label.
        readonly property real progressMs: Math.min(bar.lengthMs, bar.elapsedMs)
        readonly property real leftMs: Math.max(0, bar.lengthMs - bar.elapsedMs)

        spacing: 2

        Label {
            Layout.fillWidth: true
            text: bar.lost ? qsTr("%1 · %2 s · dropped at %3 s").arg(bar.title).arg((bar.lengthMs / 1000).toFixed(1)).arg((bar.progressMs / 1000).toFixed(1))
                           : qsTr("%1 · %2 s · %3 s left").arg(bar.title).arg((bar.lengthMs / 1000).toFixed(1)).arg((bar.leftMs / 1000).toFixed(1))
            font.pixelSize: Theme.px(15)
            font.bold: bar.won
            color: bar.won ? bar.tint : Theme.text
            elide: Text.ElideRight
        }
        Item {
            Layout.fillWidth: true
            Layout.preferredHeight: Theme.px(22)

            Rectangle {
                id: track

                width: parent.width * Math.min(1, bar.lengthMs / bar.scaleMs)
                height: parent.height
                radius: 4
                color: Theme.laneBackground
                border.color: bar.won ? bar.tint : Theme.outline
                border.width: bar.won ? 3 : 1

                Rectangle {
                    width: track.width * (bar.lengthMs > 0 ? bar.progressMs / bar.lengthMs : 1)
                    height: parent.height
                    radius: 4
                    color: bar.tint
                    opacity: bar.lost ? 0.4 : 0.85
                }
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(20)

        // The timeout race.
        ColumnLayout {
            // Room for the cards too on a small window (a nested layout fills by default).
            Layout.fillWidth: false
            Layout.preferredWidth: Math.min(Theme.px(320), root.width * 0.36)
            Layout.maximumWidth: Theme.px(320)
            Layout.fillHeight: true
            spacing: Theme.px(8)

            Label {
                Layout.fillWidth: true
                text: qsTr("timeout(%1 ms, slow_operation)").arg(root.timeoutMs)
                font.pixelSize: Theme.px(17)
                font.bold: true
                font.family: "monospace"
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(11)
            }
            RaceBar {
                objectName: "workBar"
                Layout.fillWidth: true
                title: qsTr("Work")
                lengthMs: root.workMs
                elapsedMs: root.raceMs
                scaleMs: root.scaleMs
                tint: Theme.active
                won: root.outcome === "completed"
                lost: root.outcome === "timed out"
            }
            RaceBar {
                objectName: "timeoutBar"
                Layout.fillWidth: true
                title: qsTr("Timeout")
                lengthMs: root.timeoutMs
                elapsedMs: root.raceMs
                scaleMs: root.scaleMs
                tint: Theme.caution
                won: root.outcome === "timed out"
                lost: root.outcome === "completed"
            }
            Label {
                /// The race's state in one word, for tests: see root.outcome.
                readonly property string outcome: root.outcome

                objectName: "raceOutcome"
                Layout.fillWidth: true
                Layout.topMargin: Theme.px(4)
                text: {
                    switch (root.outcome) {
                    case "completed": return qsTr("Completed in %1 s").arg((root.raceMs / 1000).toFixed(2))
                    case "timed out": return qsTr("Timed out after %1 s").arg((root.raceMs / 1000).toFixed(2))
                    case "racing":
                        return root.raceMs >= Math.min(root.workMs, root.timeoutMs)
                               ? qsTr("Deciding · %1 s").arg((root.raceMs / 1000).toFixed(1))
                               : qsTr("Racing · %1 s").arg((root.raceMs / 1000).toFixed(1))
                    default: return qsTr("Press Run")
                    }
                }
                color: root.outcome === "completed" ? Theme.good : root.outcome === "timed out" ? Theme.bad : Theme.text
                font.pixelSize: Theme.px(30)
                font.bold: true
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(14)
            }
            Label {
                Layout.fillWidth: true
                text: root.outcome === "timed out"
                      ? qsTr("The timeout dropped the operation at its await: its sleep was cancelled.")
                      : root.outcome === "completed"
                        ? qsTr("slow_operation returned \"Done!\" before the timeout fired.")
                        : root.outcome === "racing" && root.raceMs >= Math.min(root.workMs, root.timeoutMs)
                          ? qsTr("A timer has fired, but the caller is still queued for a worker: busy workers delay even a timeout.")
                        : root.workMs < root.timeoutMs
                        ? qsTr("The work is shorter than the timeout, so it should finish first.")
                        : qsTr("The work outlasts the timeout: the caller gives up first.")
                font.pixelSize: Theme.px(14)
                opacity: 0.85
                wrapMode: Text.Wrap
                maximumLineCount: 3
                elide: Text.ElideRight
            }
            Label {
                objectName: "workerNamesLabel"
                Layout.fillWidth: true
                Layout.topMargin: Theme.px(4)
                visible: root.controller.workerNames.length > 0
                text: qsTr("Worker threads: %1").arg(root.controller.workerNames.join(", "))
                font.pixelSize: Theme.px(14)
                wrapMode: Text.Wrap
                maximumLineCount: 3
                elide: Text.ElideRight
            }
            Item {
                Layout.fillHeight: true
            }
        }

        TaskCards {
            objectName: "taskCards"
            Layout.fillWidth: true
            Layout.fillHeight: true
            controller: root.controller
        }
    }
}
