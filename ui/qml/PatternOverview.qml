import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: root

    property string title: ""
    property string section: ""
    property string summary: ""
    property string shows: ""
    property var parameters: ({})
    /// Title and summary only, above a live scenario.
    property bool compact: false
    readonly property var parameterNames: Object.keys(root.parameters)

    padding: root.compact ? 16 : 32
    bottomPadding: root.compact ? 4 : 32
    // The window's clear colour is the same: no second coat of it.
    background: null

    ColumnLayout {
        anchors.fill: parent
        spacing: root.compact ? 6 : 16

        Label {
            Layout.fillWidth: true
            visible: !root.compact
            text: root.section
            font.pixelSize: Theme.px(15)
            font.letterSpacing: 1.2
            opacity: 0.6
        }
        Label {
            Layout.fillWidth: true
            text: root.title
            font.pixelSize: Theme.px(root.compact ? 22 : 34)
            font.bold: true
            wrapMode: Text.Wrap
        }
        Label {
            Layout.fillWidth: true
            Layout.maximumWidth: 900 * Theme.fontScale
            visible: root.summary.length > 0
            text: root.summary
            font.pixelSize: Theme.px(root.compact ? 15 : 20)
            lineHeight: 1.2
            wrapMode: Text.Wrap
            // Above a live run, two lines (the full text is the tooltip and the Explanation tab).
            maximumLineCount: root.compact ? 2 : 100
            elide: Text.ElideRight
        }
        Frame {
            Layout.fillWidth: true
            Layout.maximumWidth: 900 * Theme.fontScale
            Layout.topMargin: 12
            visible: !root.compact

            ColumnLayout {
                anchors.fill: parent
                spacing: 6

                Label {
                    text: qsTr("What its live page animates")
                    font.pixelSize: Theme.px(15)
                    font.bold: true
                }
                Label {
                    Layout.fillWidth: true
                    text: root.shows
                    font.pixelSize: Theme.px(17)
                    wrapMode: Text.Wrap
                    opacity: 0.85
                }
            }
        }
        Label {
            Layout.fillWidth: true
            Layout.maximumWidth: 900 * Theme.fontScale
            visible: root.parameterNames.length > 0 && !root.compact
            text: qsTr("Parameters from the command line: %1")
                .arg(root.parameterNames.map(name => name + " = " + root.parameters[name]).join(", "))
            font.pixelSize: Theme.px(16)
            wrapMode: Text.Wrap
            opacity: 0.85
        }
        Item {
            Layout.fillHeight: true
            visible: !root.compact
        }
    }
}
