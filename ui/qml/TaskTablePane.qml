import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The task table (sortable by a header click, filtered to live or finished tasks and by name)
/// beside the selected task's details.
SplitView {
    id: root

    required property EngineController controller
    readonly property alias proxy: tasks
    readonly property alias table: table

    orientation: Qt.Horizontal

    TaskFilterProxyModel {
        id: tasks

        sourceModel: root.controller.taskModel
    }
    // A hidden table skips its per-cell updates (see TaskTableModel::shown).
    Binding {
        target: root.controller.taskModel
        property: "shown"
        value: root.visible
    }

    ColumnLayout {
        SplitView.fillWidth: true
        SplitView.minimumWidth: 300
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            PlainComboBox {
                id: showFilter

                Layout.preferredWidth: Math.max(implicitWidth, Theme.px(140))
                implicitContentWidthPolicy: ComboBox.WidestText
                model: [qsTr("All tasks"), qsTr("Live"), qsTr("Finished")]
                onActivated: index => tasks.show = [TaskFilterProxyModel.All, TaskFilterProxyModel.Live,
                                                    TaskFilterProxyModel.Finished][index]
                Accessible.name: qsTr("Show")
            }
            TextField {
                Layout.fillWidth: true
                Layout.maximumWidth: Theme.px(280)
                placeholderText: qsTr("Filter by name")
                onTextChanged: tasks.nameFilter = text
                Accessible.name: qsTr("Filter by name")
            }
            Label {
                Layout.fillWidth: true
                text: qsTr("%1 shown · click a header to sort · click a row for details").arg(table.rows)
                opacity: 0.65
                font.pixelSize: Theme.px(12)
                elide: Text.ElideRight
            }
        }
        HorizontalHeaderView {
            id: header

            Layout.fillWidth: true
            syncView: table
            clip: true

            delegate: Label {
                id: headerCell

                required property string display
                required property int column

                topPadding: 6
                bottomPadding: 6
                text: headerCell.display + (tasks.sortColumn === headerCell.column ? (tasks.descending ? " ▼" : " ▲") : "")
                font.pixelSize: Theme.px(13)
                font.bold: true
                leftPadding: 4
                rightPadding: 4
                verticalAlignment: Text.AlignVCenter
                elide: Text.ElideRight
                background: Rectangle {
                    color: headerTap.pressed ? Theme.selection : Theme.laneBackground
                }

                TapHandler {
                    id: headerTap

                    onTapped: tasks.sortBy(headerCell.column)
                }
            }
        }
        TableView {
            id: table

            readonly property var baseWidths: [55, 130, 190, 75, 70, 85, 125, 85, 190, 190, 70]

            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: tasks
            columnWidthProvider: column => table.baseWidths[column] * Theme.fontScale
            rowHeightProvider: () => Theme.px(26)
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}
            ScrollBar.horizontal: ScrollBar {}
            onWidthChanged: forceLayout()

            Connections {
                target: Theme
                function onFontScaleChanged() {
                    table.forceLayout()
                }
            }

            delegate: Rectangle {
                id: cell

                required property string display
                required property color taskColor
                required property int column
                required property int row
                required property var taskId

                color: Number(cell.taskId) === root.controller.selectedTask ? Theme.selection : "transparent"

                Label {
                    anchors.fill: parent
                    anchors.leftMargin: 4
                    anchors.rightMargin: 4
                    verticalAlignment: Text.AlignVCenter
                    text: cell.display
                    font.pixelSize: Theme.px(13)
                    elide: cell.column === 8 || cell.column === 9 ? Text.ElideLeft : Text.ElideRight
                    color: cell.column === 2 ? cell.taskColor : palette.text
                }
                TapHandler {
                    onTapped: root.controller.selectedTask = Number(cell.taskId)
                }
            }
        }
    }
    TaskDetail {
        SplitView.preferredWidth: Math.min(Theme.px(330), root.width * 0.34)
        SplitView.minimumWidth: 200
        controller: root.controller
    }
}
