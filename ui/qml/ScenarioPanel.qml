import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

Pane {
    id: root

    required property EngineController controller

    padding: 0
    implicitWidth: 200 // the split view decides the width; the table scrolls

    function stateName(state: int): string {
        switch (state) {
        case EngineController.Running: return qsTr("running")
        case EngineController.Paused: return qsTr("paused")
        case EngineController.Finished: return qsTr("finished")
        default: return qsTr("idle")
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            Button {
                text: root.controller.state === EngineController.Running ? qsTr("Pause") : qsTr("Run")
                highlighted: true
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Run or pause (Space)")
                onClicked: root.controller.state === EngineController.Running ? root.controller.pause() : root.controller.run()
            }
            Button {
                text: qsTr("Step")
                enabled: root.controller.state === EngineController.Running || root.controller.state === EngineController.Paused
                ToolTip.visible: hovered
                ToolTip.text: qsTr("One poll, or time to the next timer (→ or N)")
                onClicked: root.controller.step()
            }
            Button {
                text: qsTr("Reset")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Stop, clear, and apply the settings (R)")
                onClicked: root.controller.reset()
            }
            Item {
                Layout.fillWidth: true
            }
            Label {
                text: qsTr("%1 · t = %2 ms")
                    .arg(root.stateName(root.controller.state))
                    .arg(root.controller.elapsedMs.toFixed(1))
                font.pixelSize: 16
                font.family: "monospace"
            }
        }

        // Run settings: a Flow, so that narrow windows wrap instead of cutting controls off.
        Flow {
            Layout.fillWidth: true
            spacing: 8

            Label {
                text: qsTr("Speed %1×").arg(root.controller.speed.toFixed(2))
                font.pixelSize: 15
                height: 48
                verticalAlignment: Text.AlignVCenter
            }
            Slider {
                width: 150
                from: Math.log(0.05)
                to: Math.log(4)
                value: Math.log(root.controller.speed)
                onMoved: root.controller.speed = Math.exp(value)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("0.05×–4× runtime time per wall second; applies live")
            }
            Label {
                leftPadding: 8
                text: qsTr("Workers")
                font.pixelSize: 15
                height: 48
                verticalAlignment: Text.AlignVCenter
            }
            SpinBox {
                from: 1
                to: 64
                value: root.controller.workers
                enabled: !root.controller.deterministic
                onValueModified: root.controller.workers = value
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Worker threads, 1–64; applies on Reset")
            }
            Label {
                leftPadding: 8
                text: qsTr("Seed")
                font.pixelSize: 15
                height: 48
                verticalAlignment: Text.AlignVCenter
            }
            SpinBox {
                from: 0
                to: 999999
                editable: true
                value: root.controller.seed
                onValueModified: root.controller.seed = value
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Seed of the runtime's random numbers; applies on Reset")
            }
            ComboBox {
                visible: root.controller.variants.length > 1
                model: root.controller.variants
                currentIndex: Math.max(0, root.controller.variants.indexOf(root.controller.variant))
                onActivated: index => root.controller.variant = root.controller.variants[index]
                ToolTip.visible: hovered
                ToolTip.text: qsTr("seed: the original code, defects included; robust: the fix. Applies on Reset")
            }
            Switch {
                text: qsTr("Deterministic")
                checked: root.controller.deterministic
                onToggled: root.controller.deterministic = checked
                ToolTip.visible: hovered
                ToolTip.text: qsTr("One worker, virtual clock paced by the speed, seeded RNG; applies on Reset")
            }
            // The parameter panel, generated from the scenario's schema.
            Repeater {
                model: root.controller.parameterSchema

                RowLayout {
                    id: parameterRow

                    required property var modelData

                    spacing: 6

                    Label {
                        // A live parameter applies to the running scenario at once.
                        text: parameterRow.modelData.live ? qsTr("%1 (live)").arg(parameterRow.modelData.label)
                                                          : parameterRow.modelData.label
                        font.pixelSize: 15
                    }
                    SpinBox {
                        readonly property bool numeric: parameterRow.modelData.type === "int"
                                                        || parameterRow.modelData.type === "double"
                        // SpinBox counts in integers: a number parameter moves in hundredths.
                        readonly property int scale: parameterRow.modelData.type === "double" ? 100 : 1

                        visible: numeric
                        from: parameterRow.modelData.minimum * scale
                        to: parameterRow.modelData.maximum * scale
                        stepSize: Math.max(1, Math.round((parameterRow.modelData.maximum - parameterRow.modelData.minimum) * scale / 1000))
                        editable: true
                        value: numeric ? Math.round(root.controller.effectiveParameters[parameterRow.modelData.name] * scale) : 0
                        textFromValue: (number, locale) => Number(number / scale).toLocaleString(locale, "f", scale > 1 ? 2 : 0)
                        valueFromText: (text, locale) => Math.round(Number.fromLocaleString(locale, text) * scale)
                        onValueModified: root.controller.setParameter(parameterRow.modelData.name, value / scale)
                        ToolTip.visible: hovered
                        ToolTip.text: parameterRow.modelData.help
                        Accessible.name: parameterRow.modelData.label
                    }
                    ComboBox {
                        visible: parameterRow.modelData.type === "choice"
                        model: parameterRow.modelData.choices
                        currentIndex: visible ? Math.max(0, parameterRow.modelData.choices.indexOf(
                                                             String(root.controller.effectiveParameters[parameterRow.modelData.name])))
                                              : 0
                        onActivated: index => root.controller.setParameter(parameterRow.modelData.name,
                                                                           parameterRow.modelData.choices[index])
                        ToolTip.visible: hovered
                        ToolTip.text: parameterRow.modelData.help
                        Accessible.name: parameterRow.modelData.label
                    }
                    Switch {
                        visible: parameterRow.modelData.type === "bool"
                        checked: visible && root.controller.effectiveParameters[parameterRow.modelData.name] === true
                        onToggled: root.controller.setParameter(parameterRow.modelData.name, checked)
                        ToolTip.visible: hovered
                        ToolTip.text: parameterRow.modelData.help
                        Accessible.name: parameterRow.modelData.label
                    }
                    Label {
                        text: parameterRow.modelData.unit
                        opacity: 0.7
                        font.pixelSize: 14
                    }
                }
            }
            Label {
                visible: root.controller.parametersPending
                text: qsTr("applies on Reset")
                color: "#ffd180"
                font.pixelSize: 14
                topPadding: 12
            }
        }

        Label {
            Layout.fillWidth: true
            visible: root.controller.errorText.length > 0
            text: root.controller.errorText
            color: "#ff8a80"
            wrapMode: Text.Wrap
        }

        Label {
            Layout.fillWidth: true
            visible: Object.keys(root.controller.metrics).length > 0
            text: Object.keys(root.controller.metrics)
                .map(name => name + ": " + root.controller.metrics[name]).join("   ·   ")
            font.pixelSize: 15
            wrapMode: Text.Wrap
        }

        // The scheduler timeline: lane names on the left, polls scrolling in from the right.
        RowLayout {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.max(1, root.controller.workerNames.length) * (timeline.laneHeight + 4) + 4
            spacing: 8

            Column {
                Layout.alignment: Qt.AlignTop
                spacing: 4

                Repeater {
                    model: root.controller.workerNames

                    Label {
                        required property string modelData

                        height: timeline.laneHeight
                        verticalAlignment: Text.AlignVCenter
                        text: modelData
                        font.pixelSize: 14
                        font.family: "monospace"
                    }
                }
            }
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                color: Qt.rgba(1, 1, 1, 0.04)
                radius: 4

                TimelineItem {
                    id: timeline

                    anchors.fill: parent
                    anchors.margins: 2
                    controller: root.controller
                    windowSeconds: 2
                    laneHeight: 26
                }
                // The wheel zooms the time window (0.01 s – 60 s).
                WheelHandler {
                    target: null
                    onWheel: event => timeline.windowSeconds = Math.min(60, Math.max(0.01,
                        timeline.windowSeconds * (event.angleDelta.y > 0 ? 0.8 : 1.25)))
                }
            }
        }
        Label {
            text: qsTr("Timeline: the last %1 s of runtime time · %2 polls in view · wheel to zoom")
                .arg(timeline.windowSeconds.toPrecision(2)).arg(timeline.sliceCount)
            opacity: 0.6
            font.pixelSize: 13
        }

        Label {
            Layout.fillWidth: true
            visible: root.controller.warnings.length > 0
            // At most three, so the table keeps its room on a projector.
            text: "⚠ " + root.controller.warnings.slice(0, 3).join("\n⚠ ")
                + (root.controller.warnings.length > 3 ? qsTr("\n… and %1 more").arg(root.controller.warnings.length - 3) : "")
            color: "#ffd180"
            wrapMode: Text.Wrap
            font.pixelSize: 14
        }

        TabBar {
            id: bottomTabs

            Layout.fillWidth: true

            TabButton {
                text: qsTr("Tasks (%1)").arg(table.rows)
            }
            TabButton {
                text: qsTr("Events")
            }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumHeight: 140
            currentIndex: bottomTabs.currentIndex

            ColumnLayout {
                spacing: 0

                HorizontalHeaderView {
                    Layout.fillWidth: true
                    syncView: table
                    clip: true
                }
                TableView {
                    id: table

                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: root.controller.taskModel
                    columnWidthProvider: column => [60, 130, 200, 70, 70, 90, 110, 90, 200, 200, 70][column]
                    ScrollBar.vertical: ScrollBar {}

                    delegate: Label {
                        required property string display
                        required property color taskColor
                        required property int column

                        text: display
                        padding: 4
                        font.pixelSize: 14
                        elide: Text.ElideRight
                        color: column === 2 ? taskColor : palette.text
                    }
                }
            }

            ColumnLayout {
                spacing: 4

                CheckBox {
                    text: qsTr("Hide polls and parks (show wakes, timers, resources)")
                    checked: root.controller.eventLog.hiddenKinds.length > 0
                    onToggled: root.controller.eventLog.hiddenKinds = checked
                        ? ["poll-start", "poll-end", "park", "unpark"] : []
                }
                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: root.controller.eventLog
                    ScrollBar.vertical: ScrollBar {}

                    delegate: Label {
                        required property string text

                        width: ListView.view.width
                        text: text
                        font.pixelSize: 14
                        font.family: "monospace"
                        elide: Text.ElideRight
                    }
                }
            }
        }
    }
}
