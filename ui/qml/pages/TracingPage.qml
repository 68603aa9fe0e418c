import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// Span timings, live as the spans close: one row per span family — the seed's #[instrument]ed
/// expensive_operation and its timed_task (one "task-N" span per task, counted together as
/// "task-*") — with its count, the spans still open, p50 / p95 / max, and a histogram of the
/// durations with p50 and p95 marked on it. Read from PatternState's span feed (every SpanEnd
/// the trace carries), so the numbers are the trace's, not the scenario's summary.
///
/// Drawn with plain Qt Quick items: a histogram is a few dozen bars whose heights change once
/// per drained frame — a Repeater of Rectangles does that with no JavaScript painting (Canvas
/// repaints everything in script) and without pulling in Qt Charts for one bar chart; each bar
/// is also an item a test can read. LevelPlot's scene-graph node is for long time series, which
/// this is not.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every span family's statistics, re-read once per drained frame (the revision is read
    /// so the binding depends on it: spanStats() itself notifies nothing).
    readonly property var stats: root.feed.revision >= 0 ? root.feed.spanStats() : []
    /// Rows on the page; the rest are counted under them.
    readonly property int maxRows: 4
    readonly property int bucketCount: 30

    /// A duration for a label: whole milliseconds when long, one decimal when short.
    function ms(value: real): string {
        return value >= 100 ? qsTr("%1 ms").arg(Math.round(value)) : qsTr("%1 ms").arg(value.toFixed(1))
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(8)

        Label {
            Layout.fillWidth: true
            text: qsTr("How long each span took, live as spans close: p50 and p95 marked on the histogram.")
            font.pixelSize: Theme.px(15)
            opacity: 0.8
            elide: Text.ElideRight
        }
        Label {
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.stats.length === 0
            text: qsTr("No span has opened yet — press Run.")
            font.pixelSize: Theme.px(20)
            opacity: 0.7
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }

        // The rows share the height in a Column, not straight in the layout: on Qt 6.4 a layout
        // can read a Repeater's delegate after it was freed when the model changes during a
        // relayout.
        Column {
            id: rows

            readonly property int count: Math.min(root.stats.length, root.maxRows)

            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: rows.count > 0
            spacing: Theme.px(8)

            Repeater {
                // A count, not the list: the statistics are rebuilt every frame.
                model: rows.count

                RowLayout {
                    id: row

                    required property int index
                    readonly property var span: root.stats[row.index] ?? ({name: "", count: 0, open: 0, minMs: 0, p50Ms: 0, p95Ms: 0, maxMs: 0})
                    readonly property string spanName: row.span.name
                    readonly property int count: row.span.count
                    readonly property real p50Ms: row.span.p50Ms
                    readonly property real p95Ms: row.span.p95Ms
                    readonly property real maxMs: row.span.maxMs
                    readonly property var histogram: root.feed.revision >= 0 ? root.feed.spanHistogram(row.spanName, root.bucketCount) : ({})

                    objectName: "spanRow"
                    width: rows.width
                    height: (rows.height - rows.spacing * (rows.count - 1)) / Math.max(1, rows.count)
                    spacing: Theme.px(16)

                    ColumnLayout {
                        // Room for three numbers, and the rest for the bars.
                        Layout.preferredWidth: Math.min(Theme.px(330), row.width * 0.42)
                        Layout.maximumWidth: Theme.px(330)
                        Layout.fillHeight: true
                        spacing: Theme.px(2)

                        Label {
                            Layout.fillWidth: true
                            text: row.spanName
                            font.pixelSize: Theme.px(22)
                            font.bold: true
                            fontSizeMode: Text.HorizontalFit
                            minimumPixelSize: Theme.px(11)
                        }
                        Label {
                            Layout.fillWidth: true
                            text: qsTr("%n closed", "", row.count) + (row.span.open > 0 ? qsTr(" · %n open", "", row.span.open) : "")
                            font.pixelSize: Theme.px(15)
                            opacity: 0.85
                            elide: Text.ElideRight
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            spacing: Theme.px(10)

                            BigNumber {
                                controller: root.controller
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                                objectName: "p50Value"
                                caption: qsTr("p50")
                                value: row.count > 0 ? root.ms(row.p50Ms) : "–"
                                color: Theme.active
                                size: 24
                            }
                            BigNumber {
                                controller: root.controller
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                                caption: qsTr("p95")
                                value: row.count > 0 ? root.ms(row.p95Ms) : "–"
                                color: Theme.caution
                                size: 24
                            }
                            BigNumber {
                                controller: root.controller
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                                caption: qsTr("max")
                                value: row.count > 0 ? root.ms(row.maxMs) : "–"
                                color: Theme.bad
                                size: 24
                            }
                        }
                        Item {
                            Layout.fillHeight: true
                        }
                    }

                    // The histogram: bars from the shortest to the longest duration.
                    ColumnLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        spacing: 2

                        Item {
                            id: chart

                            readonly property var counts: row.histogram.counts ?? []
                            readonly property real fromMs: row.histogram.fromMs ?? 0
                            readonly property real toMs: row.histogram.toMs ?? 1
                            readonly property int peak: Math.max(1, ...chart.counts)
                            /// Every span in the bars: equals the row's count.
                            readonly property int total: chart.counts.reduce((sum, count) => sum + count, 0)
                            readonly property real barWidth: chart.width / Math.max(1, chart.counts.length)

                            /// The x of duration @p value on the bars' axis.
                            function xOf(value: real): real {
                                return chart.width * (value - chart.fromMs) / Math.max(1e-9, chart.toMs - chart.fromMs)
                            }

                            objectName: "spanHistogram"
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            Layout.minimumHeight: Theme.px(40)

                            Rectangle {
                                anchors.fill: parent
                                color: Theme.laneBackground
                                radius: 4
                            }
                            Repeater {
                                model: chart.counts.length

                                Rectangle {
                                    required property int index
                                    readonly property int count: chart.counts[index] ?? 0

                                    objectName: "histogramBar"
                                    x: index * chart.barWidth + 1
                                    anchors.bottom: parent.bottom
                                    width: Math.max(1, chart.barWidth - 2)
                                    height: count > 0 ? Math.max(3, (chart.height - Theme.px(22)) * count / chart.peak) : 0
                                    color: Theme.active
                                    opacity: 0.85

                                    Behavior on height {
                                        NumberAnimation { duration: 120 }
                                    }
                                }
                            }
                            // p50 and p95 as lines across the bars, labelled at the top.
                            Repeater {
                                // Fixed entries; the values are bound below (a model holding them
                                // re-created both markers on every update).
                                model: [{label: qsTr("p50"), key: "p50Ms", color: "highlight"},
                                        {label: qsTr("p95"), key: "p95Ms", color: "caution"}]

                                Item {
                                    id: marker

                                    required property var modelData
                                    required property int index
                                    readonly property color tint: Theme[marker.modelData.color]

                                    visible: row.count > 0
                                    x: Math.max(0, Math.min(chart.width - 3, chart.xOf(row[marker.modelData.key])))
                                    width: 3
                                    height: chart.height

                                    Rectangle {
                                        width: 3
                                        height: parent.height
                                        color: marker.tint
                                        opacity: 0.9
                                    }
                                    Label {
                                        // p50 to the left of its line and p95 to the right, so
                                        // equal values do not print on top of each other (p95
                                        // goes left too where the right edge would cut it).
                                        x: parent.index === 0 || parent.x + 7 + width > chart.width ? -width - 4 : 7
                                        y: 0
                                        text: marker.modelData.label
                                        color: marker.tint
                                        font.pixelSize: Theme.px(14)
                                        font.bold: true
                                    }
                                }
                            }
                        }
                        RowLayout {
                            Layout.fillWidth: true

                            Label {
                                text: root.ms(chart.fromMs)
                                font.pixelSize: Theme.px(13)
                                opacity: 0.75
                            }
                            Item {
                                Layout.fillWidth: true
                            }
                            Label {
                                text: root.ms(chart.toMs)
                                font.pixelSize: Theme.px(13)
                                opacity: 0.75
                            }
                        }
                    }
                }
            }
        }
        Label {
            Layout.fillWidth: true
            visible: root.stats.length > root.maxRows
            text: qsTr("%n more span name(s) not shown", "", root.stats.length - root.maxRows)
            font.pixelSize: Theme.px(13)
            opacity: 0.75
        }
    }
}
