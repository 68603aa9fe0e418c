import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material

Pane {
    id: root

    required property var model
    property string initialId: ""
    readonly property string currentId: list.currentItem ? list.currentItem.patternId : ""
    readonly property string currentTitle: list.currentItem ? list.currentItem.title : ""
    readonly property string currentSection: list.currentItem ? list.currentItem.section : ""
    readonly property string currentSummary: list.currentItem ? list.currentItem.summary : ""
    readonly property string currentShows: list.currentItem ? list.currentItem.shows : ""
    readonly property string currentScenarioId: list.currentItem ? list.currentItem.scenarioId : ""

    function selectRelative(step: int) {
        list.currentIndex = Math.max(0, Math.min(list.count - 1, list.currentIndex + step))
        list.forceActiveFocus()
    }

    padding: 0
    Material.elevation: 2

    ListView {
        id: list

        anchors.fill: parent
        model: root.model
        focus: true
        clip: true
        keyNavigationEnabled: true
        highlightMoveDuration: 120
        currentIndex: Math.max(0, root.model.indexOf(root.initialId))
        Accessible.name: qsTr("Patterns")

        section.property: "section"
        section.delegate: Label {
            required property string section

            width: ListView.view.width
            topPadding: 18
            bottomPadding: 6
            leftPadding: 16
            text: section.toUpperCase()
            font.pixelSize: 13
            font.letterSpacing: 1.2
            opacity: 0.6
        }

        delegate: ItemDelegate {
            required property int index
            required property string patternId
            required property string title
            required property string section
            required property string summary
            required property string shows
            required property string scenarioId

            width: ListView.view.width
            height: 48
            leftPadding: 16
            text: title
            font.pixelSize: 17
            highlighted: ListView.isCurrentItem
            onClicked: {
                list.currentIndex = index
                list.forceActiveFocus()
            }
        }

        ScrollIndicator.vertical: ScrollIndicator {}
    }
}
