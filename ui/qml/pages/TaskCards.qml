import QtQuick
import QtQuick.Controls
import Taskscope

/// The tasks of the run as cards in four lanes — spawned and scheduled, running (one seat per
/// worker thread, named as the thread), sleeping or idle (with the line it awaits at), and
/// finished (in the order they finished) — each card gliding to its new lane when the task's
/// state changes in a drained frame. A click selects the card's task (its details in the
/// Tasks tab, its polls outlined on the timeline). Shared by the runtime and join-set pages.
///
/// Plain Qt Quick items rather than Canvas or Qt Charts: at most `capacity` cards (24) exist,
/// each a Rectangle the scene graph batches, and a card that moves is one animated x/y — no
/// repainting of a whole canvas per frame, and nothing here is a chart.
Item {
    id: root

    required property EngineController controller

    readonly property TaskCardModel cards: root.controller.taskCards
    /// Cards per lane (a list of ints) and the worker threads' names, as C++ gives them.
    readonly property var counts: root.cards.laneCounts
    readonly property var workerNames: root.controller.workerNames
    readonly property int seats: Math.max(1, root.workerNames.length)
    // Short titles: a lane can be as narrow as a card. The seats say "on which worker", the
    // cards "awaiting where".
    readonly property var lanes: [
        {title: qsTr("Scheduled"), short: qsTr("Sched."), color: Theme.caution},
        {title: qsTr("Running"), short: qsTr("Run"), color: Theme.active},
        {title: qsTr("Awaiting"), short: qsTr("Wait"), color: Theme.idle},
        {title: qsTr("Finished"), short: qsTr("Done"), color: Theme.good}
    ]
    /// Lanes too narrow for the full titles (a 1280-pixel window beside the join-set lists)
    /// say them short rather than cut them.
    readonly property bool shortTitles: root.laneWidth < Theme.px(125)
    readonly property real gap: Theme.px(8)
    readonly property real headerHeight: Theme.px(28)
    readonly property real laneWidth: (root.width - 3 * root.gap) / 4
    readonly property real laneHeight: root.height - Theme.px(22)
    /// A lane's inside, between its half-gap margins.
    readonly property real innerWidth: root.laneWidth - root.gap
    readonly property real minimumCardWidth: Theme.px(150)
    readonly property real minimumCardHeight: Theme.px(18)
    /// The most cards a lane holds (the running lane holds one per worker, in rows).
    readonly property int fullestLane: Math.max(root.counts[0] ?? 0, root.counts[2] ?? 0, root.counts[3] ?? 0, 1)
    /// Rows of the smallest cards that fit in a lane's height.
    readonly property int rowsThatFit: Math.max(1, Math.floor((root.cardArea + root.gap / 2) / (root.minimumCardHeight + root.gap / 2)))
    /// Cards side by side in a lane: as many as fit at a readable width, or more (narrower)
    /// when the fullest lane would not fit in height otherwise.
    readonly property int perRow: Math.max(1, Math.floor((root.innerWidth + root.gap / 2) / (root.minimumCardWidth + root.gap / 2)),
                                           Math.ceil(root.fullestLane / root.rowsThatFit))
    readonly property real cardWidth: (root.innerWidth - (root.perRow - 1) * root.gap / 2) / root.perRow
    /// Rows the fullest lane needs (the running lane always has a row per worker).
    readonly property int rowsNeeded: Math.max(root.seats, Math.ceil(root.fullestLane / root.perRow))
    readonly property real cardArea: root.laneHeight - root.headerHeight - root.gap / 2
    readonly property real cardHeight: Math.max(root.minimumCardHeight, Math.min(Theme.px(54), (root.cardArea - (root.rowsNeeded - 1) * root.gap / 2) / root.rowsNeeded))
    /// Room for the second line (the worker, or where the task waits)?
    readonly property bool roomy: root.cardHeight >= Theme.px(44)

    function laneX(lane: int): real {
        return lane * (root.laneWidth + root.gap)
    }

    function colorOf(state: string): color {
        switch (state) {
        case "scheduled": return Theme.caution
        case "running": return Theme.active
        case "idle": return Theme.idle
        case "done": return Theme.good
        default: return Theme.bad // cancelled, panicked
        }
    }

    // The lanes, behind the cards.
    Repeater {
        model: root.lanes

        Rectangle {
            id: lane

            required property int index
            required property var modelData

            x: root.laneX(lane.index)
            width: root.laneWidth
            height: root.laneHeight
            radius: 6
            color: Theme.laneBackground

            Label {
                x: root.gap
                width: parent.width - 2 * root.gap
                height: root.headerHeight
                verticalAlignment: Text.AlignVCenter
                text: (root.shortTitles ? lane.modelData.short : lane.modelData.title) + "  " + (root.counts[lane.index] ?? 0)
                color: lane.modelData.color
                font.pixelSize: Theme.px(15)
                font.bold: true
                // A narrow lane shrinks its title rather than cut it.
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(10)
                elide: Text.ElideRight
            }
        }
    }
    // The running lane's seats: one per worker thread, named as the thread.
    Repeater {
        model: root.seats

        Rectangle {
            id: seat

            required property int index

            objectName: "workerSeat"
            x: root.laneX(1) + root.gap / 2
            y: root.headerHeight + seat.index * (root.cardHeight + root.gap / 2)
            width: root.innerWidth
            height: root.cardHeight
            radius: 5
            color: "transparent"
            border.color: Theme.outline
            border.width: 1

            Label {
                /// The worker thread's name, for tests.
                readonly property string workerName: root.workerNames[seat.index] ?? ""

                objectName: "workerSeatName"
                anchors.fill: parent
                anchors.margins: Theme.px(6)
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
                // An empty seat is a free worker: its name is all it needs to say.
                text: root.workerNames.length > 0 ? root.workerNames[seat.index] : qsTr("no workers yet")
                font.pixelSize: Math.min(Theme.px(14), root.cardHeight * 0.55)
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(9)
                opacity: 0.6
                elide: Text.ElideRight
            }
        }
    }
    // The cards: one per task, the newest `capacity` of them.
    Repeater {
        model: root.cards

        Rectangle {
            id: card

            required property int taskId
            required property string name
            required property string taskState
            required property int lane
            required property int slot
            required property int worker
            required property string awaitingAt
            required property color taskColor
            readonly property int column: card.lane === 1 ? 0 : card.slot % root.perRow
            readonly property int row: card.lane === 1 ? card.slot : Math.floor(card.slot / root.perRow)
            readonly property color stateColor: root.colorOf(card.taskState)
            readonly property bool selected: Number(root.controller.selectedTask) === card.taskId
            readonly property string detail: {
                switch (card.taskState) {
                case "running": return qsTr("on %1").arg(root.workerNames[card.worker] ?? qsTr("worker %1").arg(card.worker))
                case "idle": return card.awaitingAt.length > 0 ? card.awaitingAt : qsTr("idle")
                default: return card.taskState
                }
            }

            objectName: "taskCard"
            x: root.laneX(card.lane) + root.gap / 2 + card.column * (root.cardWidth + root.gap / 2)
            y: root.headerHeight + card.row * (root.cardHeight + root.gap / 2)
            width: card.lane === 1 ? root.innerWidth : root.cardWidth
            height: root.cardHeight
            radius: 5
            color: Theme.over(card.stateColor, card.taskState === "running" ? 0.8 : 0.3)
            // The selected task (click a card, or a poll on the timeline) is outlined.
            border.color: card.selected ? Theme.highlight : card.stateColor
            border.width: card.selected ? 3 : 2
            // No clip: the labels elide or shrink to the card's width and the strip is inside
            // it. A clip made every card a scene-graph batch root of its own, so each card's
            // frame, strip and two labels were four draw calls that could merge with no other
            // card's (a hundred at 24 cards, each costly on a CPU rasterizer).

            TapHandler {
                onTapped: root.controller.selectedTask = card.taskId
            }

            // The card glides to its new lane: the eye follows one task through its states.
            Behavior on x {
                NumberAnimation { duration: 250; easing.type: Easing.OutCubic }
            }
            Behavior on y {
                NumberAnimation { duration: 250; easing.type: Easing.OutCubic }
            }
            Behavior on color {
                ColorAnimation { duration: 150 }
            }

            // The task's own colour, as on the timeline, so a card can be found there too.
            Rectangle {
                width: Theme.px(6)
                height: parent.height
                radius: 2
                color: card.taskColor
            }
            Column {
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                anchors.leftMargin: Theme.px(12)
                anchors.rightMargin: Theme.px(4)

                Label {
                    width: parent.width
                    text: card.name
                    font.pixelSize: Math.min(Theme.px(15), root.cardHeight * 0.6)
                    font.bold: true
                    // A narrow card shrinks the name before it cuts it, and then cuts the
                    // front: the index at the end tells "background-3" from "background-4".
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: Theme.px(10)
                    elide: Text.ElideLeft
                }
                Label {
                    width: parent.width
                    visible: root.roomy
                    text: card.detail
                    font.pixelSize: Theme.px(13)
                    opacity: 0.85
                    // The line number matters most: "…scenario.cpp:17".
                    elide: Text.ElideLeft
                }
            }
        }
    }
    Label {
        objectName: "hiddenTasksNote"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: Theme.px(20)
        verticalAlignment: Text.AlignBottom
        text: root.cards.hiddenCount > 0
              ? qsTr("The newest %1 tasks are shown; %2 older ones are not (the Tasks tab lists all).").arg(root.cards.capacity).arg(root.cards.hiddenCount)
              : qsTr("One card per task; a new one waits in Scheduled until a worker polls it.")
        font.pixelSize: Theme.px(13)
        opacity: 0.75
        elide: Text.ElideRight
    }
}
