import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The cancellation tree: the root token at the top, below it one node per task — its child
/// token and the task that watches it — drawn as a tree. When cancel() comes, the cancelled
/// token and every token below it light up, level by level, so the propagation reads; tokens
/// above it stay dark. Each node shows its task's race (the seed's select!): the work against
/// token.cancelled(), the winner filled and the loser struck out as aborted. Beside the tree,
/// the first task's race on a time axis and the tally.
///
/// The tree's shape and state come from the trace only: the scenario traces a "select <task>"
/// counter per task (0 racing, 1 the work won, 2 the token won) and a "token <node>" counter
/// set to 1 when that token is cancelled; the names carry the shape ("task-0.1" is a child of
/// "task-0", whose token is a child of "root"). QML only lays them out.
///
/// Drawn with plain Qt Quick items (Rectangles, Labels and a Repeater): a tree of a few dozen
/// nodes with per-node animations is what they do best, each node is an item a test can read,
/// and nothing here redraws a growing series (that is what LevelPlot's scene-graph node is for).
/// Canvas would repaint the whole tree in JavaScript every frame; Qt Charts has no trees.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property var parameters: root.controller.effectiveParameters
    /// Above this many nodes the deeper levels are left out (they would be specks); the
    /// scenario traces about as many (tracedNodeLimit).
    readonly property int maxNodes: 400
    /// The laid-out tree (see buildTree()).
    readonly property var tree: root.buildTree(root.values)
    readonly property var nodes: root.tree.nodes
    // The whole tree's tally, traced by the scenario (a deep tree's lower levels are counted
    // but not traced node by node).
    readonly property int taskCount: root.values["tree tasks"] ?? 0
    readonly property int cancelledCount: root.values["tree cancelled"] ?? 0
    readonly property int completedCount: root.values["tree work finished"] ?? 0
    /// The level of the highest cancelled token: the light spreads down from there.
    readonly property int litFromLevel: root.tree.litFromLevel
    /// How long the light takes to go down one level (ms): slow enough to follow by eye.
    readonly property int waveStepMs: 220
    /// The first task's race, for the panel: when it started and when it was decided (ms).
    readonly property var firstRace: root.raceTimes("select task-0", root.feed.revision)

    /// "task-0.1.2" → [0, 1, 2]; "root" → [].
    function pathOf(name: string): var {
        if (!name.startsWith("task-"))
            return []
        return name.substring(5).split(".").map(part => parseInt(part))
    }

    /// Orders tree paths depth-first: a parent before its children, siblings by number.
    function comparePaths(a: var, b: var): int {
        for (let i = 0; i < Math.min(a.length, b.length); ++i) {
            if (a[i] !== b[i])
                return a[i] - b[i]
        }
        return a.length - b.length
    }

    /// The nodes from the traced counters, each with its level, parent and place: leaves get
    /// one slot each in depth-first order, a parent sits over the middle of its children.
    function buildTree(values: var): var {
        let tasks = []
        for (const key in values) {
            if (key.startsWith("select task-"))
                tasks.push(key.substring(7))
        }
        const taskTotal = values["tree tasks"] ?? tasks.length
        let list = [{name: "root", path: [], level: 0, parent: -1, race: -1,
                     token: values["token root"] === 1, children: []}]
        tasks = tasks.map(name => ({name: name, path: root.pathOf(name)}))
                     .sort((a, b) => root.comparePaths(a.path, b.path))
        // Whole levels only, so a drawn tree is never cut in the middle of a level.
        let perLevel = []
        for (const task of tasks)
            perLevel[task.path.length] = (perLevel[task.path.length] ?? 0) + 1
        let maxLevel = 0
        let drawn = 1
        for (let level = 1; level < perLevel.length; ++level) {
            if (drawn + (perLevel[level] ?? 0) > root.maxNodes)
                break
            drawn += perLevel[level] ?? 0
            maxLevel = level
        }
        let indexOf = {"root": 0}
        for (const task of tasks) {
            if (task.path.length > maxLevel)
                continue
            const parentName = task.path.length <= 1 ? "root" : "task-" + task.path.slice(0, -1).join(".")
            const parent = indexOf[parentName] ?? -1
            if (parent < 0)
                continue // its parent's counter has not been drained yet: next frame
            indexOf[task.name] = list.length
            list[parent].children.push(list.length)
            list.push({name: task.name, path: task.path, level: task.path.length, parent: parent,
                       race: values["select " + task.name] ?? 0,
                       token: values["token " + task.name] === 1, children: []})
        }
        // Depth-first: leaves take the next slot, parents centre over their children.
        let nextSlot = 0
        function place(index) {
            const node = list[index]
            if (node.children.length === 0) {
                node.slot = nextSlot++
                return
            }
            for (const child of node.children)
                place(child)
            node.slot = (list[node.children[0]].slot + list[node.children[node.children.length - 1]].slot) / 2
        }
        place(0)
        let litFrom = -1
        for (const node of list) {
            if (node.token && (litFrom < 0 || node.level < litFrom))
                litFrom = node.level
        }
        return {nodes: list, leaves: Math.max(1, nextSlot), levels: maxLevel + 1, litFromLevel: litFrom,
                hidden: Math.max(0, taskTotal - (list.length - 1))}
    }

    /// When the race traced by @p counterName started and was decided (-1 while undecided),
    /// and how: {startMs, endMs, outcome}. @p revision is the feed's, passed so the binding
    /// re-reads the history once per drained frame.
    function raceTimes(counterName: string, revision: int): var {
        const samples = root.feed.history(counterName)
        if (samples.length === 0)
            return {startMs: -1, endMs: -1, outcome: -1}
        let end = -1
        let outcome = 0
        for (const sample of samples) {
            if (sample.v !== 0) {
                end = sample.t
                outcome = sample.v
                break
            }
        }
        return {startMs: samples[0].t, endMs: end, outcome: outcome}
    }

    function seconds(ms: real): string {
        return qsTr("%1 s").arg((ms / 1000).toFixed(1))
    }

    // One line of the tree, from a parent's bottom to a child's top; lit with the child's token.
    component Edge: Rectangle {
        id: edge

        required property real x1
        required property real y1
        required property real x2
        required property real y2
        property real heat: 0

        x: edge.x1
        y: edge.y1 - height / 2
        width: Math.hypot(edge.x2 - edge.x1, edge.y2 - edge.y1)
        height: 2 + 3 * edge.heat
        transformOrigin: Item.Left
        rotation: Math.atan2(edge.y2 - edge.y1, edge.x2 - edge.x1) * 180 / Math.PI
        color: Qt.tint(Theme.outline, Qt.rgba(Theme.bad.r, Theme.bad.g, Theme.bad.b, edge.heat))
        antialiasing: true
    }

    // One half of a node's race: the work or token.cancelled(); the winner filled, the loser
    // struck out.
    component Branch: Rectangle {
        id: branch

        required property string caption
        /// 0 racing, 1 this branch won, 2 this branch lost (aborted).
        required property int outcome
        required property color tint

        radius: 3
        color: branch.outcome === 1 ? branch.tint : "transparent"
        border.color: branch.outcome === 2 ? Theme.outline : branch.tint
        border.width: 1
        opacity: branch.outcome === 2 ? 0.55 : 1

        Label {
            anchors.fill: parent
            anchors.leftMargin: 2
            anchors.rightMargin: 2
            text: (branch.outcome === 1 ? "✓ " : branch.outcome === 2 ? "✕ " : "") + branch.caption
            font.pixelSize: Theme.px(13)
            font.bold: branch.outcome === 1
            font.strikeout: branch.outcome === 2
            color: branch.outcome === 1 ? "#ffffff" : Theme.text
            fontSizeMode: Text.HorizontalFit
            minimumPixelSize: Theme.px(7)
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(20)

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.px(6)

            Label {
                Layout.fillWidth: true
                text: qsTr("Each task races its work against its token (select!). cancel() on a token cancels every token below it.")
                font.pixelSize: Theme.px(15)
                opacity: 0.8
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
            }

            Item {
                id: treeArea

                readonly property int levels: root.tree.levels
                readonly property real slotWidth: treeArea.width / root.tree.leaves
                readonly property real rowHeight: treeArea.height / Math.max(1, treeArea.levels)
                /// Nodes shrink to dots when the leaves get narrower than a readable label.
                readonly property bool compact: treeArea.slotWidth < Theme.px(66) || treeArea.rowHeight < Theme.px(76)
                readonly property real nodeWidth: treeArea.compact ? Math.max(6, Math.min(Theme.px(24), treeArea.slotWidth - 3))
                                                                   : Math.min(Theme.px(150), treeArea.slotWidth - Theme.px(6))
                readonly property real nodeHeight: treeArea.compact ? treeArea.nodeWidth
                                                                    : Math.min(Theme.px(84), treeArea.rowHeight - Theme.px(14))

                function centreX(slot: real): real {
                    return (slot + 0.5) * treeArea.slotWidth
                }
                function topY(level: int): real {
                    return level * treeArea.rowHeight + (treeArea.rowHeight - treeArea.nodeHeight) / 2
                }

                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: Theme.px(120)

                Repeater {
                    // A count, not the array: the nodes are rebuilt every frame, and the
                    // delegates (with their running light) must live on while the count holds.
                    model: root.nodes.length

                    Item {
                        id: node

                        required property int index
                        readonly property var modelData: root.nodes[node.index] ?? ({name: "", level: 0, parent: -1, race: -1, token: false, slot: 0})
                        readonly property var parentNode: root.nodes[node.modelData.parent] ?? null
                        readonly property string nodeName: node.modelData.name
                        readonly property bool isRoot: node.modelData.parent < 0
                        /// From the trace: this node's token was cancelled.
                        readonly property bool tokenCancelled: node.modelData.token
                        /// From the trace: 0 racing, 1 the work won, 2 the token won (-1: the root token, no task).
                        readonly property int race: node.modelData.race
                        readonly property string winner: node.race === 1 ? "work" : node.race === 2 ? "cancelled" : ""
                        /// 0 → 1 as the light reaches this node (after the levels above it).
                        property real heat: 0

                        objectName: "tokenNode"
                        x: treeArea.centreX(node.modelData.slot) - width / 2
                        y: treeArea.topY(node.modelData.level)
                        // The root token is alone on its level: room for its name.
                        width: node.isRoot && !treeArea.compact ? Math.max(treeArea.nodeWidth, Theme.px(130)) : treeArea.nodeWidth
                        height: treeArea.nodeHeight

                        onTokenCancelledChanged: node.follow()
                        Component.onCompleted: node.follow()

                        /// Lights the node once its token is cancelled: at once when it already
                        /// was as the page opened, else after the levels above it have lit.
                        function follow() {
                            if (!node.tokenCancelled) {
                                light.stop()
                                node.heat = 0
                            } else if (root.controller.state === EngineController.Running && node.heat === 0) {
                                wait.duration = Math.max(0, node.modelData.level - root.litFromLevel) * root.waveStepMs
                                light.restart()
                            } else if (!light.running) {
                                node.heat = 1
                            }
                        }

                        SequentialAnimation {
                            id: light

                            PauseAnimation {
                                id: wait
                            }
                            NumberAnimation {
                                target: node
                                property: "heat"
                                from: 0
                                to: 1
                                duration: 260
                                easing.type: Easing.OutCubic
                            }
                        }

                        // The line up to the parent, lit with this node's token when the
                        // cancellation came down it (not when it started here).
                        Edge {
                            objectName: "tokenEdge"
                            visible: node.parentNode !== null
                            x1: node.parentNode ? treeArea.centreX(node.parentNode.slot) - node.x : 0
                            y1: node.parentNode ? treeArea.topY(node.parentNode.level) + treeArea.nodeHeight - node.y : 0
                            x2: node.width / 2
                            y2: 0
                            heat: node.parentNode?.token ? node.heat : 0
                        }
                        // The flash as the light arrives, fading to a steady glow.
                        Rectangle {
                            anchors.fill: parent
                            anchors.margins: -Theme.px(6) * node.heat
                            radius: treeArea.compact ? width / 2 : 10
                            color: Theme.bad
                            opacity: 0.35 * node.heat
                            visible: node.heat > 0
                        }
                        Rectangle {
                            id: body

                            anchors.fill: parent
                            radius: treeArea.compact ? width / 2 : 8
                            // Opaque, so the halo behind does not muddy the label.
                            color: Qt.tint(Theme.over(Theme.highlight, 0.05), Qt.rgba(Theme.bad.r, Theme.bad.g, Theme.bad.b, 0.25 * node.heat))
                            border.color: Qt.tint(node.isRoot ? Theme.caution : Theme.outline,
                                                  Qt.rgba(Theme.bad.r, Theme.bad.g, Theme.bad.b, node.heat))
                            border.width: node.isRoot ? 3 : 1 + 2 * node.heat
                        }
                        // Where cancel() was called, once it was: beside the topmost lit token
                        // (the root's, or one further down whose parent stays live).
                        Label {
                            objectName: "cancelCallMark"
                            anchors.left: parent.right
                            anchors.leftMargin: Theme.px(node.isRoot ? 12 : 4)
                            anchors.verticalCenter: parent.verticalCenter
                            visible: node.tokenCancelled && (node.isRoot || !(node.parentNode?.token ?? false))
                            text: qsTr("⚡ cancel()")
                            color: Theme.bad
                            font.pixelSize: Theme.px(node.isRoot ? 20 : 15)
                            font.bold: true
                        }
                        // A dot's race: its fill says who won.
                        Rectangle {
                            anchors.centerIn: parent
                            width: parent.width * 0.5
                            height: width
                            radius: width / 2
                            visible: treeArea.compact && !node.isRoot && node.race > 0
                            color: node.race === 1 ? Theme.good : Theme.bad
                        }
                        ColumnLayout {
                            anchors.fill: parent
                            anchors.margins: Theme.px(4)
                            spacing: Theme.px(2)
                            visible: !treeArea.compact

                            Label {
                                Layout.fillWidth: true
                                Layout.fillHeight: true
                                text: node.isRoot ? qsTr("root token") : node.nodeName
                                font.pixelSize: Theme.px(16)
                                font.bold: true
                                fontSizeMode: Text.Fit
                                minimumPixelSize: Theme.px(8)
                                horizontalAlignment: Text.AlignHCenter
                                verticalAlignment: Text.AlignVCenter
                            }
                            // The race, one branch a line so each caption stays readable in a
                            // narrow node.
                            Branch {
                                Layout.fillWidth: true
                                Layout.preferredHeight: Theme.px(18)
                                visible: !node.isRoot
                                caption: qsTr("work")
                                outcome: node.race === 1 ? 1 : node.race === 2 ? 2 : 0
                                tint: Theme.good
                            }
                            Branch {
                                Layout.fillWidth: true
                                Layout.preferredHeight: Theme.px(18)
                                visible: !node.isRoot
                                caption: qsTr("token")
                                outcome: node.race === 2 ? 1 : node.race === 1 ? 2 : 0
                                tint: Theme.bad
                            }
                        }
                    }
                }

                Label {
                    anchors.bottom: parent.bottom
                    anchors.right: parent.right
                    visible: root.tree.hidden > 0
                    text: qsTr("%n deeper task(s) not drawn", "", root.tree.hidden)
                    font.pixelSize: Theme.px(13)
                    opacity: 0.75
                }
            }
        }

        // The first task's race on a time axis, and the tally.
        ColumnLayout {
            Layout.preferredWidth: Theme.px(300)
            Layout.maximumWidth: Theme.px(300)
            Layout.fillHeight: true
            spacing: Theme.px(8)

            Label {
                Layout.fillWidth: true
                text: qsTr("task-0's race")
                font.pixelSize: Theme.px(18)
                font.bold: true
            }
            // The work: a bar that grows until it finishes or is aborted.
            ColumnLayout {
                id: workRace

                readonly property real workMs: root.parameters["work_ms"] ?? 5000
                readonly property real endMs: root.firstRace.endMs >= 0 ? root.firstRace.endMs : root.controller.elapsedMs
                readonly property real ranMs: root.firstRace.startMs < 0 ? 0 : Math.max(0, workRace.endMs - root.firstRace.startMs)
                /// "running", "won" or "aborted", from the trace.
                readonly property string outcome: root.firstRace.outcome === 1 ? "won" : root.firstRace.outcome === 2 ? "aborted" : "running"

                objectName: "raceWork"
                Layout.fillWidth: true
                spacing: 2

                Label {
                    Layout.fillWidth: true
                    text: workRace.outcome === "won" ? qsTr("✓ work finished after %1").arg(root.seconds(workRace.ranMs))
                        : workRace.outcome === "aborted" ? qsTr("✕ work aborted after %1").arg(root.seconds(workRace.ranMs))
                        : qsTr("work: %1 of %2").arg(root.seconds(workRace.ranMs)).arg(root.seconds(workRace.workMs))
                    color: workRace.outcome === "won" ? Theme.good : workRace.outcome === "aborted" ? Theme.idle : Theme.text
                    font.pixelSize: Theme.px(16)
                    font.bold: workRace.outcome !== "running"
                    wrapMode: Text.Wrap
                }
                Rectangle {
                    Layout.fillWidth: true
                    Layout.preferredHeight: Theme.px(18)
                    color: Theme.laneBackground
                    border.color: Theme.outline
                    radius: 3

                    Rectangle {
                        width: parent.width * Math.min(1, workRace.ranMs / Math.max(1, workRace.workMs))
                        height: parent.height
                        radius: 3
                        color: workRace.outcome === "aborted" ? Theme.idle : Theme.good
                    }
                    // Where the work was cut off.
                    Label {
                        visible: workRace.outcome === "aborted"
                        x: Math.min(parent.width - width, parent.width * Math.min(1, workRace.ranMs / Math.max(1, workRace.workMs)))
                        anchors.verticalCenter: parent.verticalCenter
                        text: "✕"
                        color: Theme.bad
                        font.pixelSize: Theme.px(16)
                        font.bold: true
                    }
                }
            }
            // The token: it fires at cancel_after_ms, or is dropped once the work has won.
            Label {
                id: cancelRace

                /// "waiting", "won" or "dropped", from the trace.
                readonly property string outcome: root.firstRace.outcome === 2 ? "won" : root.firstRace.outcome === 1 ? "dropped" : "waiting"

                objectName: "raceCancel"
                Layout.fillWidth: true
                text: cancelRace.outcome === "won" ? qsTr("✓ cancelled() won at %1").arg(root.seconds(root.firstRace.endMs))
                    : cancelRace.outcome === "dropped" ? qsTr("✕ cancelled() dropped")
                    : (root.parameters["cancel_level"] ?? 0) >= 2
                      ? qsTr("cancelled(): waiting; cancel() at %1 is for a token further down").arg(root.seconds(root.parameters["cancel_after_ms"] ?? 2000))
                      : qsTr("cancelled(): waiting for cancel() at %1").arg(root.seconds(root.parameters["cancel_after_ms"] ?? 2000))
                color: cancelRace.outcome === "won" ? Theme.bad : cancelRace.outcome === "dropped" ? Theme.idle : Theme.text
                font.pixelSize: Theme.px(16)
                font.bold: cancelRace.outcome === "won"
                font.strikeout: cancelRace.outcome === "dropped"
                wrapMode: Text.Wrap
            }

            GridLayout {
                Layout.fillWidth: true
                Layout.topMargin: Theme.px(8)
                columns: 2
                columnSpacing: Theme.px(12)
                rowSpacing: Theme.px(4)

                BigNumber {
                    controller: root.controller
                    Layout.fillWidth: true
                    objectName: "taskCount"
                    caption: qsTr("Tasks")
                    value: root.taskCount
                    size: 30
                }
                BigNumber {
                    controller: root.controller
                    Layout.fillWidth: true
                    objectName: "cancelledCount"
                    caption: qsTr("Cancelled")
                    value: root.cancelledCount
                    color: Theme.bad
                    size: 30
                }
                BigNumber {
                    controller: root.controller
                    Layout.fillWidth: true
                    objectName: "completedCount"
                    caption: qsTr("Finished")
                    value: root.completedCount
                    color: Theme.good
                    size: 30
                }
                BigNumber {
                    controller: root.controller
                    Layout.fillWidth: true
                    objectName: "cancelLatency"
                    caption: qsTr("Latency")
                    // null when nothing was cancelled, absent while the run goes: "–" either way.
                    value: root.controller.metrics["cancel_latency_ms"] ?? "–"
                    suffix: (root.controller.metrics["cancel_latency_ms"] ?? null) === null ? "" : qsTr("ms")
                    size: 30
                }
            }
            Label {
                Layout.fillWidth: true
                Layout.topMargin: Theme.px(8)
                text: treeArea.compact ? qsTr("Dots: red, the token won the race; green, the work did.")
                                       : qsTr("work: long_running_work(); token: token.cancelled(). ✓ won the race, ✕ aborted.")
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                wrapMode: Text.Wrap
                maximumLineCount: 3
                elide: Text.ElideRight
            }
            Item {
                Layout.fillHeight: true
            }
        }
    }
}
