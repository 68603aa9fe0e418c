// The actor and retry pages (ui/qml/pages/ActorPage.qml, RetryPage.qml): each loads in the
// window's Pattern tab without a QML warning, runs its scenario deterministically (one worker,
// virtual clock) and then shows what the engine traced: the mailbox slots, the answered counts
// and the store; each call's attempts and backoff delays, and the totals.

#include "pagetest.h"

#include <QPointer>

#include <QHash>
#include <QPair>

using namespace taskscope::test;

namespace {

/// The traced "retry backoff" delays by (call, retry), in µs (see retryscenario.cpp).
QHash<QPair<int, int>, qlonglong> tracedBackoffs(taskscope::PatternState *feed)
{
    QHash<QPair<int, int>, qlonglong> delays;
    for (const QVariant &mark : feed->instants(QStringLiteral("retry backoff"), 256)) {
        const qlonglong code = mark.toMap().value(QStringLiteral("value")).toLongLong();
        const int call = int((code & ((1 << 22) - 1)) / 32);
        delays.insert({call, int(code % 32)}, code >> 22);
    }
    return delays;
}

} // namespace

class TestActorRetryPages : public QObject, public PageFixture
{
    Q_OBJECT

    /// Runs the scenario to its end, then drains what ran.
    bool runToTheEnd()
    {
        controller()->run();
        if (!QTest::qWaitFor([this] { return controller()->state() == taskscope::EngineController::State::Finished; },
                             30000))
            return false;
        controller()->drain();
        return waitForFrame();
    }

    qlonglong shown(const char *name) const
    {
        QQuickItem *item = itemNamed(page(), QString::fromLatin1(name));
        return item ? item->property("value").toLongLong() : -1;
    }

private slots:
    void initTestCase() { setUpTestCase("tst_actorretrypages"); }
    void init() { setUpTest(); }
    void cleanup() { close(); }

