// The runtime and join-set pages (ui/qml/pages/RuntimePage.qml, JoinSetPage.qml): each loads
// in the Pattern tab without a QML warning, runs its scenario deterministically (one worker,
// virtual clock paced at 4×), and then shows what the engine traced and reported: the timeout
// race's progress and winner, the JoinSet's spawn and completion orders, and one card per task
// in the lane of the state the task registry gives it.

#include "pagetest.h"

#ifndef Q_MOC_RUN
#include "models/tasktablemodel.h"
#endif

#include <map>

using namespace taskscope::test;

class TestTaskPages : public QObject, public PageFixture
{
    Q_OBJECT

    /// Runs the scenario to its end (the controller has its metrics), then drains.
    bool runToEnd()
    {
        controller()->run();
        if (!QTest::qWaitFor([this] { return controller()->state() == taskscope::EngineController::State::Finished; }, 30000))
            return false;
        controller()->drain();
        return waitForFrame();
    }

    /// Tasks per state name as the task table shows them.
    std::map<QString, int> tableStates() const
    {
        std::map<QString, int> states;
        taskscope::TaskTableModel *table = controller()->taskModel();
        for (int row = 0; row < table->rowCount(); ++row)
            ++states[table->data(table->index(row, 0), taskscope::TaskTableModel::StateRole).toString()];
        return states;
    }

    /// Cards per state name on the page; every card must stand in its state's lane.
    std::map<QString, int> cardStates() const
    {
        static const std::map<QString, int> laneOf{{"scheduled", 0}, {"running", 1}, {"idle", 2},
                                                    {"done", 3},      {"cancelled", 3}, {"panicked", 3}};
        std::map<QString, int> states;
        for (QQuickItem *card : itemsNamed(page(), QStringLiteral("taskCard"))) {
            const QString state = card->property("taskState").toString();
            if (card->property("lane").toInt() != laneOf.at(state))
                return {{QStringLiteral("card in the wrong lane: ") + state, 1}};
            ++states[state];
        }
        return states;
    }

    /// The task indices of the entries named @p name, in the order the page numbers them.
    QVariantList entries(const QString &name) const
    {
        QList<QQuickItem *> rows = itemsNamed(page(), name);
        std::sort(rows.begin(), rows.end(), [](QQuickItem *a, QQuickItem *b) {
            return a->property("position").toInt() < b->property("position").toInt();
        });
        QVariantList indices;
        for (QQuickItem *row : rows)
            indices << row->property("taskIndex").toInt();
        return indices;
    }

    /// The values of the traced instants named @p name, oldest first.
    QVariantList instantValues(const QString &name) const
    {
        QVariantList values;
        const QVariantList marks = controller()->patternState()->instants(name, 256);
        for (auto it = marks.crbegin(); it != marks.crend(); ++it)
            values << it->toMap().value("value").toInt();
        return values;
    }

private slots:
    void initTestCase() { setUpTestCase("tst_taskpages"); }
    void init() { setUpTest(); }
    void cleanup() { close(); }

