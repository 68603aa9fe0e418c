import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Taskscope

/// The actor at work: the clients down the left, the bounded mailbox as a row of slots filling
/// and draining, the senders a full mailbox holds back, and the actor that owns the store. Each
/// Get / Set / Delete flies from its client into the mailbox and its oneshot reply flies back;
/// on the right, what the actor has answered and what the store holds.
///
/// Drawn with plain Qt Quick items (Rectangles, Labels, a fixed pool of message tokens moved by
/// NumberAnimations): everything here is a few dozen items whose properties change once per
/// frame, which the scene graph batches cheaply. Canvas would repaint the whole picture in
/// JavaScript every frame, and Qt Charts draws plots, not diagrams.
///
/// Where the numbers come from (all traced, see keyvalueactor.h and actorscenario.cpp): the
/// counters "kv mailbox", "kv senders waiting", "kv gets" / "kv sets" / "kv deletes", "kv store
/// size" and "kv keys of client <n>"; the instants "kv request" and "kv answered" move the
/// tokens. At full rate many messages pass between two frames: a few of them are animated, and
/// the counts say how many there were.
Item {
    id: root

    required property EngineController controller

    readonly property PatternState feed: root.controller.patternState
    /// Every traced counter's latest value by name; changes once per drained frame. Bindings
    /// read it directly (values[name] ?? fallback): a dozen of them re-run every drain, and a
    /// lookup is less work than a call.
    readonly property var values: root.feed.values
    readonly property var parameters: root.controller.effectiveParameters
    readonly property int clients: root.parameters["clients"] ?? 4
    readonly property int capacity: root.parameters["mailbox_capacity"] ?? 8
    readonly property int keySpace: root.parameters["key_space"] ?? 16
    readonly property int mailboxLength: root.values["kv mailbox"] ?? 0
    readonly property int sendersWaiting: root.values["kv senders waiting"] ?? 0
    readonly property int gets: root.values["kv gets"] ?? 0
    readonly property int sets: root.values["kv sets"] ?? 0
    readonly property int deletes: root.values["kv deletes"] ?? 0
    readonly property int answered: root.gets + root.sets + root.deletes
    readonly property int storeSize: root.values["kv store size"] ?? 0
    /// The scenario traces the keys of its first 12 clients, when they have at most 32 keys.
    readonly property int keyRows: root.keySpace <= 32 ? Math.min(root.clients, 12) : 0
    readonly property var kindNames: ["GET", "SET", "DEL"]
    readonly property var kindColors: [Theme.active, Theme.good, Theme.caution]
    /// The message tokens (a fixed pool of 12 made once), for a launch to pick a free one from
    /// without asking the Repeater for each.
    property var tokenPool: []
    // Opaque colours, worked out once (not in the bindings of things that change every frame).
    readonly property color actorWorkingColor: Theme.over(Theme.active, 0.35)
    readonly property color actorRestingColor: Theme.over(Theme.text, 0.05)
    readonly property color freeCellColor: Theme.over(Theme.text, 0.15)
    /// The instants that move the tokens, in the order instantsAfter() numbers them.
    readonly property var messageNames: ["kv request", "kv answered"]
    /// Each kind's token, as a request and as a reply (built once, not per flight).
    readonly property var requestImages: root.kindNames.map((name, kind) => Theme.tokenImage(
        root.tokenWidth, root.tokenHeight, root.kindColors[kind], root.kindColors[kind], "#ffffff", name, Theme.px(12)))
    readonly property var replyImages: root.kindNames.map((name, kind) => Theme.tokenImage(
        root.tokenWidth, root.tokenHeight, Theme.background, root.kindColors[kind], root.kindColors[kind], "↩", Theme.px(12)))
    readonly property real tokenWidth: Theme.px(44)
    readonly property real tokenHeight: Theme.px(22)
    /// The newest writes to the store, newest first: {kind, key}.
    property var recentWrites: []
    /// The time of the newest instant already animated.
    property real lastMarkMs: -1
    /// Messages seen between the last two frames (sent + answered), and how many of them flew.
    property int messagesLastFrame: 0
    property int animatedLastFrame: 0

    // What the page prints follows at reading pace while a run goes (Readout.qml); the slots,
    // the dots and the tokens show every frame.
    Readout {
        id: mailboxShown

        controller: root.controller
        live: root.mailboxLength
    }
    Readout {
        id: waitingShown

        controller: root.controller
        live: root.sendersWaiting
    }
    Readout {
        id: writesShown

        controller: root.controller
        live: root.recentWrites.map(write => root.kindNames[write.kind] + " " + write.key).join(", ")
    }
    Readout {
        id: samplingShown

        controller: root.controller
        live: root.messagesLastFrame > root.animatedLastFrame
    }

    /// Sends a few of the messages traced since the last frame flying; counts the rest.
    /// Newest first, and only as far as the picture needs: at full rate a frame brings far more
    /// messages than it can show (this ran every drain and once cost a millisecond of it).
    function followMessages() {
        if (root.feed.latestMs() === 0) { // a reset
            root.lastMarkMs = -1
            root.recentWrites = []
            root.messagesLastFrame = 0
            root.animatedLastFrame = 0
            return
        }
        // [t, value, 0 = request / 1 = answer] per message since the last frame, newest first:
        // numbers only, no map and name string per message for the QML engine to collect.
        const marks = root.feed.instantsAfter(root.messageNames, root.lastMarkMs, 16)
        if (marks.length === 0)
            return
        root.lastMarkMs = marks[0]
        const writes = []
        let flying = 0
        let fresh = 0
        for (let at = 0; at < marks.length; at += 3) {
            ++fresh
            const reply = marks[at + 2] === 1
            const value = marks[at + 1]
            const kind = value % 4
            const rest = Math.floor(value / 4)
            const client = Math.floor(rest / root.keySpace)
            if (reply && kind > 0 && writes.length < 5)
                writes.push({kind: kind, key: "c%1/k%2".arg(client).arg(rest % root.keySpace)})
            // A few each way per frame keeps the picture readable at any rate.
            if (flying < 4 && diagram.launch(kind, client, reply))
                ++flying
        }
        if (writes.length > 0)
            root.recentWrites = writes.concat(root.recentWrites).slice(0, 5)
        root.messagesLastFrame = fresh
        root.animatedLastFrame = flying
    }

    Connections {
        target: root.feed
        function onChanged() {
            root.followMessages()
        }
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.px(12)
        spacing: Theme.px(16)

        Item {
            id: diagram

            /// Under the "N clients" caption.
            readonly property real cardsArea: diagram.height - Theme.px(26)
            readonly property int maxCards: Math.max(2, Math.min(10, Math.floor(diagram.cardsArea / Theme.px(38))))
            /// Client cards drawn; past maxCards the last one stands for all the others.
            readonly property int cards: Math.min(root.clients, diagram.maxCards)
            readonly property real cardWidth: Theme.px(100)
            readonly property real cardHeight: Theme.px(30)
            readonly property real cardPitch: Math.min(Theme.px(44), diagram.cardsArea / Math.max(1, diagram.cards))
            readonly property real cardFrameHeight: Math.min(diagram.cardHeight, diagram.cardPitch - Theme.px(4))
            readonly property real cardsTop: Theme.px(26) + (diagram.cardsArea - diagram.cards * diagram.cardPitch) / 2
            readonly property real actorWidth: Theme.px(108)
            readonly property real actorHeight: Theme.px(96)
            readonly property real actorX: diagram.width - diagram.actorWidth
            readonly property real midY: diagram.height / 2
            /// Room for the mailbox: what the cards, the actor and the funnel leave. Slots narrow
            /// down to fit; past one slot per 10 px each slot stands for several messages.
            readonly property real mailboxRoom: Math.max(Theme.px(40), diagram.width - diagram.cardWidth - diagram.actorWidth - Theme.px(96))
            readonly property int boxes: Math.max(1, Math.min(root.capacity, 32, Math.floor(diagram.mailboxRoom / Theme.px(10))))
            readonly property real slotPitch: Math.min(Theme.px(24), diagram.mailboxRoom / diagram.boxes)
            readonly property real slotWidth: diagram.slotPitch - Math.max(2, Math.round(diagram.slotPitch / 6))
            readonly property real perBox: root.capacity / diagram.boxes
            readonly property real mailboxWidth: diagram.boxes * diagram.slotPitch
            readonly property real mailboxX: diagram.actorX - Theme.px(28) - diagram.mailboxWidth
            readonly property real funnelX: diagram.mailboxX - Theme.px(30)
            /// Replies run back below the mailbox and its waiting senders.
            readonly property real replyY: diagram.midY + Theme.px(74)

            /// The vertical centre of the card that client @p client is drawn as.
            function cardY(client: int): real {
                return diagram.cardsTop + (Math.min(client, diagram.cards - 1) + 0.5) * diagram.cardPitch
            }

            /// Starts a free token on its way; false when all are in the air.
            function launch(kind: int, client: int, reply: bool): bool {
                for (const token of root.tokenPool) {
                    if (!token.busy) {
                        token.start(kind, client, reply)
                        return true
                    }
                }
                return false
            }

            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.minimumWidth: Theme.px(420)

            // The clients: every card's frame, then every card's name. A name laid over its own
            // frame ends the scene graph's text batch, so card by card each name was a draw call
            // of its own; frames first, the names are one (and the frames another).
            Repeater {
                model: diagram.cards

                Rectangle {
                    id: cardFrame

                    required property int index

                    objectName: "clientCard"
                    x: 0
                    y: diagram.cardY(cardFrame.index) - height / 2
                    width: diagram.cardWidth
                    height: diagram.cardFrameHeight
                    // Square, as the slots and the actor: under a CPU rasterizer a rounded,
                    // antialiased frame is some 140 triangles, a square one 8.
                    radius: 0
                    color: Theme.laneBackground
                    border.color: Theme.outline
                    border.width: 2
                }
            }
            Repeater {
                model: diagram.cards

                Label {
                    id: cardName

                    required property int index
                    /// The last card stands for the clients past it when they don't all fit.
                    readonly property bool others: cardName.index === diagram.cards - 1 && root.clients > diagram.cards

                    objectName: "clientCardName"
                    x: Theme.px(4)
                    y: diagram.cardY(cardName.index) - height / 2
                    width: diagram.cardWidth - Theme.px(8)
                    height: diagram.cardFrameHeight
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    text: cardName.others ? qsTr("+%n more", "", root.clients - cardName.index) : qsTr("client %1").arg(cardName.index)
                    font.pixelSize: Theme.px(15)
                    font.bold: true
                    fontSizeMode: Text.HorizontalFit
                    minimumPixelSize: Theme.px(10)
                }
            }
            Label {
                x: 0
                y: Math.max(0, diagram.cardsTop - height - Theme.px(4))
                width: diagram.cardWidth
                horizontalAlignment: Text.AlignHCenter
                text: root.clients === 1 ? qsTr("1 client") : qsTr("%1 clients").arg(root.clients)
                font.pixelSize: Theme.px(14)
                opacity: 0.8
            }

            // The way in (mpsc send) and the way back (each request's own oneshot).
            Rectangle {
                x: diagram.funnelX
                y: diagram.midY - 1
                width: diagram.mailboxX - diagram.funnelX
                height: 3
                color: Theme.outline
            }
            Rectangle {
                x: diagram.funnelX
                y: diagram.replyY - 1
                width: diagram.actorX + diagram.actorWidth / 2 - diagram.funnelX
                height: 3
                color: Theme.outline
            }
            Rectangle {
                x: diagram.actorX + diagram.actorWidth / 2 - 1
                y: diagram.midY + diagram.actorHeight / 2
                width: 3
                height: diagram.replyY - y
                color: Theme.outline
            }
            Label {
                x: diagram.funnelX
                y: diagram.replyY + Theme.px(15) // below the reply tokens (22 px, centred on the line)
                width: diagram.actorX + diagram.actorWidth / 2 - diagram.funnelX
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("oneshot replies")
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                elide: Text.ElideRight
            }

            // The mailbox: its capacity as slots, the oldest message nearest the actor.
            Label {
                // Over the mailbox; a narrow one has it stick out to the left, away from the actor.
                x: Math.min(diagram.mailboxX, diagram.mailboxX + diagram.mailboxWidth - width)
                y: diagram.midY - Theme.px(20) - height - Theme.px(2)
                text: qsTr("Mailbox  %1 / %2").arg(mailboxShown.value).arg(root.capacity)
                font.pixelSize: Theme.px(17)
                font.bold: true
                color: mailboxShown.value >= root.capacity ? Theme.caution : Theme.text
            }
            Repeater {
                model: diagram.boxes

                Rectangle {
                    id: box

                    required property int index
                    /// Whether this slot holds a message now (filled from the actor's end).
                    readonly property bool taken: diagram.boxes - 1 - box.index < Math.ceil(root.mailboxLength / diagram.perBox)

                    objectName: "mailboxSlot"
                    x: diagram.mailboxX + box.index * diagram.slotPitch
                    y: diagram.midY - height / 2
                    width: diagram.slotWidth
                    height: Theme.px(40)
                    radius: 0
                    // One colour: at full rate the mailbox flips between full and not full every
                    // frame, and a colour for "full" would flicker; the caption turns amber instead.
                    // Taken and empty draw the same shape, only in other colours: the slots change
                    // every frame, and a node that changes its vertex count (a border that comes
                    // and goes, a fill that turns transparent) makes the scene graph rebatch the
                    // whole frame; a colour is only new vertex data.
                    color: box.taken ? Theme.active : Theme.background
                    border.color: box.taken ? Theme.active : Theme.solidOutline
                    border.width: 2
                    // No colour animation: at full rate the level changes every frame, and a fade
                    // that never finishes leaves every slot a muddy in-between.
                }
            }
            // The senders a full mailbox holds back, one dot each, as far as there is room.
            Row {
                id: waitingRow

                objectName: "waitingSenders"
                x: diagram.funnelX
                y: diagram.midY + Theme.px(28)
                spacing: Theme.px(8)
                visible: waitingShown.value > 0

                Label {
                    id: waitingLabel

                    objectName: "sendersWaitingLabel"
                    text: waitingShown.value === 1 ? qsTr("1 sender waiting") : qsTr("%1 senders waiting").arg(waitingShown.value)
                    color: Theme.caution
                    font.pixelSize: Theme.px(15)
                    font.bold: true
                }
                Repeater {
                    model: Math.min(waitingShown.value,
                                    Math.max(0, Math.floor((diagram.actorX - Theme.px(16) - diagram.funnelX - waitingLabel.implicitWidth) / Theme.px(20))))

                    Rectangle {
                        anchors.verticalCenter: parent.verticalCenter
                        width: Theme.px(12)
                        height: Theme.px(12)
                        radius: width / 2
                        color: Theme.caution
                    }
                }
            }

            // The actor.
            Rectangle {
                id: actorBox

                readonly property bool working: root.mailboxLength > 0

                x: diagram.actorX
                y: diagram.midY - diagram.actorHeight / 2
                width: diagram.actorWidth
                height: diagram.actorHeight
                radius: 0
                // Both opaque: it turns on and off every frame, and a square (unblended) node
                // that turned translucent would make the scene graph rebuild the frame.
                color: actorBox.working ? root.actorWorkingColor : root.actorRestingColor
                border.color: Theme.active
                border.width: actorBox.working ? 4 : 2
                // Not animated, as the slots: it may change every frame.
                Column {
                    anchors.centerIn: parent
                    spacing: 2

                    Label {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("Actor")
                        font.pixelSize: Theme.px(22)
                        font.bold: true
                    }
                    Label {
                        anchors.horizontalCenter: parent.horizontalCenter
                        text: qsTr("owns the store")
                        font.pixelSize: Theme.px(13)
                        opacity: 0.8
                    }
                }
                Label {
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.bottom: parent.top
                    anchors.bottomMargin: Theme.px(4)
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("one at a time")
                    font.pixelSize: Theme.px(13)
                    opacity: 0.8
                }
            }

            // The messages in the air: a fixed pool, reused.
            Repeater {
                id: tokens

                model: 12

                // An image of its pill and word, not a Rectangle under a Label: images share the
                // texture atlas, so every token in flight is one draw call (TokenImageProvider).
                Image {
                    id: token

                    required property int index
                    property bool busy: false
                    property bool reply: false
                    property int kind: 0
                    property int client: 0
                    property real progress
                    readonly property real fromY: diagram.cardY(token.client)
                    /// Where the path turns (the funnel), as a share of the flight.
                    readonly property real turn: token.reply ? 0.55 : 1

                    function start(kind: int, client: int, reply: bool) {
                        token.kind = kind
                        token.client = client
                        token.reply = reply
                        token.busy = true
                        flight.restart()
                    }

                    // Requests fly straight from their card into the mailbox; replies leave the actor
                    // along the reply line (their first leg), then turn up to their card (the
                    // second). Plain arithmetic on properties, no function calls: these bindings
                    // run every frame for every token in the air, and the legs' ends change only
                    // when a reply turns.
                    readonly property bool secondLeg: token.reply && token.progress >= token.turn
                    readonly property real legShare: !token.reply ? token.progress
                                                     : token.secondLeg ? (token.progress - token.turn) / (1 - token.turn)
                                                                       : token.progress / token.turn
                    readonly property real cardEdgeX: diagram.cardWidth + token.width / 2 + 4
                    readonly property real startX: !token.reply ? token.cardEdgeX
                                                   : token.secondLeg ? diagram.funnelX : diagram.actorX + diagram.actorWidth / 2
                    readonly property real endX: !token.reply ? diagram.mailboxX - token.width / 2
                                                 : token.secondLeg ? token.cardEdgeX : diagram.funnelX
                    readonly property real startY: token.reply ? diagram.replyY : token.fromY
                    readonly property real endY: !token.reply ? diagram.midY : token.secondLeg ? token.fromY : diagram.replyY

                    objectName: "messageToken"
                    Component.onCompleted: root.tokenPool.push(token)
                    // Shrunk away, not hidden, when idle: hiding and showing a token takes its
                    // node out of the scene graph and puts it back, and either makes the renderer
                    // rebuild the whole frame; a scale is only a new transform.
                    scale: token.busy ? 1 : 0
                    width: root.tokenWidth
                    height: root.tokenHeight
                    // A request is its kind's colour with its name in white; a reply is hollow, an
                    // arrow in its kind's colour.
                    source: token.reply ? root.replyImages[token.kind] : root.requestImages[token.kind]
                    sourceSize: Qt.size(token.width * Screen.devicePixelRatio, token.height * Screen.devicePixelRatio)
                    x: token.startX + (token.endX - token.startX) * token.legShare - width / 2
                    y: token.startY + (token.endY - token.startY) * token.legShare - height / 2

                    NumberAnimation on progress {
                        id: flight

                        running: false
                        from: 0
                        to: 1
                        duration: 550
                        easing.type: Easing.InOutQuad
                        onFinished: token.busy = false
                    }
                }
            }
        }

        // What the actor answered, and what the store holds.
        ColumnLayout {
            id: storeColumn

            /// What the grid may not use: the counts, the captions and the spacing around them.
            readonly property real besidesGrid: countsRow.height + answeredLabel.height + storeNumber.height
                                                + Theme.px(26) + 5 * storeColumn.spacing

            // Never taller than the page (the Pattern tab is short on a small screen): the grid
            // shrinks instead, and the extras below it go first. Clipped only when even that
            // leaves too much: a clip makes the column a batch root of its own, whose text can
            // share no draw call with the diagram's (3 more a frame).
            Layout.maximumHeight: root.height - Theme.px(24)
            clip: storeColumn.implicitHeight > storeColumn.height
            Layout.preferredWidth: Theme.px(300)
            Layout.maximumWidth: Theme.px(300)
            Layout.fillHeight: true
            spacing: Theme.px(6)

            RowLayout {
                id: countsRow

                Layout.fillWidth: true
                spacing: Theme.px(8)

                // A fixed model: the numbers are bound, not part of it. (A model array holding
                // them was rebuilt on every change, so the Repeater destroyed and re-created its
                // three delegates inside this layout each frame; in Qt 6.4 a relayout in between
                // reached a destroyed one and crashed.)
                Repeater {
                    model: [
                        {name: "getsCount", caption: qsTr("Gets"), key: "gets", color: "active"},
                        {name: "setsCount", caption: qsTr("Sets"), key: "sets", color: "good"},
                        {name: "deletesCount", caption: qsTr("Deletes"), key: "deletes", color: "caution"}
                    ]

                    BigNumber {
                        required property var modelData

                        controller: root.controller
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                        objectName: modelData.name
                        caption: modelData.caption
                        value: root[modelData.key]
                        color: Theme[modelData.color]
                        size: 26
                    }
                }
            }
            Label {
                id: answeredLabel

                Layout.fillWidth: true
                text: qsTr("answered by the actor; %1 sends had to wait for room").arg(root.values["kv sender waits"] ?? 0)
                font.pixelSize: Theme.px(14)
                opacity: 0.8
                wrapMode: Text.Wrap
            }
            BigNumber {
                id: storeNumber

                controller: root.controller
                Layout.fillWidth: true
                objectName: "storeSize"
                caption: qsTr("Store")
                value: root.storeSize
                suffix: qsTr("keys")
                size: 26
            }
            // The store's contents: a row per client, a cell per key, filled while it is stored.
            // A row reads its client's key bits once; its cells re-evaluate only when those
            // change (one binding per cell reading the counter cost ~1 ms a frame at full rate).
            Column {
                id: storeGrid

                readonly property real cell: Math.max(3, Math.min(Theme.px(16),
                                                                  (storeColumn.width - Theme.px(36)) / Math.max(1, root.keySpace) - 2,
                                                                  (storeColumn.height - storeColumn.besidesGrid) / Math.max(1, root.keyRows) - 2))

                objectName: "storeGrid"
                Layout.fillWidth: true
                visible: root.keyRows > 0
                spacing: 2

                Repeater {
                    model: root.keyRows

                    Row {
                        id: keyRow

                        required property int index
                        readonly property int bits: root.values["kv keys of client " + keyRow.index] ?? 0

                        spacing: 2

                        Label {
                            width: Theme.px(34)
                            height: storeGrid.cell
                            verticalAlignment: Text.AlignVCenter
                            text: "c" + keyRow.index
                            font.pixelSize: Math.min(Theme.px(13), storeGrid.cell + 2)
                            opacity: 0.8
                        }
                        Repeater {
                            model: root.keySpace

                            Rectangle {
                                id: keyCell

                                required property int index
                                /// Whether this client's key is in the store now.
                                readonly property bool held: Math.floor(keyRow.bits / Math.pow(2, keyCell.index)) % 2 === 1

                                objectName: "storeCell"
                                width: storeGrid.cell
                                height: storeGrid.cell
                                // Square: a rounded cell is 64 vertices of antialiased rings (8
                                // square), and at 8 clients the grid's 128 cells were 40% of the
                                // window's triangles, which llvmpipe sets up one by one.
                                radius: 0
                                // Held and free are the same borderless square in two opaque
                                // colours: cells change every frame, and one that turned
                                // transparent or grew a border would switch its node to blending
                                // or to a new vertex count, either of which makes the scene graph
                                // rebuild the frame. (A border would also be 6 more triangles a
                                // cell.)
                                color: keyCell.held ? Theme.good : root.freeCellColor
                            }
                        }
                    }
                }
            }
            Label {
                Layout.fillWidth: true
                visible: root.keyRows > 0 && root.keyRows < root.clients
                text: qsTr("keys of the first %1 clients").arg(root.keyRows)
                font.pixelSize: Theme.px(13)
                opacity: 0.7
            }
            Label {
                Layout.fillWidth: true
                visible: root.keyRows === 0
                text: qsTr("%1 keys per client: too many to draw, the size says it").arg(root.keySpace)
                font.pixelSize: Theme.px(13)
                opacity: 0.7
                wrapMode: Text.Wrap
            }
            Label {
                Layout.fillWidth: true
                visible: writesShown.value.length > 0 && storeColumn.height > Theme.px(420)
                text: qsTr("Latest writes: ") + writesShown.value
                font.pixelSize: Theme.px(14)
                wrapMode: Text.Wrap
                maximumLineCount: 2
                elide: Text.ElideRight
            }
            Item {
                Layout.fillHeight: true
            }
            Label {
                Layout.fillWidth: true
                // Says why fewer tokens fly than the counts grow by.
                visible: storeColumn.height > Theme.px(480)
                opacity: samplingShown.value ? 0.7 : 0
                text: qsTr("Too many messages to draw each one: a sample flies, the counts have them all.")
                font.pixelSize: Theme.px(13)
                wrapMode: Text.Wrap
            }
        }
    }
}
