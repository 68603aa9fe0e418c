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
    // The pattern pages' state colours: saturated enough to read on a projector, dark enough
    // on the light theme to carry white text.
    readonly property color good: root.dark ? "#66bb6a" : "#2e7d32"
    readonly property color bad: root.dark ? "#ef5350" : "#c62828"
    readonly property color caution: root.dark ? "#ffb300" : "#ef6c00"
    readonly property color active: root.dark ? "#26c6da" : "#00838f"
    readonly property color idle: root.dark ? "#78909c" : "#90a4ae"
    /// An empty slot's outline and a diagram's resting lines.
    readonly property color outline: root.dark ? Qt.rgba(1, 1, 1, 0.35) : Qt.rgba(0, 0, 0, 0.35)
    /// The outline as it looks on the background, but opaque: for a shape that changes between
    /// outlined and filled every frame (see ActorPage.qml's mailbox slots).
    readonly property color solidOutline: root.over(root.text, 0.35)
    readonly property color text: root.dark ? "#ffffff" : "#000000"
    /// The window's background, for blending opaque fills.
    readonly property color background: root.dark ? "#303030" : "#fafafa"

    /// @p color at @p amount (0–1) over the page's background, opaque (for the plots).
    function over(color: color, amount: real): color {
        return Qt.tint(root.background, Qt.rgba(color.r, color.g, color.b, amount))
    }

    /// The `image://token/` URL of a message token (see tokenimageprovider.h): a pill of
    /// @p fill, @p width x @p height logical pixels, with a 2 px @p border and @p text in bold
    /// @p fontPixels, in @p ink. The pattern pages' flying tokens are images of it, so every
    /// token in flight is one draw call.
    function tokenImage(width: real, height: real, fill: color, border: color, ink: color, text: string,
                        fontPixels: int): string {
        const hex = shade => shade.toString().substring(1) // "#aarrggbb" without its '#'
        return "image://token/" + [width + "x" + height, 2, fontPixels, hex(fill), hex(border), hex(ink),
                                   encodeURIComponent(text)].join("/")
    }

    /// A pixel size scaled by the font scale.
    function px(size: real): int {
        return Math.round(size * root.fontScale)
    }
}
