import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts
import Qt.labs.settings
import Taskscope

ApplicationWindow {
    id: root

    /// Set from the command line (--pattern); otherwise the last pattern shown is restored.
    property string initialPatternId: ""
    /// Parameter values from the command line (--scenario ID --set name=value).
    property var initialParameters: ({})
    /// Start the scenario as soon as the window is up (--run).
    property bool runAtStart: false
    /// The variant from the command line (--variant), if any.
    property string initialVariant: ""
    /// A one-line notice in the footer (a saved screenshot).
    property string statusMessage: ""
    /// "system" (follow the desktop), "light" or "dark"; toggled in the toolbar, remembered.
    property string themeChoice: "system"
    property bool restoring: false
    property bool firstFrameShown: false
    /// The Theme singleton (font scale, colours), for tests.
    readonly property QtObject theme: Theme
    /// The timeline item, for tests and the benchmark.
    readonly property alias timeline: timelinePane.item

    /// The parameter values for the scenario on screen: the command line's for the scenario it
    /// named, otherwise the ones last used with that scenario.
    function restoreParameters() {
        if (engine.scenarioId.length === 0)
            return
        const fromCommandLine = Object.keys(root.initialParameters).length > 0
                              && (engine.scenarioId === root.initialPatternId || sidebar.currentId === root.initialPatternId)
        const saved = JSON.parse(parameterSettings.values)
        root.restoring = true
        engine.parameters = fromCommandLine ? root.initialParameters : (saved[engine.scenarioId] ?? {})
        root.restoring = false
    }

    function saveParameters() {
        if (root.restoring || engine.scenarioId.length === 0)
            return
        const saved = JSON.parse(parameterSettings.values)
        saved[engine.scenarioId] = engine.parameters
        parameterSettings.values = JSON.stringify(saved)
    }

    function setFontScale(scale: real) {
        Theme.fontScale = Math.max(0.6, Math.min(3.0, scale))
    }

    width: 1280
    height: 800
    minimumWidth: 900
    minimumHeight: 560
    visible: true
    title: overview.title.length > 0 ? qsTr("Taskscope — %1").arg(overview.title) : qsTr("Taskscope")
    font.pixelSize: Theme.px(14)

    Material.theme: root.themeChoice === "dark" ? Material.Dark : root.themeChoice === "light" ? Material.Light : Material.System
    // Cyan 700 in both themes: Material's own dark-theme cyan is too light for the white text
    // of a highlighted button (Run/Pause).
    Material.accent: "#0097a7"

    // Theme colours follow whichever Material theme is in effect (System resolves to one).
    // The settings have been read by now (they load as their own component completes).
    Component.onCompleted: {
        root.setFontScale(settings.fontScale)
        root.restoreParameters()
    }

    Binding {
        target: Theme
        property: "dark"
        value: root.Material.background.hslLightness < 0.5
    }

    PatternListModel {
        id: patterns
    }

    Connections {
        target: root
        enabled: !root.firstFrameShown
        function onFrameSwapped() {
            root.firstFrameShown = true
            engine.runIfAsked()
        }
    }

    EngineController {
        id: engine

        scenarioId: sidebar.currentScenarioId
        // Drains follow this window's frames (see EngineController::setFrameWindow).
        frameWindow: root

        property bool startedAtLaunch: false

        // --run: start once the sidebar has put the scenario on screen (its list may create
        // the current item after the window completes) and the first frame is shown. Before
        // that, loading the page keeps both cores busy, and the OS would preempt the niced
        // workers in the middle of the run's first polls.
        function runIfAsked() {
            if (root.runAtStart && root.firstFrameShown && !engine.startedAtLaunch && engine.hasScenario) {
                engine.startedAtLaunch = true
                Qt.callLater(engine.run)
            }
        }

        onScenarioIdChanged: {
            root.restoreParameters()
            engine.runIfAsked()
        }
        onParametersChanged: root.saveParameters()
        Component.onCompleted: {
            if (root.initialVariant.length > 0)
                engine.variant = root.initialVariant
            engine.runIfAsked()
        }
    }

    Settings {
        id: settings

        category: "window"
        property alias x: root.x
        property alias y: root.y
        property alias width: root.width
        property alias height: root.height
        property alias sidebarWidth: sidebar.width
        property string patternId: "runtime"
        property alias theme: root.themeChoice
        property real fontScale: 1.0
    }
    Connections {
        target: Theme
        function onFontScaleChanged() {
            settings.fontScale = Theme.fontScale
        }
    }

    Settings {
        id: parameterSettings

        category: "parameters"
        /// JSON: {scenarioId: {name: value}}, the values last used with each scenario.
        property string values: "{}"
    }

    Settings {
        category: "run"
        property alias speed: engine.speed
        property alias workers: engine.workers
        property alias deterministic: engine.deterministic
        property alias seed: engine.seed
    }

    Shortcut {
        sequences: [StandardKey.Quit]
        context: Qt.ApplicationShortcut
        onActivated: Qt.quit()
    }
    Shortcut {
        sequence: "F11" // not with StandardKey.FullScreen, which is F11 too: ambiguous
        onActivated: root.visibility = root.visibility === Window.FullScreen ? Window.Windowed : Window.FullScreen
    }
    Shortcut {
        sequence: "Space"
        enabled: engine.hasScenario
        onActivated: engine.state === EngineController.Running ? engine.pause() : engine.run()
    }
    Shortcut {
        sequences: ["Right", "N"]
        enabled: engine.hasScenario
        onActivated: engine.step()
    }
    Shortcut {
        sequence: "R"
        enabled: engine.hasScenario
        onActivated: engine.reset()
    }
    Shortcut {
        sequence: "Ctrl+Shift+S"
        onActivated: screenshotDialog.ask()
    }

    // Where to save the window's PNG: a path to edit (the Pictures folder and a timestamp to
    // start with). The window is grabbed once the dialog has closed, so it is not in the image.
    Dialog {
        id: screenshotDialog

        function ask() {
            pathField.text = engine.screenshotPath()
            screenshotDialog.open()
            pathField.forceActiveFocus()
            pathField.selectAll()
        }

        objectName: "screenshotDialog"
        title: qsTr("Save a PNG of the window")
        anchors.centerIn: parent
        width: Math.min(root.width * 0.8, Theme.px(640))
        modal: true
        standardButtons: Dialog.Save | Dialog.Cancel
        // A plain background: the raised one is a shader effect the software backend drops.
        background: Rectangle {
            color: root.Material.dialogColor
            border.color: Theme.selection
            radius: 4
        }
        onAccepted: saveTimer.start()
        // Give the keys back to the window: a focused text field would swallow Space, R and N.
        onClosed: sidebar.selectRelative(0)

        TextField {
            id: pathField

            objectName: "screenshotPath"
            width: parent.width
            selectByMouse: true
            Accessible.name: qsTr("File")
            onAccepted: screenshotDialog.accept()
        }
    }
    Timer {
        id: saveTimer

        interval: 100 // a frame or two without the dialog
        onTriggered: {
            const path = pathField.text
            const problem = engine.saveWindowImage(root, path)
            root.statusMessage = problem.length > 0 ? problem : qsTr("Saved %1").arg(path)
        }
    }
    Shortcut {
        // Explicit sequences only: the same key listed twice (StandardKey.ZoomIn is Ctrl++ here)
        // would make the shortcut ambiguous, and an ambiguous shortcut does not fire.
        sequences: ["Ctrl++", "Ctrl+="]
        onActivated: root.setFontScale(Theme.fontScale * 1.15)
    }
    Shortcut {
        sequence: "Ctrl+-"
        onActivated: root.setFontScale(Theme.fontScale / 1.15)
    }
    Shortcut {
        sequence: "Ctrl+0"
        onActivated: root.setFontScale(1.0)
    }
    Shortcut {
        sequence: "Alt+Down"
        onActivated: sidebar.selectRelative(1)
    }
    Shortcut {
        sequence: "Alt+Up"
        onActivated: sidebar.selectRelative(-1)
    }

    header: RunToolBar {
        controller: engine
        theme: root.themeChoice
        onThemeRequested: theme => root.themeChoice = theme
        onFontScaleRequested: scale => root.setFontScale(scale)
    }

    footer: Label {
        visible: root.statusMessage.length > 0
        text: root.statusMessage
        padding: 6
        leftPadding: 16
        elide: Text.ElideMiddle
    }

    SplitView {
        anchors.fill: parent

        PatternSidebar {
            id: sidebar

            SplitView.preferredWidth: Math.min(Theme.px(270), root.width * 0.22)
            SplitView.minimumWidth: 200
            model: patterns
            initialId: root.initialPatternId.length > 0 ? root.initialPatternId : settings.patternId
            onCurrentIdChanged: settings.patternId = currentId
        }

        // The scenario's title, presets and metrics above, the live views below (the pattern's
        // page first: it is what a workshop watches), the parameters on the right, full height.
        SplitView {
            SplitView.fillWidth: true
            orientation: Qt.Vertical

            RowLayout {
                SplitView.preferredHeight: engine.hasScenario ? Math.min(root.height * 0.26, Theme.px(230)) : root.height
                SplitView.minimumHeight: Theme.px(120)
                SplitView.fillHeight: !engine.hasScenario
                spacing: 0

                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    spacing: 4
                    clip: true

                    ScenarioPage {
                        id: overview

                        controller: engine
                        onScenarioRequested: id => sidebar.selectRelative(patterns.indexOf(id) - patterns.indexOf(sidebar.currentId))
                        Layout.fillWidth: true
                        Layout.fillHeight: !engine.hasScenario
                        compact: engine.hasScenario
                        title: sidebar.currentTitle
                        section: sidebar.currentSection
                        summary: sidebar.currentSummary
                        shows: sidebar.currentShows
                        parameters: sidebar.currentId === root.initialPatternId || sidebar.currentScenarioId === root.initialPatternId
                                ? root.initialParameters : ({})
                    }
                    ScenarioStatus {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        Layout.leftMargin: 16
                        Layout.rightMargin: 16
                        visible: engine.hasScenario
                        controller: engine
                    }
                }
            }

            ColumnLayout {
                SplitView.fillHeight: true
                SplitView.minimumHeight: Theme.px(200)
                visible: engine.hasScenario
                spacing: 4

                TimelinePane {
                    id: timelinePane

                    Layout.fillWidth: true
                    Layout.fillHeight: false
                    Layout.leftMargin: 12
                    Layout.rightMargin: 12
                    Layout.topMargin: 6
                    controller: engine
                }
                TabBar {
                    id: bottomTabs

                    objectName: "bottomTabs"
                    Layout.fillWidth: true

                    TabButton {
                        text: qsTr("Pattern")
                    }
                    TabButton {
                        text: qsTr("Tasks (%1)").arg(taskPane.table.rows)
                    }
                    TabButton {
                        text: qsTr("Events")
                    }
                    TabButton {
                        text: qsTr("Explanation")
                    }
                    TabButton {
                        text: qsTr("Code")
                    }
                }
                StackLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 12
                    currentIndex: bottomTabs.currentIndex

                    PatternPane {
                        controller: engine
                    }
                    TaskTablePane {
                        id: taskPane

                        controller: engine
                    }
                    EventLogPane {
                        controller: engine
                    }
                    Frame {
                        padding: 0

                        ExplanationPanel {
                            anchors.fill: parent
                            scenarioId: engine.scenarioId
                        }
                    }
                    Frame {
                        padding: 0

                        CodePanel {
                            anchors.fill: parent
                            controller: engine
                            scenarioId: engine.scenarioId
                        }
                    }
                }
            }
        }

        ParameterPanel {
            SplitView.preferredWidth: Theme.px(300)
            SplitView.minimumWidth: Theme.px(220)
            visible: engine.hasScenario
            controller: engine
        }
    }
}