    void theMailboxTheCountsAndTheStoreAreWhatTheActorTraced()
    {
        // Eight clients, a slow actor and a mailbox of four: it fills and senders wait.
        QVERIFY(open(QStringLiteral("actor"), QStringLiteral("robust"),
                     {{"clients", 8}, {"ops_per_client", 40}, {"mailbox_capacity", 4}, {"handle_us", 2000}, {"key_space", 8}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("ActorPage.qml")));
        // One worker: the actor empties its whole mailbox in one poll, then the clients' polls
        // fill it again, one message each. Step poll by poll: after each, the page shows what
        // was traced.
        QVERIFY(runUntil(100));
        // The counts are the same three items all run long: re-created on every change, they
        // cost a frame each and once crashed a relayout of the layout they sit in.
        const QPointer<QQuickItem> getsItem = itemNamed(page(), QStringLiteral("getsCount"));
        QVERIFY(getsItem);
        bool sawMessages = false;
        bool sawWaiting = false;
        bool sawToken = false;
        for (int step = 0; step < 200 && !(sawMessages && sawWaiting && sawToken); ++step) {
            QVERIFY(stepAndShow());
            const QList<QQuickItem *> mailbox = itemsNamed(page(), QStringLiteral("mailboxSlot"));
            QCOMPARE(mailbox.size(), 4);
            QCOMPARE(countWhere(mailbox, "taken", true), int(qMax(0LL, counter("kv mailbox"))));
            sawMessages = sawMessages || counter("kv mailbox") > 1;
            const qlonglong waiting = counter("kv senders waiting");
            QQuickItem *waitingLabel = itemNamed(page(), QStringLiteral("sendersWaitingLabel"));
            if (waiting > 1) {
                sawWaiting = true;
                QVERIFY(waitingLabel);
                QCOMPARE(waitingLabel->property("text").toString(), QStringLiteral("%1 senders waiting").arg(waiting));
            } else if (waiting <= 0) {
                QVERIFY(!waitingLabel); // hidden
            }
            // A message in flight is an image of its pill and word (image://token/), loaded, at
            // full size; an idle token is shrunk to nothing, not hidden (hiding takes its node
            // out of the scene graph, which then rebuilds the frame).
            const QList<QQuickItem *> tokens = itemsNamed(page(), QStringLiteral("messageToken"));
            QCOMPARE(tokens.size(), 12);
            for (QQuickItem *token : tokens) {
                if (!token->property("busy").toBool()) {
                    QCOMPARE(token->scale(), 0.0);
                    continue;
                }
                sawToken = true;
                QCOMPARE(token->scale(), 1.0);
                QVERIFY2(token->property("source").toUrl().toString().startsWith(QStringLiteral("image://token/")),
                         qPrintable(token->property("source").toUrl().toString()));
                QCOMPARE(token->property("status").toInt(), 1); // Image.Ready
            }
        }
        QVERIFY(sawMessages);
        QVERIFY(sawWaiting);
        QVERIFY(sawToken);
        QVERIFY(counter("kv gets") > 0);
        QCOMPARE(shown("getsCount"), counter("kv gets"));
        QCOMPARE(shown("setsCount"), counter("kv sets"));
        QCOMPARE(shown("deletesCount"), qMax(0LL, counter("kv deletes")));
        QCOMPARE(shown("storeSize"), counter("kv store size"));
        // The store's cells: one per client and key, held as each client's key bits say.
        const QList<QQuickItem *> cells = itemsNamed(page(), QStringLiteral("storeCell"));
        QCOMPARE(cells.size(), 8 * 8);
        int bits = 0;
        for (int client = 0; client < 8; ++client)
            bits += qPopulationCount(quint64(qMax(0LL, counter(qPrintable(QStringLiteral("kv keys of client %1").arg(client))))));
        QVERIFY(bits > 0);
        QCOMPARE(countWhere(cells, "held", true), bits);

        // At the end: everything answered, the mailbox empty, the store as the scenario reports it.
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("lost").toLongLong(), 0);
        QCOMPARE(countWhere(itemsNamed(page(), QStringLiteral("mailboxSlot")), "taken", true), 0);
        QCOMPARE(shown("getsCount"), metrics.value("gets").toLongLong());
        QVERIFY(getsItem);
        QCOMPARE(itemNamed(page(), QStringLiteral("getsCount")), getsItem.data());
        QCOMPARE(shown("setsCount"), metrics.value("sets").toLongLong());
        QCOMPARE(shown("deletesCount"), metrics.value("deletes").toLongLong());
        QVERIFY(metrics.value("store_size").toLongLong() > 0);
        QCOMPARE(shown("storeSize"), metrics.value("store_size").toLongLong());
        QCOMPARE(countWhere(itemsNamed(page(), QStringLiteral("storeCell")), "held", true),
                 metrics.value("store_size").toInt());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void manyClientsShareTheLastCardAndTheStoreStillAddsUp()
    {
        // More clients than cards, more than the store draws: the size still tells the truth.
        QVERIFY(open(QStringLiteral("actor"), QStringLiteral("robust"), {{"clients", 40}, {"ops_per_client", 10}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        // The cards, and each card's name on it (drawn after all the cards, one text batch).
        const QList<QQuickItem *> cards = itemsNamed(page(), QStringLiteral("clientCard"));
        const QList<QQuickItem *> names = itemsNamed(page(), QStringLiteral("clientCardName"));
        QVERIFY(cards.size() > 1 && cards.size() < 40);
        QCOMPARE(names.size(), cards.size());
        for (int index = 0; index < cards.size(); ++index) {
            const QRectF card = cards[index]->mapRectToScene(cards[index]->boundingRect());
            const QRectF name = names[index]->mapRectToScene(names[index]->boundingRect());
            QVERIFY2(card.contains(name.center()), qPrintable(QStringLiteral("card %1").arg(index)));
            const QString text = names[index]->property("text").toString();
            QCOMPARE(text, index + 1 < cards.size() ? QStringLiteral("client %1").arg(index)
                                                    : QStringLiteral("+%1 more").arg(40 - index));
        }
        QCOMPARE(itemsNamed(page(), QStringLiteral("storeCell")).size(), 12 * 16); // the first 12 clients
        QCOMPARE(shown("storeSize"), metrics.value("store_size").toLongLong());
        QCOMPARE(shown("setsCount"), metrics.value("sets").toLongLong());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void withoutJitterEveryBackoffBarIsBaseTimesTwoToTheN()
    {
        QVERIFY(open(QStringLiteral("retry"), QStringLiteral("robust"),
                     {{"jitter", "none"}, {"attempts", 4}, {"base_backoff_ms", 40}, {"max_backoff_ms", 1000},
                      {"downstream_failure_rate", 0.7}, {"calls", 12}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("RetryPage.qml")));
        QCOMPARE(itemNamed(page(), QStringLiteral("jitterLabel"))->property("text").toString(), QStringLiteral("no jitter"));
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        const QHash<QPair<int, int>, qlonglong> traced = tracedBackoffs(controller()->patternState());
        const QList<QQuickItem *> bars = itemsNamed(page(), QStringLiteral("backoffBar"));
        QVERIFY(!bars.isEmpty());
        for (QQuickItem *bar : bars) {
            const int call = bar->property("call").toInt();
            const int retry = bar->property("retry").toInt();
            QVERIFY(traced.contains({call, retry}));
            QCOMPARE(bar->property("delayMs").toDouble(), double(traced.value({call, retry})) / 1000);
            QCOMPARE(bar->property("delayMs").toDouble(), 40.0 * (1 << retry));
        }
        // Every attempt of the calls on screen has its mark, and the totals are the scenario's.
        const QList<QQuickItem *> lanes = itemsNamed(page(), QStringLiteral("callLane"));
        QVERIFY(!lanes.isEmpty());
        QCOMPARE(itemsNamed(page(), QStringLiteral("attemptMark")).size(), bars.size() + lanes.size());
        QCOMPARE(shown("attemptsCount"), metrics.value("attempts_total").toLongLong());
        QCOMPARE(shown("attemptsCount"), counter("retry attempts"));
        QCOMPARE(shown("successesCount"), metrics.value("successes").toLongLong());
        QCOMPARE(qMax(0LL, shown("gaveUpCount")), metrics.value("gave_up").toLongLong());
        QVERIFY(metrics.value("gave_up").toLongLong() > 0);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void withFullJitterEachBarIsItsTracedDelayWithinItsCeiling()
    {
        QVERIFY(open(QStringLiteral("retry"), QStringLiteral("robust"),
                     {{"jitter", "full"}, {"attempts", 4}, {"base_backoff_ms", 100}, {"max_backoff_ms", 300},
                      {"downstream_failure_rate", 0.7}, {"calls", 10}}));
        QTRY_VERIFY(page() != nullptr);
        QCOMPARE(itemNamed(page(), QStringLiteral("jitterLabel"))->property("text").toString(), QStringLiteral("full jitter"));
        QVERIFY(runUntil(900)); // mid-run: some calls are still waiting
        const QHash<QPair<int, int>, qlonglong> traced = tracedBackoffs(controller()->patternState());
        const QList<QQuickItem *> bars = itemsNamed(page(), QStringLiteral("backoffBar"));
        QVERIFY(!bars.isEmpty());
        bool anyBelowCeiling = false;
        for (QQuickItem *bar : bars) {
            const int retry = bar->property("retry").toInt();
            const double delay = bar->property("delayMs").toDouble();
            QCOMPARE(delay, double(traced.value({bar->property("call").toInt(), retry}, -1)) / 1000);
            QVERIFY(delay <= qMin(300.0, 100.0 * (1 << retry)));
            anyBelowCeiling = anyBelowCeiling || delay < qMin(300.0, 100.0 * (1 << retry));
        }
        QVERIFY(anyBelowCeiling);
        QCOMPARE(shown("attemptsCount"), counter("retry attempts"));
        QCOMPARE(shown("backingOffCount"), qMax(0LL, counter("downstream call backing off")));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void behindABreakerItsStateAndTheRefusedAttemptsShow()
    {
        QVERIFY(open(QStringLiteral("retry"), QStringLiteral("robust"),
                     {{"breaker", true}, {"downstream_failure_rate", 1.0}, {"call_interval_ms", 10}, {"calls", 20}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        QCOMPARE(counter("breaker state"), 1);
        QCOMPARE(itemNamed(page(), QStringLiteral("breakerStateLabel"))->property("text").toString(), QStringLiteral("Breaker: Open"));
        QVERIFY(countWhere(itemsNamed(page(), QStringLiteral("attemptMark")), "outcome", 2) > 0);
        QCOMPARE(shown("gaveUpCount"), controller()->metrics().value("gave_up").toLongLong());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
    void aResetClearsTheLanesAndTheNextRunFillsThemAgain()
    {
        QVERIFY(open(QStringLiteral("retry"), QStringLiteral("robust"), {{"calls", 6}, {"jitter", "none"}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        QCOMPARE(itemsNamed(page(), QStringLiteral("callLane")).size(), 6);
        controller()->reset();
        QTRY_COMPARE(itemsNamed(page(), QStringLiteral("callLane")).size(), 0);
        QCOMPARE(shown("attemptsCount"), 0);
        QVERIFY(runToTheEnd());
        QCOMPARE(itemsNamed(page(), QStringLiteral("callLane")).size(), 6);
        QCOMPARE(shown("attemptsCount"), controller()->metrics().value("attempts_total").toLongLong());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestActorRetryPages)
#include "tst_actorretrypages.moc"
