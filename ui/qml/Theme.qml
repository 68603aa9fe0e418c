pragma Singleton

import QtQuick

/// Window-wide look: the font scale (Ctrl+plus / Ctrl+minus) and the few colours that are not
/// the Controls style's, for the dark and the light theme.
QtObject {
    id: root

    /// 1.0 is the normal size; Ctrl+plus and Ctrl+minus step it for a projector.
    property real fontScale: 1.0
    /// Set by the window from its Material theme.
    property bool dark: true

    readonly property color warning: root.dark ? "#ffd180" : "#9a5b00"
    readonly property color error: root.dark ? "#ff8a80" : "#c62828"
    readonly property color laneBackground: root.dark ? Qt.rgba(1, 1, 1, 0.05) : Qt.rgba(0, 0, 0, 0.05)
    readonly property color selection: root.dark ? Qt.rgba(1, 1, 1, 0.12) : Qt.rgba(0, 0, 0, 0.10)
    readonly property color steal: root.dark ? "#ff5252" : "#d50000"
    readonly property color park: root.dark ? "#9e9e9e" : "#757575"
    readonly property color highlight: root.dark ? "#ffffff" : "#000000"

    /// A pixel size scaled by the font scale.
    function px(size: real): int {
        return Math.round(size * root.fontScale)
    }
}
