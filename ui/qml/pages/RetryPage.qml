import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// Retry with backoff: each recent call as a lane on a shared time axis that starts at the
/// call's first attempt, so the calls line up — its attempts (green: succeeded, red: failed,
/// grey: refused by the breaker) and between them the backoff waits as bars as long as the
/// delay drawn. With full jitter each bar sits inside its ceiling, min(max, base × 2ⁿ), drawn
/// as an outline: the waits scatter; without jitter every bar is its ceiling and the calls
/// retry in step. Beside it the totals, and the breaker's state when the calls go through one.
///
/// Drawn with plain Qt Quick items (a lane per call, a few Rectangles per attempt), not Canvas
/// or Qt Charts: a lane changes only when its call does (one ListModel row each), so a frame
/// touches a handful of items that the scene graph batches, where Canvas would repaint every
/// lane in JavaScript each frame; and a chart of bars keyed by call and attempt is not a plot
/// Qt Charts draws.
///
/// Where the numbers come from (traced in retryscenario.cpp): the instants "retry attempt",
/// "retry outcome" and "retry backoff", whose values say which call, which attempt and how
/// long the wait; the counters "retry attempts", "retry successes", "retry gave up", the
/// pattern's "downstream call backing off" and the breaker's "breaker state".
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame.
    readonly property var values: root.feed.values
    readonly property var parameters: root.controller.effectiveParameters
    readonly property int attempts: root.parameters["attempts"] ?? 3
    readonly property real baseMs: root.parameters["base_backoff_ms"] ?? 50
    readonly property real maxMs: root.parameters["max_backoff_ms"] ?? 2000
    readonly property bool jittered: (root.parameters["jitter"] ?? "full") !== "none"
    readonly property real latencyMs: root.parameters["downstream_latency_ms"] ?? 20
    readonly property bool withBreaker: root.parameters["breaker"] ?? false
    readonly property int breakerState: root.counter("breaker state", 0)
    readonly property var stateNames: [qsTr("Closed"), qsTr("Open"), qsTr("Half-open")]
    readonly property var stateColors: [Theme.good, Theme.bad, Theme.caution]
    readonly property var outcomeColors: [Theme.bad, Theme.good, Theme.idle]
    /// The longest a call can take: every retry's ceiling plus every attempt's latency. The
    /// axis stays put for the whole run instead of jumping with each new call.
    readonly property real axisMs: {
        let total = root.attempts * root.latencyMs
        for (let retry = 0; retry < root.attempts - 1; ++retry)
            total += root.ceiling(retry)
        return Math.max(10, total * 1.04)
    }
    /// Calls kept (and drawn, as far as there is room), the newest last.
    readonly property int keptCalls: 30
    /// records.calls[call] = {call, attempts: [{t, end, outcome}], backoffs: [{t, delayMs}]}.
    /// A record is replaced, never changed in place, and its lane is told through its ListModel
    /// row's revision: the holder itself never changes, so a new record redraws one lane only.
    readonly property var records: ({calls: {}})
    property real lastMarkMs: -1

    /// The latest value of a traced counter (re-read once per drained frame).
    function counter(name: string, fallback: real): real {
        return root.values[name] ?? fallback
    }

    /// The longest wait before retry @p retry: min(max, base × 2^retry).
    function ceiling(retry: int): real {
        return Math.min(root.maxMs, root.baseMs * Math.pow(2, retry))
    }

    /// A copy of call @p call's record to change, or null for a call too old to keep.
    function recordOf(call: int): var {
        const found = root.records.calls[call]
        if (found)
            return {call: call, attempts: found.attempts.slice(), backoffs: found.backoffs.slice()}
        if (lanes.count > 0 && call < lanes.get(0).call)
            return null
        return {call: call, attempts: [], backoffs: []}
    }

    /// Takes the instants traced since the last frame. Applying one twice changes nothing,
    /// so the instants at the last frame's time are simply taken again.
    function followCalls() {
        const marks = root.feed.instants("retry ", 256) // newest first
        if (marks.length === 0) { // a reset
            root.lastMarkMs = -1
            root.records.calls = {}
            lanes.clear()
            return
        }
        const fresh = marks.filter(mark => mark.t >= root.lastMarkMs).reverse()
        if (fresh.length === 0)
            return
        root.lastMarkMs = fresh[fresh.length - 1].t
        let changed = {}
        for (const mark of fresh) {
            let call = 0
            if (mark.name === "retry backoff")
                call = Math.floor((mark.value % 4194304) / 32)
            else if (mark.name === "retry attempt")
                call = Math.floor(mark.value / 32)
            else if (mark.name === "retry outcome")
                call = Math.floor(mark.value / 128)
            else
                continue
            const record = changed[call] ?? root.recordOf(call)
            if (!record)
                continue
            if (mark.name === "retry backoff") {
                const retry = mark.value % 32
                record.backoffs[retry] = {t: mark.t, delayMs: Math.floor(mark.value / 4194304) / 1000}
            } else if (mark.name === "retry attempt") {
                const attempt = mark.value % 32
                if (!record.attempts[attempt])
                    record.attempts[attempt] = {t: mark.t, end: -1, outcome: -1}
            } else {
                const attempt = Math.floor(mark.value / 4) % 32
                const started = record.attempts[attempt]
                record.attempts[attempt] = {t: started ? started.t : mark.t, end: mark.t, outcome: mark.value % 4}
            }
            changed[call] = record
        }
        let next = root.records.calls
        for (const key of Object.keys(changed).map(Number).sort((a, b) => a - b)) {
            next[key] = changed[key]
            let row = -1
            for (let index = lanes.count - 1; index >= 0 && row < 0; --index) {
                if (lanes.get(index).call === key)
                    row = index
            }
            if (row >= 0) {
                lanes.setProperty(row, "revision", lanes.get(row).revision + 1)
            } else {
                lanes.append({call: key, revision: 0})
                while (lanes.count > root.keptCalls) {
                    delete next[lanes.get(0).call]
                    lanes.remove(0)
                }
            }
        }
    }

    Connections {
        target: root.feed
        function onChanged() {
            root.followCalls()
        }
    }

    ListModel {
        id: lanes
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(20)

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.px(6)

            // The policy, and the jitter mode in words.
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.px(14)

                Label {
                    text: qsTr("Up to %1 attempts · wait %2 ms × 2ⁿ, at most %3 ms").arg(root.attempts).arg(root.baseMs).arg(root.maxMs)
                    font.pixelSize: Theme.px(17)
                    font.bold: true
                    wrapMode: Text.Wrap
                    Layout.fillWidth: true
                }
                Rectangle {
                    implicitWidth: jitterLabel.implicitWidth + Theme.px(16)
                    implicitHeight: jitterLabel.implicitHeight + Theme.px(6)
                    radius: height / 2
                    color: Theme.over(Theme.caution, root.jittered ? 0.35 : 0.12)
                    border.color: Theme.caution
                    border.width: 2

                    Label {
                        id: jitterLabel

                        objectName: "jitterLabel"
                        anchors.centerIn: parent
                        text: root.jittered ? qsTr("full jitter") : qsTr("no jitter")
                        font.pixelSize: Theme.px(16)
                        font.bold: true
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                text: root.jittered ? qsTr("Each wait is a random share of its ceiling (outlined), so calls that failed together come back apart.")
                                    : qsTr("Each wait is exactly its ceiling, so calls that failed together come back together.")
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
            }

            // The lanes: one per recent call, time since the call's first attempt across.
            Item {
                id: chart

                readonly property real labelWidth: Theme.px(78)
                readonly property real trackWidth: Math.max(10, chart.width - chart.labelWidth - Theme.px(8))
                readonly property real laneHeight: Theme.px(26)
                readonly property real axisHeight: Theme.px(22)
                readonly property int shownLanes: Math.max(1, Math.floor((chart.height - chart.axisHeight) / chart.laneHeight))
                readonly property real pxPerMs: chart.trackWidth / root.axisMs
                /// A round tick spacing giving about five ticks.
                readonly property real tickMs: {
                    const rough = root.axisMs / 5
                    const power = Math.pow(10, Math.floor(Math.log(rough) / Math.LN10))
                    const steps = [1, 2, 5, 10]
                    for (const step of steps) {
                        if (step * power >= rough)
                            return step * power
                    }
                    return 10 * power
                }

                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: Theme.px(80)
                clip: true

                // The axis ticks, across every lane.
                Repeater {
                    model: Math.floor(root.axisMs / chart.tickMs) + 1

                    Item {
                        id: tick

                        required property int index

                        x: chart.labelWidth + tick.index * chart.tickMs * chart.pxPerMs
                        width: 1
                        height: chart.height

                        Rectangle {
                            width: 1
                            height: chart.height - chart.axisHeight
                            color: Theme.outline
                            opacity: 0.5
                        }
                        Label {
                            x: tick.index === 0 ? 0 : -width / 2
                            y: chart.height - chart.axisHeight + 2
                            text: tick.index === 0 ? qsTr("0 ms") : qsTr("%1").arg(tick.index * chart.tickMs)
                            font.pixelSize: Theme.px(13)
                            opacity: 0.75
                            visible: x + tick.x + width < chart.width
                        }
                    }
                }
                Label {
                    anchors.centerIn: parent
                    visible: lanes.count === 0
                    text: qsTr("Run it: each call appears as a lane, its retries and waits along it.")
                    font.pixelSize: Theme.px(16)
                    opacity: 0.7
                }

                Column {
                    width: chart.width

                    Repeater {
                        model: lanes

                        Item {
                            id: lane

                            required property int index
                            required property int call
                            required property int revision
                            readonly property var info: (lane.revision, root.records.calls[lane.call] ?? {attempts: [], backoffs: []})
                            readonly property real startT: lane.info.attempts.length > 0 && lane.info.attempts[0] ? lane.info.attempts[0].t : 0
                            readonly property var last: lane.info.attempts.length > 0 ? lane.info.attempts[lane.info.attempts.length - 1] : null
                            readonly property bool succeeded: lane.last !== null && lane.last !== undefined && lane.last.outcome === 1
                            readonly property bool gaveUp: lane.last !== null && lane.last !== undefined && lane.last.outcome >= 0
                                                           && lane.last.outcome !== 1 && lane.info.attempts.length >= root.attempts

                            /// The x of time @p t (ms) on this lane.
                            function xOf(t: real): real {
                                return chart.labelWidth + (t - lane.startT) * chart.pxPerMs
                            }

                            objectName: "callLane"
                            visible: lane.index >= lanes.count - chart.shownLanes
                            width: chart.width
                            height: chart.laneHeight

                            Rectangle {
                                x: chart.labelWidth
                                width: chart.trackWidth
                                height: parent.height - 4
                                y: 2
                                color: lane.index % 2 === 0 ? Theme.laneBackground : "transparent"
                            }
                            Label {
                                width: chart.labelWidth - Theme.px(6)
                                anchors.verticalCenter: parent.verticalCenter
                                text: qsTr("call %1").arg(lane.call)
                                font.pixelSize: Theme.px(14)
                                horizontalAlignment: Text.AlignRight
                                elide: Text.ElideLeft
                            }
                            // The backoffs: the ceiling's outline (with jitter), the wait drawn as a bar,
                            // filled as far as it has run.
                            Repeater {
                                model: lane.info.backoffs.length

                                Item {
                                    id: wait

                                    required property int index
                                    readonly property var backoff: lane.info.backoffs[wait.index]
                                    readonly property int call: lane.call
                                    readonly property int retry: wait.index
                                    /// The traced delay, ms.
                                    readonly property real delayMs: wait.backoff ? wait.backoff.delayMs : 0
                                    readonly property real elapsedMs: wait.backoff ? Math.min(wait.delayMs, root.controller.elapsedMs - wait.backoff.t) : 0

                                    objectName: wait.backoff ? "backoffBar" : ""
                                    visible: wait.backoff !== undefined
                                    x: wait.backoff ? lane.xOf(wait.backoff.t) : 0
                                    y: Theme.px(5)
                                    width: Math.max(2, wait.delayMs * chart.pxPerMs)
                                    height: chart.laneHeight - Theme.px(10)

                                    Rectangle {
                                        visible: root.jittered
                                        width: root.ceiling(wait.retry) * chart.pxPerMs
                                        height: parent.height
                                        color: "transparent"
                                        border.color: Theme.caution
                                        border.width: 1
                                        opacity: 0.6
                                        radius: 3
                                    }
                                    Rectangle {
                                        width: parent.width
                                        height: parent.height
                                        radius: 3
                                        color: Theme.over(Theme.caution, 0.3)
                                    }
                                    Rectangle {
                                        width: Math.max(0, wait.elapsedMs) * chart.pxPerMs
                                        height: parent.height
                                        radius: 3
                                        color: Theme.caution
                                    }
                                    Label {
                                        anchors.centerIn: parent
                                        visible: width + Theme.px(6) < parent.width
                                        text: qsTr("%1 ms").arg(Math.round(wait.delayMs))
                                        font.pixelSize: Theme.px(12)
                                        font.bold: true
                                        // Black reads on the amber bar and on its pale, not yet run part, in both themes.
                                        color: "#000000"
                                    }
                                }
                            }
                            // The attempts, from start to outcome (or to now while in flight).
                            Repeater {
                                model: lane.info.attempts.length

                                Rectangle {
                                    id: attemptMark

                                    required property int index
                                    readonly property var attempt: lane.info.attempts[attemptMark.index]
                                    /// 0 failed, 1 succeeded, 2 refused by the breaker, -1 in flight.
                                    readonly property int outcome: attemptMark.attempt ? attemptMark.attempt.outcome : -1
                                    readonly property real endT: !attemptMark.attempt ? 0
                                        : attemptMark.attempt.end >= 0 ? attemptMark.attempt.end : root.controller.elapsedMs

                                    objectName: attemptMark.attempt ? "attemptMark" : ""
                                    visible: attemptMark.attempt !== undefined
                                    x: attemptMark.attempt ? lane.xOf(attemptMark.attempt.t) : 0
                                    y: Theme.px(2)
                                    width: Math.max(Theme.px(6), (attemptMark.endT - (attemptMark.attempt ? attemptMark.attempt.t : 0)) * chart.pxPerMs)
                                    height: chart.laneHeight - Theme.px(4)
                                    radius: 3
                                    color: attemptMark.outcome < 0 ? Theme.active : root.outcomeColors[attemptMark.outcome]
                                }
                            }
                            Label {
                                x: lane.last ? Math.min(lane.xOf(lane.last.end >= 0 ? lane.last.end : lane.last.t) + Theme.px(8), chart.width - width) : 0
                                anchors.verticalCenter: parent.verticalCenter
                                visible: lane.succeeded || lane.gaveUp
                                text: lane.succeeded ? "✓" : qsTr("✕ gave up")
                                color: lane.succeeded ? Theme.good : Theme.bad
                                font.pixelSize: Theme.px(15)
                                font.bold: true
                                leftPadding: 3
                                rightPadding: 3
                                // Readable over the ceiling outlines it may sit on.
                                background: Rectangle {
                                    color: Theme.background
                                    radius: 3
                                }
                            }
                        }
                    }
                }
            }
            // The legend.
            Flow {
                Layout.fillWidth: true
                spacing: Theme.px(14)

                Repeater {
                    model: [
                        {label: qsTr("attempt failed"), color: Theme.bad, outline: false},
                        {label: qsTr("succeeded"), color: Theme.good, outline: false},
                        {label: qsTr("refused by the breaker"), color: Theme.idle, outline: false},
                        {label: qsTr("backoff wait"), color: Theme.caution, outline: false},
                        {label: qsTr("its ceiling"), color: Theme.caution, outline: true}
                    ]

                    Row {
                        id: legendEntry

                        required property var modelData

                        spacing: 6
                        visible: (!legendEntry.modelData.outline || root.jittered)
                                 && (legendEntry.modelData.color !== Theme.idle || root.withBreaker)

                        Rectangle {
                            anchors.verticalCenter: parent.verticalCenter
                            width: Theme.px(16)
                            height: Theme.px(14)
                            radius: 3
                            color: legendEntry.modelData.outline ? "transparent" : legendEntry.modelData.color
                            border.color: legendEntry.modelData.color
                            border.width: 2
                        }
                        Label {
                            text: legendEntry.modelData.label
                            font.pixelSize: Theme.px(14)
                        }
                    }
                }
            }
        }

        ColumnLayout {
            Layout.preferredWidth: Theme.px(170)
            Layout.maximumWidth: Theme.px(170)
            Layout.fillHeight: true
            spacing: Theme.px(4)

            Label {
                objectName: "breakerStateLabel"
                Layout.fillWidth: true
                visible: root.withBreaker
                text: qsTr("Breaker: %1").arg(root.stateNames[root.breakerState] ?? "")
                color: root.stateColors[root.breakerState] ?? Theme.text
                font.pixelSize: Theme.px(20)
                font.bold: true
                fontSizeMode: Text.HorizontalFit
                minimumPixelSize: Theme.px(11)
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "successesCount"
                caption: qsTr("Succeeded")
                value: root.counter("retry successes", 0)
                color: Theme.good
                size: 28
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "gaveUpCount"
                caption: qsTr("Gave up")
                value: root.counter("retry gave up", 0)
                color: Theme.bad
                size: 28
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "attemptsCount"
                caption: qsTr("Attempts")
                value: root.counter("retry attempts", 0)
                size: 28
            }
            BigNumber {
                controller: root.controller
                Layout.fillWidth: true
                objectName: "backingOffCount"
                caption: qsTr("Waiting to retry")
                value: root.counter("downstream call backing off", 0)
                color: Theme.caution
                size: 28
            }
            Item {
                Layout.fillHeight: true
            }
        }
    }
}
