import QtQuick
import QtQuick.Controls
import Taskscope

// The pattern's explanation (resources/explanations/<scenario>.md): what it is for, what to
// watch, three things to try, what the seed gets wrong. Markdown, scrollable, projector-sized.
ScrollView {
    id: root

    required property string scenarioId
    /// True when there is an explanation for this scenario.
    readonly property bool available: explanation.exists
    readonly property ResourceText explanation: ResourceText {
        source: root.scenarioId.length > 0 ? "qrc:/Taskscope/explanations/" + root.scenarioId + ".md" : ""
    }

    clip: true
    contentWidth: availableWidth
    Accessible.name: qsTr("Explanation")

    Label {
        width: root.availableWidth
        padding: 14
        rightPadding: 20 // room for the scroll bar
        // The page's header already shows the title: start at the first section.
        text: root.available ? root.explanation.text.replace(/^# .*\n+/, "") : qsTr("No explanation for this pattern yet.")
        textFormat: Text.MarkdownText
        wrapMode: Text.Wrap
        font.pixelSize: 16
        lineHeight: 1.15
        onLinkActivated: link => Qt.openUrlExternally(link)
    }
}
