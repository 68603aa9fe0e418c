import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// FuturesUnordered over HTTP: one bar per request along a time axis, growing while the
/// request is in flight and coloured by its HTTP status once it lands (2xx green, 4xx/5xx red,
/// no answer amber); the completion order fills in on the right, and the run's total time
/// stands beside its slowest request — all at once, the total is the slowest, not the sum.
///
/// Why plain Qt Quick items: a bar is a Rectangle whose width is bound to the clock, which the
/// scene graph redraws cheaply; a Canvas would repaint every bar every frame, and Qt Charts has
/// no bar that grows from its own start time (a Gantt row). Past a few dozen requests the rows
/// get thin and lose their labels, but the bars and the completion list stay exact.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property int requests: root.controller.effectiveParameters["requests"] ?? 3
    /// The guide's code: one task polls every request, with no limit, and drops the unanswered.
    readonly property bool seed: root.controller.variant === "seed"
    /// The limit in force: the seed has none, whatever the parameter says.
    readonly property int concurrency: root.seed ? 0 : root.controller.effectiveParameters["concurrency"] ?? 0
    readonly property bool simulated: root.controller.deterministic
                                      || root.controller.effectiveParameters["transport"] === "simulated"
    readonly property var metrics: root.controller.metrics
    readonly property bool finished: root.metrics["total_ms"] !== undefined
    readonly property real nowMs: root.controller.elapsedMs
    readonly property int inFlight: root.counter("requests in flight", 0)
    readonly property int maxInFlight: root.feed.revision >= 0 ? root.feed.peak("requests in flight", 0) : 0
    /// Per request, from its trace counter "request <i>" (-1 while in flight, then its status)
    /// and the "completion <k>" counters (the k-th answer handled was request value):
    /// {index, started, startMs, endMs, status, inFlight, rank}.
    readonly property var rows: root.feed.revision >= 0 ? root.readRows() : []
    /// Requests that ended without an answer (status 0), from the trace.
    readonly property int unanswered: {
        let count = 0
        for (const row of root.rows) {
            if (row.started && !row.inFlight && row.status === 0)
                ++count
        }
        return count
    }
    /// The request indices in the order their answers were handled.
    readonly property var completionOrder: root.feed.revision >= 0 ? root.readCompletionOrder() : []
    /// When the first request went out (trace time, ms); -1 before.
    readonly property real startMs: {
        let first = -1
        for (const row of root.rows) {
            if (row.started && (first < 0 || row.startMs < first))
                first = row.startMs
        }
        return first
    }
    readonly property real lastEndMs: {
        let last = -1
        for (const row of root.rows) {
            if (row.started && !row.inFlight)
                last = Math.max(last, row.endMs)
        }
        return last
    }
    /// The run so far: to now while requests are out, the scenario's own total once finished.
    readonly property real totalMs: root.finished ? root.metrics["total_ms"]
                                                  : root.startMs < 0 ? 0 : Math.max(0, root.nowMs - root.startMs)
    /// The longest request, finished or still out.
    readonly property real slowestMs: {
        let slowest = 0
        for (const row of root.rows) {
            if (row.started)
                slowest = Math.max(slowest, (row.inFlight ? root.nowMs : row.endMs) - row.startMs)
        }
        return slowest
    }
    /// What the requests would take one after the other ("In sequence").
    readonly property real sumMs: {
        let sum = 0
        for (const row of root.rows) {
            if (row.started)
                sum += (row.inFlight ? root.nowMs : row.endMs) - row.startMs
        }
        return sum
    }
    /// The time axis' length: a round number above what has happened, so it rescales in steps.
    readonly property real axisMs: root.niceCeiling(Math.max(100, root.totalMs * 1.05, root.lastEndMs - root.startMs))
    readonly property real rowHeight: Math.min(Theme.px(40), (chart.height - Theme.px(24)) / Math.max(1, root.requests))
    readonly property bool labelled: root.rowHeight >= Theme.px(20)

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    /// The rows (see rows) as the trace has them now.
    function readRows(): var {
        const ranks = {}
        const order = root.readCompletionOrder()
        for (let place = 0; place < order.length; ++place)
            ranks[order[place]] = place + 1
        const out = []
        for (let index = 0; index < root.requests; ++index) {
            const samples = root.feed.history("request " + index)
            const status = root.values["request " + index]
            const started = samples.length > 0
            out.push({
                index: index,
                started: started,
                startMs: started ? samples[0].t : 0,
                // An answer within a few ms of the start shares its sample: it ended at once.
                endMs: started ? samples[samples.length - 1].t : 0,
                status: started ? status : -1,
                inFlight: started && status < 0,
                rank: ranks[index] ?? 0
            })
        }
        return out
    }

    /// "completion 1", "completion 2", … up to the first not traced yet.
    function readCompletionOrder(): var {
        const order = []
        for (let place = 1; place <= root.requests; ++place) {
            const index = root.values["completion " + place]
            if (index === undefined)
                break
            order.push(index)
        }
        return order
    }

    /// 1, 2 or 5 × a power of ten, at least @p ms.
    function niceCeiling(ms: real): real {
        const power = Math.pow(10, Math.floor(Math.log10(ms)))
        for (const step of [1, 2, 5, 10]) {
            if (step * power >= ms)
                return step * power
        }
        return 10 * power
    }

    /// "850 ms", "1.25 s".
    function duration(ms: real): string {
        return ms < 1000 ? qsTr("%1 ms").arg(Math.round(ms)) : qsTr("%1 s").arg((ms / 1000).toFixed(2))
    }

    /// In flight (-1), no answer (0), 2xx/3xx, or an error status.
    function statusColor(status: int): color {
        if (status < 0)
            return Theme.active
        if (status === 0)
            return Theme.caution
        return status >= 200 && status < 400 ? Theme.good : Theme.bad
    }

    function statusText(status: int): string {
        return status < 0 ? qsTr("in flight") : status === 0 ? (root.seed ? qsTr("dropped") : qsTr("no answer"))
                                                             : String(status)
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(8)

        // The numbers a teacher points at: the total against the slowest and the sum.
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.px(20)

            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "inFlightCount"
                caption: root.concurrency > 0 ? qsTr("In flight (limit %1)").arg(root.concurrency)
                                              : root.seed ? qsTr("In flight (no limit)") : qsTr("In flight")
                value: root.inFlight
                suffix: qsTr("· max %1").arg(root.maxInFlight)
                color: Theme.active
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "doneCount"
                caption: qsTr("Answered")
                value: root.completionOrder.length - root.unanswered
                suffix: qsTr("/ %1").arg(root.requests)
                color: Theme.good
            }
            // The lesson of the seed: what its result leaves out without a word.
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "unansweredCount"
                caption: root.seed ? qsTr("Dropped unseen") : qsTr("No answer (kept)")
                value: root.unanswered
                color: Theme.caution
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "totalTime"
                caption: root.finished ? qsTr("Total time") : qsTr("Time so far")
                value: root.duration(root.totalMs)
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "slowestTime"
                caption: qsTr("Slowest")
                value: root.duration(root.slowestMs)
                color: Theme.caution
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "sumTime"
                caption: qsTr("In sequence")
                value: root.duration(root.sumMs)
                color: Theme.idle
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.px(16)

            // The bars: one row per request, in request order, on a shared time axis.
            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: 2

                Label {
                    Layout.fillWidth: true
                    text: (root.seed ? qsTr("Seed: one task polls every request, a client each")
                                     : qsTr("Robust: a task per request, one shared client"))
                          + " — " + (root.simulated ? qsTr("simulated (timers on the runtime clock)")
                                                    : qsTr("real HTTP on 127.0.0.1"))
                    font.pixelSize: Theme.px(15)
                    opacity: 0.8
                    elide: Text.ElideRight
                }
                Item {
                    id: chart

                    /// Left of the bars: the request's name.
                    readonly property real gutter: root.labelled ? Theme.px(44) : Theme.px(6)
                    readonly property real plotWidth: chart.width - chart.gutter - Theme.px(90)

                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.minimumHeight: Theme.px(60)
                    clip: true

                    // The time axis, right under the last row: a faint line and a label per
                    // quarter of the axis, from the first request's start.
                    Repeater {
                        model: 5

                        Item {
                            id: tick

                            required property int index
                            readonly property real tickX: chart.gutter + tick.index / 4 * chart.plotWidth

                            Rectangle {
                                x: tick.tickX
                                y: 0
                                width: 1
                                height: root.requests * root.rowHeight
                                color: Theme.outline
                                opacity: 0.5
                            }
                            Label {
                                x: tick.tickX - (tick.index === 0 ? 0 : width / 2)
                                y: root.requests * root.rowHeight + Theme.px(2)
                                text: root.duration(tick.index / 4 * root.axisMs)
                                font.pixelSize: Theme.px(13)
                                opacity: 0.7
                            }
                        }
                    }
                    Repeater {
                        // A count, not the rows themselves: the delegates stay while their
                        // data changes every frame (an array model would rebuild them all).
                        model: root.requests

                        Item {
                            id: rowItem

                            required property int index
                            readonly property var modelData: root.rows[rowItem.index]
                                                             ?? {index: rowItem.index, started: false, startMs: 0, endMs: 0,
                                                                 status: -1, inFlight: false, rank: 0}

                            x: 0
                            y: rowItem.index * root.rowHeight
                            width: chart.width
                            height: root.rowHeight

                            // Stripes help read a row across; on rows a pixel or two high they
                            // would only shimmer.
                            Rectangle {
                                anchors.fill: parent
                                visible: root.labelled
                                color: rowItem.index % 2 === 0 ? Theme.laneBackground : "transparent"
                            }
                            Label {
                                visible: root.labelled
                                x: 0
                                width: chart.gutter - Theme.px(6)
                                anchors.verticalCenter: parent.verticalCenter
                                text: "#" + rowItem.modelData.index
                                horizontalAlignment: Text.AlignRight
                                font.pixelSize: Theme.px(14)
                                opacity: 0.75
                            }
                            Label {
                                visible: root.labelled && !rowItem.modelData.started
                                x: chart.gutter + Theme.px(6)
                                anchors.verticalCenter: parent.verticalCenter
                                text: qsTr("waiting for a free slot")
                                font.pixelSize: Theme.px(13)
                                opacity: 0.55
                            }
                            Rectangle {
                                id: bar

                                /// What the tests read: which request, where it stands.
                                readonly property int index: rowItem.modelData.index
                                readonly property bool inFlight: rowItem.modelData.inFlight
                                readonly property int status: rowItem.modelData.status
                                readonly property int rank: rowItem.modelData.rank
                                readonly property real endMs: bar.inFlight ? root.nowMs : rowItem.modelData.endMs

                                objectName: "requestBar"
                                visible: rowItem.modelData.started
                                x: chart.gutter + (rowItem.modelData.startMs - root.startMs) / root.axisMs * chart.plotWidth
                                width: Math.max(Theme.px(4), (bar.endMs - rowItem.modelData.startMs) / root.axisMs * chart.plotWidth)
                                y: root.rowHeight * 0.15
                                height: Math.max(1, root.rowHeight * 0.7)
                                radius: Math.min(4, height / 2)
                                color: root.statusColor(bar.status)
                                opacity: bar.inFlight ? 0.85 : 1

                                // The growing end of a request still out pulses.
                                Rectangle {
                                    anchors.right: parent.right
                                    anchors.top: parent.top
                                    anchors.bottom: parent.bottom
                                    width: Theme.px(4)
                                    visible: bar.inFlight && root.labelled
                                    color: Theme.highlight

                                    SequentialAnimation on opacity {
                                        running: bar.inFlight && root.labelled
                                        loops: Animation.Infinite
                                        NumberAnimation { from: 0.9; to: 0.2; duration: 450 }
                                        NumberAnimation { from: 0.2; to: 0.9; duration: 450 }
                                    }
                                }
                            }
                            Label {
                                visible: root.labelled && rowItem.modelData.started
                                x: bar.x + bar.width + Theme.px(6)
                                anchors.verticalCenter: parent.verticalCenter
                                text: bar.inFlight ? root.duration(root.nowMs - rowItem.modelData.startMs)
                                                   : bar.rank > 0 ? qsTr("%1 · #%2").arg(root.statusText(bar.status)).arg(bar.rank)
                                                                  : root.statusText(bar.status)
                                color: bar.inFlight ? Theme.text : root.statusColor(bar.status)
                                font.pixelSize: Theme.px(15)
                                font.bold: !bar.inFlight
                            }
                        }
                    }
                }
            }

            // The completion order, filling in as answers arrive.
            ColumnLayout {
                Layout.fillHeight: true
                Layout.preferredWidth: Theme.px(230)
                spacing: 2

                Label {
                    text: qsTr("Completion order")
                    font.pixelSize: Theme.px(16)
                    font.bold: true
                }
                ListView {
                    id: completionList

                    objectName: "completionList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    // A count: one more answer adds a delegate instead of rebuilding the list.
                    model: root.completionOrder.length
                    spacing: 2
                    // Follow the newest answer.
                    onCountChanged: completionList.positionViewAtEnd()

                    delegate: Rectangle {
                        id: entry

                        required property int index
                        /// The request that answered index-th.
                        readonly property int request: root.completionOrder[entry.index] ?? -1
                        readonly property var row: root.rows[entry.request]
                        readonly property int status: entry.row ? entry.row.status : -1

                        objectName: "completionEntry"
                        width: ListView.view.width
                        height: Theme.px(28)
                        radius: 4
                        color: Theme.over(root.statusColor(entry.status), 0.3)

                        Label {
                            anchors.left: parent.left
                            anchors.leftMargin: Theme.px(6)
                            anchors.verticalCenter: parent.verticalCenter
                            text: qsTr("%1.  request #%2").arg(entry.index + 1).arg(entry.request)
                            font.pixelSize: Theme.px(15)
                        }
                        Label {
                            anchors.right: parent.right
                            anchors.rightMargin: Theme.px(6)
                            anchors.verticalCenter: parent.verticalCenter
                            text: root.statusText(entry.status)
                            color: root.statusColor(entry.status)
                            font.pixelSize: Theme.px(15)
                            font.bold: true
                        }
                    }
                }
            }
        }
    }
}
