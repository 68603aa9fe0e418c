import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

// The pattern's page in the centre: its title and summary (PatternOverview), its presets,
// and side by side its explanation and its code (C++ with live awaits, and Tokio).
// Takes PatternOverview's properties, so Main.qml uses it in PatternOverview's place.
ColumnLayout {
    id: root

    required property EngineController controller
    property string title: ""
    property string section: ""
    property string summary: ""
    property string shows: ""
    property var parameters: ({})
    /// A live scenario sits below: keep to the header, presets and a band of explanation/code.
    property bool compact: false
    /// The explanation and code band, shown or folded away (for room on small screens).
    property bool panelsShown: true
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
        // Above a live run the explanation says it all, and the run needs the room.
        summary: root.compact && root.panelsShown ? "" : root.summary
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
        Button {
            flat: true
            text: root.panelsShown ? qsTr("Hide explanation and code") : qsTr("Show explanation and code")
            font.pixelSize: 14
            onClicked: root.panelsShown = !root.panelsShown
        }
    }

    SplitView {
        Layout.fillWidth: true
        Layout.fillHeight: !root.compact
        Layout.preferredHeight: root.compact ? Math.max(170, (root.Window.height - 100) * 0.3) : -1
        Layout.leftMargin: 32
        Layout.rightMargin: 32
        Layout.bottomMargin: 8
        visible: root.panelsShown
        orientation: Qt.Horizontal

        Frame {
            SplitView.preferredWidth: parent.width * 0.42
            SplitView.minimumWidth: 220
            padding: 0

            ExplanationPanel {
                anchors.fill: parent
                scenarioId: root.scenarioId
            }
        }
        Frame {
            SplitView.fillWidth: true
            SplitView.minimumWidth: 280
            padding: 0

            CodePanel {
                anchors.fill: parent
                controller: root.controller
                scenarioId: root.scenarioId
            }
        }
    }
}
