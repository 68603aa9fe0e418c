import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Taskscope

/// The window's toolbar: run/pause, step, reset, speed, mode, workers, seed and variant for the
/// scenario on screen, then the theme and the font size. A Flow, so a narrow window (or big
/// fonts) wraps it onto a second row instead of cutting controls off.
ToolBar {
    id: root

    objectName: "runToolBar"

    required property EngineController controller
    /// "system", "light" or "dark".
    property string theme: "system"

    signal themeRequested(string theme)
    signal fontScaleRequested(real scale)

    function stateName(state: int): string {
        switch (state) {
        case EngineController.Running: return qsTr("running")
        case EngineController.Paused: return qsTr("paused")
        case EngineController.Finished: return qsTr("finished")
        default: return qsTr("idle")
        }
    }

    /// Narrower than everything needs in one row (a 1280-pixel projector): the name goes (the
    /// window's title has it) and the controls tighten, so the bar still fits one row.
    readonly property bool compact: width < Theme.px(1560)

    implicitHeight: bar.implicitHeight + 8
    // A neutral bar in both themes, so labels and the plain buttons keep their contrast.
    Material.primary: Theme.dark ? "#2d2d30" : "#e8eaed"
    Material.foreground: Theme.dark ? "#ffffff" : "#202124"
    // No shadow under the bar: Material draws it as a layer the width of the window and 200 px
    // taller, blended into every frame (see PlainButton.qml). A line marks the edge instead,
    // over the window's own colour: a fill of its own was 90k more pixels every frame for a
    // CPU rasterizer to shade, for a grey next to no one could tell from the window's in the
    // dark theme.
    Material.elevation: 0
    background: Item {
        implicitHeight: 48

        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: root.Material.dividerColor
        }
    }

    // The run's clock as printed: at reading pace while a run goes (Readout.qml).
    Readout {
        id: clock

        controller: root.controller
        live: root.controller.elapsedMs
    }

    Flow {
        id: bar

        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        anchors.topMargin: 4
        spacing: root.compact ? 2 : 6

        Label {
            visible: !root.compact
            height: runButton.height
            rightPadding: 10
            verticalAlignment: Text.AlignVCenter
            text: qsTr("Taskscope")
            font.pixelSize: Theme.px(20)
            font.bold: true
        }
        PlainButton {
            id: runButton

            enabled: root.controller.hasScenario
            text: root.controller.state === EngineController.Running ? qsTr("Pause") : qsTr("Run")
            highlighted: true
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Run or pause (Space)")
            onClicked: root.controller.state === EngineController.Running ? root.controller.pause() : root.controller.run()
        }
        PlainButton {
            text: qsTr("Step")
            enabled: root.controller.state === EngineController.Running || root.controller.state === EngineController.Paused
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Pause, then one poll or time to the next timer (→ or N)")
            onClicked: root.controller.step()
        }
        PlainButton {
            text: qsTr("Reset")
            enabled: root.controller.hasScenario
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Stop, clear, and apply the settings (R)")
            onClicked: root.controller.reset()
        }
        Label {
            height: runButton.height
            leftPadding: 8
            verticalAlignment: Text.AlignVCenter
            text: qsTr("%1 · %2 s").arg(root.stateName(root.controller.state)).arg((clock.value / 1000).toFixed(2))
            font.family: "monospace"
            // Wide enough for "finished · 123.45 s", so the controls after it do not jump (nor,
            // in a compact bar, wrap to a second row as the seconds grow).
            width: Math.max(implicitWidth, Theme.px(root.compact ? 160 : 165))
        }
        // Each label travels with its control when the bar wraps.
        Row {
            Label {
                height: runButton.height
                leftPadding: 8
                verticalAlignment: Text.AlignVCenter
                text: qsTr("Speed %1×").arg(root.controller.speed.toFixed(2))
                width: Math.max(implicitWidth, Theme.px(root.compact ? 95 : 105))
            }
            Slider {
                width: Theme.px(root.compact ? 90 : 110)
                height: runButton.height
                from: Math.log(0.05)
                to: Math.log(4)
                value: Math.log(root.controller.speed)
                onMoved: root.controller.speed = Math.exp(value)
                ToolTip.visible: hovered
                ToolTip.text: qsTr("0.05×–4× runtime time per wall second; applies live")
                Accessible.name: qsTr("Speed")
            }
        }
        PlainComboBox {
            // Sized by the font scale: WidestText is measured once, before a restored scale applies.
            width: Theme.px(root.compact ? 150 : 165)
            model: [qsTr("Real threads"), qsTr("Deterministic")]
            currentIndex: root.controller.deterministic ? 1 : 0
            onActivated: index => root.controller.deterministic = index === 1
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Real worker threads, or one worker on a virtual clock paced by the speed, seeded; applies on Reset")
            Accessible.name: qsTr("Mode")
        }
        Row {
            Label {
                height: runButton.height
                leftPadding: 4
                verticalAlignment: Text.AlignVCenter
                text: qsTr("Workers")
            }
            SpinBox {
                width: Theme.px(root.compact ? 105 : 125)
                from: 1
                to: 64
                editable: true
                value: root.controller.workers
                enabled: !root.controller.deterministic
                onValueModified: root.controller.workers = value
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Worker threads, 1–64; applies on Reset")
                Accessible.name: qsTr("Workers")
            }
        }
        Row {
            Label {
                height: runButton.height
                leftPadding: 4
                verticalAlignment: Text.AlignVCenter
                text: qsTr("Seed")
            }
            SpinBox {
                width: Theme.px(root.compact ? 120 : 150)
                from: 0
                to: 999999
                editable: true
                value: root.controller.seed
                onValueModified: root.controller.seed = value
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Seed of the runtime's random numbers; applies on Reset")
                Accessible.name: qsTr("Seed")
            }
        }
        // Seed and robust where the guide's code has a defect worth seeing; elsewhere the one
        // variant, named and not switchable.
        PlainComboBox {
            id: variantBox

            readonly property bool switchable: root.controller.variants.length > 1
            // Fan-out ships only its robust code until its seed can run (the guide polls every
            // request inside one task): it must not be called the guide's code.
            readonly property string onlyVariant: root.controller.variants[0] === "guide" ? qsTr("the guide's code")
                                                                                        : qsTr("robust only")

            objectName: "variantSelector"
            enabled: switchable
            // With nothing to switch, no arrow, and as wide as "the guide's code" after the
            // text's own inset, in a smaller font: the bar must stay one row at 1280 px.
            width: switchable ? (root.compact ? Theme.px(110) : implicitWidth)
                              : Math.ceil(guideCode.advanceWidth) + Theme.px(14)
            indicator.visible: switchable
            leftPadding: switchable ? undefined : 0
            rightPadding: switchable ? undefined : 0
            font.pixelSize: switchable ? Theme.px(14) : Theme.px(12)
            model: switchable ? root.controller.variants : [onlyVariant]
            currentIndex: switchable ? Math.max(0, root.controller.variants.indexOf(root.controller.variant)) : 0
            onActivated: index => root.controller.variant = root.controller.variants[index]
            ToolTip.visible: hovered
            ToolTip.text: qsTr("seed: the guide's code, defect included; robust: the fix. Applies on Reset")
            Accessible.name: qsTr("Variant")

            TextMetrics {
                id: guideCode

                font: variantBox.font
                text: variantBox.onlyVariant
            }
        }
        ToolButton {
            text: root.theme === "dark" ? "☾" : root.theme === "light" ? "☀" : "◐"
            font.pixelSize: Theme.px(20)
            width: root.compact ? implicitContentWidth + Theme.px(14) : implicitWidth
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Theme: %1 (click to change)").arg(root.theme === "system" ? qsTr("follow the system") : root.theme)
            Accessible.name: qsTr("Theme")
            onClicked: root.themeRequested(root.theme === "system" ? "dark" : root.theme === "dark" ? "light" : "system")
        }
        ToolButton {
            text: "A−"
            width: root.compact ? implicitContentWidth + Theme.px(14) : implicitWidth
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Smaller text (Ctrl+minus)")
            onClicked: root.fontScaleRequested(Theme.fontScale / 1.15)
        }
        ToolButton {
            text: "A+"
            width: root.compact ? implicitContentWidth + Theme.px(14) : implicitWidth
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Bigger text (Ctrl+plus; Ctrl+0 resets)")
            onClicked: root.fontScaleRequested(Theme.fontScale * 1.15)
        }
    }
}
