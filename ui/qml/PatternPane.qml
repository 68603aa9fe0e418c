import QtQuick
import QtQuick.Controls
import Taskscope

/// The "Pattern" tab: the running scenario's live page, chosen by its id. Each page reads the
/// engine's PatternState (counters and instants from the trace) and holds no engine objects.
Item {
    id: root

    required property EngineController controller

    /// scenarioId → the page that animates it; scenarios not listed get a one-line note.
    readonly property var pages: ({
        "rate-limiter": "RateLimiterPage.qml",
        "backpressure": "BackpressurePage.qml",
        "circuit-breaker": "CircuitBreakerPage.qml",
        "connection-pool": "ConnectionPoolPage.qml",
        "actor": "ActorPage.qml",
        "retry": "RetryPage.qml",
        "stream-pipeline": "StreamPipelinePage.qml",
        "fan-out": "FanOutPage.qml",
        "runtime": "RuntimePage.qml",
        "join-set": "JoinSetPage.qml",
        "cancellation": "CancellationPage.qml",
        "tracing": "TracingPage.qml"
    })
    readonly property string pageFile: root.pages[root.controller.scenarioId] ?? ""
    /// The page on screen (null while there is none), for tests.
    readonly property Item page: loader.item

    Loader {
        id: loader

        objectName: "patternPageLoader"
        anchors.fill: parent
        active: root.pageFile.length > 0
        // Pages take the controller as a required property, so they are created with it.
        Component.onCompleted: loader.load()

        function load() {
            if (root.pageFile.length > 0)
                loader.setSource(root.pageFile, {controller: root.controller})
        }

        Connections {
            target: root
            function onPageFileChanged() {
                loader.load()
            }
        }
    }
    Label {
        objectName: "noPageNote"
        anchors.fill: parent
        anchors.margins: 16
        visible: root.pageFile.length === 0
        text: qsTr("This pattern's live page is still to come — the timeline and the task table show it running.")
        font.pixelSize: Theme.px(16)
        opacity: 0.75
        wrapMode: Text.Wrap
        verticalAlignment: Text.AlignVCenter
        horizontalAlignment: Text.AlignHCenter
    }
}
