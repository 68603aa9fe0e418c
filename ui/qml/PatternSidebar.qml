import QtQuick
import QtQuick.Controls
import QtQuick.Controls.Material
import QtQuick.Layouts

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
    // Flat, with a line at its edge: an elevation shadow is a layer blended into every frame
    // (see PlainButton.qml).
    Material.elevation: 0
    // The window's clear colour is the same (see ParameterPanel.qml).
    background: null

    Rectangle {
        z: 1
        anchors.right: parent.right
        width: 1
        height: parent.height
        color: root.Material.dividerColor
    }

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
            topPadding: 14
            bottomPadding: 4
            leftPadding: 16
            text: section.toUpperCase()
            font.pixelSize: Theme.px(12)
            font.letterSpacing: 1.2
            opacity: 0.6
        }

        // Title and the summary's first sentence, each on one line.
        delegate: ItemDelegate {
            id: entry

            required property int index
            required property string patternId
            required property string title
            required property string section
            required property string summary
            required property string shows
            required property string scenarioId

            width: ListView.view.width
            leftPadding: 16
            rightPadding: 12
            topPadding: 6
            bottomPadding: 6
            highlighted: ListView.isCurrentItem
            ToolTip.visible: hovered
            ToolTip.delay: 600
            ToolTip.text: entry.summary
            onClicked: {
                list.currentIndex = entry.index
                list.forceActiveFocus()
            }

            contentItem: ColumnLayout {
                spacing: 1

                Label {
                    Layout.fillWidth: true
                    text: entry.title
                    font.pixelSize: Theme.px(16)
                    elide: Text.ElideRight
                }
                Label {
                    Layout.fillWidth: true
                    text: entry.summary.split(/\.\s/)[0].replace(/\.$/, "")
                    font.pixelSize: Theme.px(12)
                    opacity: 0.65
                    elide: Text.ElideRight
                }
            }
        }

        ScrollIndicator.vertical: ScrollIndicator {}
    }
}
