import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

// The pattern's page in the centre: its title and summary (PatternOverview) and its presets.
// Its explanation and its code (C++ with live awaits, and Tokio) are tabs of the bottom area
// in Main.qml, beside the run. Takes PatternOverview's properties.
ColumnLayout {
    id: root

    required property EngineController controller
    property string title: ""
    property string section: ""
    property string summary: ""
    property string shows: ""
    property var parameters: ({})
    /// A live scenario sits below: keep to the header and the presets.
    property bool compact: false
    readonly property string scenarioId: root.controller.scenarioId

    /// A preset for another scenario was loaded: the page for @p scenarioId should be shown.
    signal scenarioRequested(string scenarioId)

    spacing: 0

    Connections {
        target: root.controller
        function onPresetApplied(scenarioId: string) {
            root.scenarioRequested(scenarioId)
        }
    }

    PatternOverview {
        Layout.fillWidth: true
        compact: root.compact
        title: root.title
        section: root.section
        summary: root.summary
        shows: root.shows
        parameters: root.parameters
        bottomPadding: 4
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.leftMargin: 32
        Layout.rightMargin: 32
        spacing: 12

        PresetBar {
            Layout.fillWidth: true
            visible: root.controller.hasScenario
            controller: root.controller
        }
        Item {
            Layout.fillWidth: true
            visible: !root.controller.hasScenario
        }
    }
}