    void theRuntimePageRacesTheWorkAgainstTheTimeoutOnTheScenarioClock()
    {
        QVERIFY(open(QStringLiteral("runtime"), QStringLiteral("robust"),
                     {{"work_ms", 1500}, {"timeout_ms", 3000}, {"background_tasks", 6}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("RuntimePage.qml")));
        QQuickItem *outcome = itemNamed(page(), QStringLiteral("raceOutcome"));
        QVERIFY(outcome);
        QCOMPARE(outcome->property("outcome").toString(), QStringLiteral("waiting"));

        // Early, while the background tasks still make the virtual clock tick (once they are
        // done it jumps straight to the next timer, the end of the race).
        QVERIFY(runUntil(60));
        QCOMPARE(outcome->property("outcome").toString(), QStringLiteral("racing"));
        // The bars stand where the scenario clock is, measured from the race's traced start.
        const QVariantList marks = controller()->patternState()->instants(QStringLiteral("timeout race"), 4);
        QCOMPARE(marks.size(), 1);
        QCOMPARE(marks.constFirst().toMap().value("value").toInt(), 0);
        const double raceMs = controller()->elapsedMs() - marks.constFirst().toMap().value("t").toDouble();
        QVERIFY(raceMs >= 60 - 1 && raceMs < 1500);
        QQuickItem *work = itemNamed(page(), QStringLiteral("workBar"));
        QQuickItem *limit = itemNamed(page(), QStringLiteral("timeoutBar"));
        QVERIFY(work && limit);
        QCOMPARE(work->property("lengthMs").toDouble(), double(counter("race work ms")));
        QCOMPARE(limit->property("lengthMs").toDouble(), double(counter("race timeout ms")));
        QCOMPARE(counter("race work ms"), 1500);
        QCOMPARE(counter("race timeout ms"), 3000);
        QCOMPARE(work->property("progressMs").toDouble(), raceMs);
        QCOMPARE(limit->property("leftMs").toDouble(), 3000 - raceMs);

        QVERIFY(runToEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("completed").toBool(), true);
        QCOMPARE(metrics.value("timed_out").toBool(), false);
        QCOMPARE(outcome->property("outcome").toString(), QStringLiteral("completed"));
        QVERIFY(work->property("won").toBool());
        QVERIFY(!limit->property("won").toBool());
        QVERIFY(limit->property("lost").toBool());
        // The race stopped the moment the work returned: the scenario's own elapsed time.
        QVERIFY2(qAbs(work->property("progressMs").toDouble() - metrics.value("elapsed_ms").toDouble()) < 1,
                 qPrintable(QStringLiteral("%1 vs %2").arg(work->property("progressMs").toDouble()).arg(metrics.value("elapsed_ms").toDouble())));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theRuntimePageShowsTheTimeoutWinning()
    {
        QVERIFY(open(QStringLiteral("runtime"), QStringLiteral("robust"),
                     {{"work_ms", 4000}, {"timeout_ms", 800}, {"background_tasks", 4}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("timed_out").toBool(), true);
        QCOMPARE(metrics.value("completed").toBool(), false);
        QCOMPARE(itemNamed(page(), QStringLiteral("raceOutcome"))->property("outcome").toString(), QStringLiteral("timed out"));
        QQuickItem *limit = itemNamed(page(), QStringLiteral("timeoutBar"));
        QVERIFY(limit->property("won").toBool());
        QCOMPARE(limit->property("leftMs").toDouble(), 0.0);
        QVERIFY(!itemNamed(page(), QStringLiteral("workBar"))->property("won").toBool());
        QVERIFY(itemNamed(page(), QStringLiteral("workBar"))->property("lost").toBool());
        QCOMPARE(itemNamed(page(), QStringLiteral("workBar"))->property("progressMs").toDouble(),
                 metrics.value("elapsed_ms").toDouble());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theRuntimeCardsAreTheRegistrysTasksAndTheSeatsAreTheWorkers()
    {
        QVERIFY(open(QStringLiteral("runtime"), QStringLiteral("robust"),
                     {{"work_ms", 1000}, {"timeout_ms", 2000}, {"background_tasks", 8}}));
        QTRY_VERIFY(page() != nullptr);
        // Mid-run: background tasks sleeping between bursts, the race's task waiting.
        QVERIFY(runUntil(120));
        QCOMPARE(itemsNamed(page(), QStringLiteral("taskCard")).size(), controller()->taskModel()->rowCount());
        QCOMPARE(cardStates(), tableStates());
        QVERIFY(tableStates()["idle"] > 0);
        // At the end every card has reached the finished lane.
        QVERIFY(runToEnd());
        QCOMPARE(cardStates(), tableStates());
        QCOMPARE(cardStates()["done"], controller()->taskModel()->rowCount());
        QVERIFY(cardStates()["done"] >= 9); // the scenario's task and its 8 background tasks
        // One seat per worker thread, named as the thread and as the scenario reports it.
        QStringList seats;
        for (QQuickItem *seat : itemsNamed(page(), QStringLiteral("workerSeatName")))
            seats << seat->property("workerName").toString();
        QCOMPARE(seats, controller()->workerNames());
        QCOMPARE(seats, controller()->metrics().value("worker_names").toStringList());
        // A click on a card selects its task. The cards glide to their lanes, and move again
        // as finished tasks leave the registry, so on a busy machine a card can move between
        // reading its place and the click: aim again until a click lands on the card aimed at.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const QList<QQuickItem *> cards = itemsNamed(page(), QStringLiteral("taskCard"));
                                     if (cards.isEmpty())
                                         return false;
                                     QQuickItem *card = cards.constLast();
                                     const qlonglong aimed = card->property("taskId").toLongLong();
                                     QTest::mouseClick(window(), Qt::LeftButton, {},
                                                       card->mapToScene(QPointF(card->width() / 2, card->height() / 2)).toPoint());
                                     return QTest::qWaitFor([&] { return controller()->selectedTask() == aimed; }, 1000)
                                         && card->property("selected").toBool();
                                 }()),
                                 60000);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theJoinSetPageFillsInTheCompletionOrderAsTasksReturn()
    {
        QVERIFY(open(QStringLiteral("spawning"), QStringLiteral("guide"), {{"tasks", 5}, {"step_ms", 200}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("JoinSetPage.qml")));
        // Part-way: tasks 0 and 1 have come back (at 0 and 200 ms), maybe 2 (at 400 ms: the
        // virtual clock jumps from timer to timer), the others not yet.
        QVERIFY(runUntil(250));
        const QVariantList joinedSoFar = entries(QStringLiteral("joinedEntry"));
        QCOMPARE(joinedSoFar, instantValues(QStringLiteral("join set joined")));
        QVERIFY2(joinedSoFar.size() >= 2 && joinedSoFar.size() < 5, qPrintable(QString::number(joinedSoFar.size())));
        QCOMPARE(entries(QStringLiteral("spawnedEntry")), instantValues(QStringLiteral("join set spawned")));
        QCOMPARE(cardStates(), tableStates());
        QVERIFY(tableStates()["idle"] > 0); // the later tasks still sleep

        QVERIFY(runToEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(entries(QStringLiteral("joinedEntry")), metrics.value("completion_order").toList());
        QCOMPARE(entries(QStringLiteral("spawnedEntry")), metrics.value("spawn_order").toList());
        // The guide's order: task i spawned i-th, sleeping i steps, joined i-th.
        QCOMPARE(entries(QStringLiteral("spawnedEntry")), (QVariantList{0, 1, 2, 3, 4}));
        QCOMPARE(itemNamed(page(), QStringLiteral("abortedCount"))->property("value").toInt(), metrics.value("aborted").toInt());
        QCOMPARE(itemNamed(page(), QStringLiteral("inSetCount"))->property("value").toInt(), 0);
        // The cards: the first batch done, the second cancelled by abortAll().
        QCOMPARE(cardStates(), tableStates());
        QCOMPARE(cardStates()["cancelled"], metrics.value("aborted").toInt());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestTaskPages)
#include "tst_taskpages.moc"
