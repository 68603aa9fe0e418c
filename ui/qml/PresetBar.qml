import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Taskscope

// Presets: the scenario's shipped ones in a menu, and Load…/Save… of JSON files. A file
// that is rejected leaves everything as it was and says which field is wrong, inline.
ColumnLayout {
    id: root

    required property EngineController controller
    /// The last outcome, in words; `failed` colours it as an error, `noted` as a warning (a
    /// preset that named something this version lacks, left out).
    property string message: ""
    property bool failed: false
    property bool noted: false

    function apply(presetUrl: url, title: string) {
        const problem = root.controller.loadPreset(presetUrl)
        root.failed = problem.length > 0
        root.noted = !root.failed && root.controller.presetNotes.length > 0
        root.message = root.failed ? problem : [qsTr("Loaded “%1”; it applies on Reset.").arg(title)]
                                               .concat(root.controller.presetNotes).join(" ")
    }
    function save(fileUrl: url) {
        const problem = root.controller.savePreset(fileUrl)
        root.failed = problem.length > 0
        root.noted = false
        root.message = root.failed ? problem : qsTr("Saved %1").arg(decodeURIComponent(String(fileUrl).replace(/^file:\/\//, "")))
    }

    spacing: 2

    Connections {
        target: root.controller
        function onScenarioIdChanged() {
            presetBox.currentIndex = -1
            if (!root.failed)
                root.message = ""
        }
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: 8

        Label {
            text: qsTr("Preset")
            font.pixelSize: 15
        }
        PlainComboBox {
            id: presetBox

            Layout.preferredWidth: 260
            enabled: root.controller.presets.length > 0
            model: root.controller.presets
            textRole: "title"
            currentIndex: -1
            displayText: currentIndex < 0 ? (enabled ? qsTr("Choose a preset…") : qsTr("none shipped")) : currentText
            font.pixelSize: 15
            onActivated: index => root.apply(root.controller.presets[index].url, root.controller.presets[index].title)
            ToolTip.visible: hovered && currentIndex >= 0
            ToolTip.text: currentIndex >= 0 ? root.controller.presets[currentIndex].description : ""

            delegate: ItemDelegate {
                id: presetItem

                required property var modelData
                required property int index

                width: ListView.view.width
                highlighted: presetBox.highlightedIndex === presetItem.index
                contentItem: Column {
                    spacing: 2

                    Label {
                        width: parent.width
                        text: presetItem.modelData.title
                        font.pixelSize: 15
                        elide: Text.ElideRight
                    }
                    Label {
                        width: parent.width
                        text: presetItem.modelData.description
                        font.pixelSize: 13
                        opacity: 0.7
                        wrapMode: Text.Wrap
                    }
                }
            }
        }
        PlainButton {
            text: qsTr("Load…")
            enabled: root.controller.hasScenario
            onClicked: {
                dialogLoader.saving = false
                dialogLoader.active = true
            }
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Load a preset file (JSON): scenario, variant and parameters")
        }
        PlainButton {
            text: qsTr("Save…")
            enabled: root.controller.hasScenario
            onClicked: {
                dialogLoader.saving = true
                dialogLoader.active = true
            }
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Save this scenario's variant and parameters as a preset file")
        }
        Label {
            id: messageLabel

            objectName: "presetMessage"
            Layout.fillWidth: true
            visible: root.message.length > 0
            text: root.message
            color: root.failed ? "#ff8a80" : root.noted ? "#ffd180" : palette.text
            opacity: root.failed || root.noted ? 1 : 0.75
            font.pixelSize: 14
            wrapMode: Text.Wrap
            maximumLineCount: 2
            elide: Text.ElideRight

            // Two lines may not hold a long note: the whole of it on hover.
            HoverHandler {
                id: messageHover
            }
            ToolTip.visible: messageHover.hovered && messageLabel.truncated
            ToolTip.text: root.message
        }
        Item {
            Layout.fillWidth: true
            visible: root.message.length === 0
        }
    }

    // Made only when asked for, so a window that never opens it pays nothing for it.
    Loader {
        id: dialogLoader

        property bool saving: false

        objectName: "presetDialogLoader"
        active: false
        sourceComponent: FileDialog {
            title: dialogLoader.saving ? qsTr("Save preset") : qsTr("Load preset")
            fileMode: dialogLoader.saving ? FileDialog.SaveFile : FileDialog.OpenFile
            nameFilters: [qsTr("Taskscope presets (*.json)"), qsTr("All files (*)")]
            defaultSuffix: "json"
            onAccepted: {
                if (dialogLoader.saving)
                    root.save(selectedFile)
                else
                    root.apply(selectedFile, decodeURIComponent(String(selectedFile).split("/").pop()))
                dialogLoader.active = false
            }
            onRejected: dialogLoader.active = false
        }
        onLoaded: item.open()
    }
}
