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

    width: 1280
    height: 800
    minimumWidth: 900
    minimumHeight: 560
    visible: true
    title: overview.title.length > 0 ? qsTr("Taskscope — %1").arg(overview.title) : qsTr("Taskscope")

    Material.theme: Material.Dark
    Material.accent: Material.Cyan

    PatternListModel {
        id: patterns
    }

    EngineController {
        id: engine

        scenarioId: sidebar.currentScenarioId
        parameters: root.initialParameters

        Component.onCompleted: {
            if (root.initialVariant.length > 0)
                engine.variant = root.initialVariant
            if (root.runAtStart)
                Qt.callLater(engine.run)
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
        sequences: [StandardKey.FullScreen, "F11"]
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
        onActivated: {
            const path = engine.screenshotPath()
            root.statusMessage = engine.saveWindowImage(root, path).length > 0 ? qsTr("Saved %1").arg(path)
                                                                              : qsTr("Could not save %1").arg(path)
        }
    }
    Shortcut {
        sequence: "Alt+Down"
        onActivated: sidebar.selectRelative(1)
    }
    Shortcut {
        sequence: "Alt+Up"
        onActivated: sidebar.selectRelative(-1)
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 16
            anchors.rightMargin: 16
            spacing: 12

            Label {
                text: qsTr("Taskscope")
                font.pixelSize: 22
                font.bold: true
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("async concurrency patterns, live")
                opacity: 0.7
                font.pixelSize: 16
                elide: Text.ElideRight
            }
            Label {
                text: engine.hasScenario ? qsTr("Space run/pause · → step · R reset · Alt+↑/↓ pattern · F11 · Ctrl+Q")
                                         : qsTr("Alt+↑/↓ pattern · F11 full screen · Ctrl+Q quit")
                opacity: 0.6
                font.pixelSize: 14
            }
        }
    }

    footer: Label {
        visible: root.statusMessage.length > 0
        text: root.statusMessage
        padding: 6
        leftPadding: 16
        font.pixelSize: 14
    }

    SplitView {
        anchors.fill: parent

        PatternSidebar {
            id: sidebar

            SplitView.preferredWidth: 300
            SplitView.minimumWidth: 220
            model: patterns
            initialId: root.initialPatternId.length > 0 ? root.initialPatternId : settings.patternId
            onCurrentIdChanged: settings.patternId = currentId
        }

        ColumnLayout {
            SplitView.fillWidth: true
            spacing: 0
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
            ScenarioPanel {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.leftMargin: 32
                Layout.rightMargin: 32
                Layout.bottomMargin: 16
                visible: engine.hasScenario
                controller: engine
            }
        }
    }
}
