import QtQuick
import Taskscope

/// A value to be read, not watched: `value` follows `live` at once while no run goes, and
/// while one does only when the controller says readouts are due (at the slow views' pace,
/// EngineController::readoutsDue(), about ten times a second).
///
/// For the numbers and words that change with every frame of a run: counts, the clock, the
/// newest writes. Digits that change sixty times a second can't be read from the back of a
/// room, and each new text is new glyph geometry in the scene graph, which then rebuilds and
/// re-uploads the whole frame instead of only moving what moved. What is watched (a level, a
/// slot filling, a token in flight) keeps binding to the live value.
QtObject {
    id: root

    /// The controller whose run sets the pace; none: `value` always follows at once.
    property EngineController controller: null
    /// What would be shown if every frame were read.
    property var live
    /// What is shown. (Bound to `live` until the first assignment below breaks the binding.)
    property var value: root.live
    readonly property bool paced: root.controller !== null && root.controller.state === EngineController.Running

    onLiveChanged: {
        if (!root.paced)
            root.value = root.live
    }
    onPacedChanged: root.value = root.live
    Component.onCompleted: root.value = root.live

    property Connections _readouts: Connections {
        target: root.controller

        function onReadoutsDue() {
            root.value = root.live
        }
    }
}
