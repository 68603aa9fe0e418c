import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

// The scenario's real C++ (compiled in from core/scenarios and core/patterns) with the lines
// where tasks are awaiting right now highlighted and counted, and a Tokio equivalent.
Pane {
    id: root

    required property EngineController controller
    required property string scenarioId
    /// Scroll to the first line where a task waits whenever that line changes.
    property bool follow: true

    /// Scrolls to the first line where a task waits, if the listing is on screen. Hidden (the
    /// Code tab not chosen), it waits until it is shown: positioning a hidden ListView still
    /// builds its delegates, and at a run's start that held the GUI thread for 25–50 ms.
    function followAwaiting() {
        if (root.follow && listing.firstAwaitingRow >= 0 && sourceView.visible && sourceView.height > 0)
            sourceView.positionViewAtIndex(listing.firstAwaitingRow, ListView.Center)
    }

    // Ticking Follow again goes to the awaited line at once.
    onFollowChanged: root.followAwaiting()
    padding: 0
    // The frame around it (or the window) already paints this colour; under llvmpipe every
    // pixel shaded twice counts.
    background: null

    SourceListing {
        id: listing

        scenarioId: root.scenarioId
        awaiting: root.controller.awaitingLines
        // A new page opens on its C++, or on the Tokio version when no scenario runs it yet.
        onScenarioIdChanged: tabs.currentIndex = listing.rowCount() > 0 ? 0 : 1
        Component.onCompleted: tabs.currentIndex = listing.rowCount() > 0 ? 0 : 1
        onFirstAwaitingRowChanged: root.followAwaiting()
    }
    ResourceText {
        id: tokio

        source: root.scenarioId.length > 0 ? "qrc:/Taskscope/tokio/" + root.scenarioId + ".rs" : ""
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            TabBar {
                id: tabs

                Layout.fillWidth: true

                TabButton {
                    text: listing.awaitingTotal > 0 ? qsTr("C++ · %1 waiting").arg(listing.awaitingTotal) : qsTr("C++")
                    font.pixelSize: 15
                }
                TabButton {
                    text: qsTr("Tokio (Rust)")
                    font.pixelSize: 15
                }
            }
            CheckBox {
                visible: tabs.currentIndex === 0
                text: qsTr("Follow")
                checked: root.follow
                onToggled: root.follow = checked
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Scroll to the first line where a task is waiting")
            }
        }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: tabs.currentIndex

            ListView {
                id: sourceView

                clip: true
                model: listing
                // No delegates made ahead in the background: a page switch resets the model,
                // and Qt 6.4 warns when it cancels one still incubating. Lines are cheap.
                cacheBuffer: 0
                boundsBehavior: Flickable.StopAtBounds
                ScrollBar.vertical: ScrollBar {}
                objectName: "sourceView"
                Accessible.name: qsTr("C++ source")
                // Shown, the tab gets its size after it turns visible: follow on either.
                onVisibleChanged: root.followAwaiting()
                onHeightChanged: root.followAwaiting()

                section.property: "fileName"
                section.delegate: Rectangle {
                    required property string section

                    width: ListView.view.width
                    height: fileLabel.implicitHeight
                    color: Qt.rgba(1, 1, 1, 0.08)

                    Label {
                        id: fileLabel

                        text: parent.section
                        padding: 6
                        leftPadding: 10
                        font.pixelSize: 14
                        font.bold: true
                        opacity: 0.85
                    }
                }

                delegate: Rectangle {
                    id: line

                    required property int lineNumber
                    required property string text
                    required property int awaitingCount

                    width: ListView.view.width
                    height: codeText.implicitHeight
                    color: awaitingCount > 0 ? Qt.rgba(1, 0.82, 0.5, 0.22) : "transparent"

                    Label {
                        id: number

                        width: 44
                        anchors.verticalCenter: parent.verticalCenter
                        horizontalAlignment: Text.AlignRight
                        text: line.lineNumber
                        font.family: "monospace"
                        font.pixelSize: 13
                        opacity: 0.45
                    }
                    Label {
                        id: codeText

                        anchors.left: number.right
                        anchors.leftMargin: 12
                        anchors.right: badge.visible ? badge.left : parent.right
                        anchors.rightMargin: 6
                        text: line.text
                        font.family: "monospace"
                        font.pixelSize: 14
                        elide: Text.ElideRight
                    }
                    Rectangle {
                        id: badge

                        visible: line.awaitingCount > 0
                        anchors.right: parent.right
                        anchors.rightMargin: 14
                        anchors.verticalCenter: parent.verticalCenter
                        width: badgeText.implicitWidth + 12
                        height: badgeText.implicitHeight + 2
                        radius: height / 2
                        color: "#ffd180"

                        Label {
                            id: badgeText

                            anchors.centerIn: parent
                            text: qsTr("%n waiting", "", line.awaitingCount)
                            color: "#202020"
                            font.pixelSize: 12
                            font.bold: true
                        }
                    }
                }

                Label {
                    anchors.centerIn: parent
                    visible: sourceView.count === 0
                    text: qsTr("No C++ scenario for this pattern yet.")
                    font.pixelSize: 15
                    opacity: 0.7
                }
            }

            ScrollView {
                clip: true

                TextArea {
                    readOnly: true
                    selectByMouse: true
                    text: tokio.exists ? tokio.text : qsTr("No Tokio version of this pattern yet.")
                    font.family: "monospace"
                    font.pixelSize: 14
                    wrapMode: TextEdit.NoWrap
                    padding: 10
                    background: null
                    Accessible.name: qsTr("Tokio source")
                }
            }
        }
    }
}
