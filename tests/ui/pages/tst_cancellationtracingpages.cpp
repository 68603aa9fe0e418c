// The cancellation and tracing pages (ui/qml/pages/CancellationPage.qml, TracingPage.qml): each
// loads in the window's Pattern tab without a QML warning, runs its scenario deterministically,
// and then shows what the engine traced — the token tree lit where the scenario cancelled, the
// races won and lost as the scenario counted them, and span statistics equal to ones computed
// here from the span events of the same deterministic run.

#include "pagetest.h"

#ifndef Q_MOC_RUN
#include "runtime/runtime.h"
#include "scenarios/scenario.h"
#include "trace/quantilesketch.h"
#include "trace/tracerecorder.h"
#endif

#include <QHash>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// The span durations (ms) of one run of @p scenarioId with @p parameters on a deterministic
/// runtime seeded with @p seed, by span family — what the window's run recorded, computed
/// again here from the trace's SpanEnd events.
QHash<QString, std::vector<double>> spanDurations(const QString &scenarioId, const QVariantMap &parameters, int seed)
{
    QHash<QString, std::vector<double>> durations;
    const Scenario *scenario = ScenarioCatalog::find(scenarioId);
    if (!scenario)
        return durations;
    TraceRecorder recorder(1);
    {
        Runtime runtime(RuntimeConfig::deterministic(std::uint64_t(seed)));
        runtime.setTraceSink(&recorder);
        ScenarioContext context{runtime, parameters, QStringLiteral("robust"), {}};
        (void)runtime.blockOn(scenario->run(context));
        runtime.setTraceSink(nullptr);
    }
    for (const TraceEvent &event : recorder.drain()) {
        if (event.kind == TraceKind::SpanEnd)
            durations[PatternState::spanFamily(recorder.objectName(event.object))].push_back(double(event.value) / 1e6);
    }
    return durations;
}

/// The nearest-rank median of @p values (not empty).
double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const auto rank = std::size_t(std::ceil(0.5 * double(values.size())));
    return values[std::max<std::size_t>(rank, 1) - 1];
}

} // namespace

class TestCancellationTracingPages : public QObject, public PageFixture
{
    Q_OBJECT

    /// Runs the open scenario to its end and drains what it traced.
    bool runToTheEnd()
    {
        controller()->run();
        if (!QTest::qWaitFor([this] { return controller()->state() == EngineController::State::Finished; }, 20000))
            return false;
        controller()->drain();
        return waitForFrame();
    }

    /// The tree's nodes by name.
    QHash<QString, QQuickItem *> treeNodes() const
    {
        QHash<QString, QQuickItem *> nodes;
        for (QQuickItem *node : itemsNamed(page(), QStringLiteral("tokenNode")))
            nodes.insert(node->property("nodeName").toString(), node);
        return nodes;
    }

private slots:
    void initTestCase() { setUpTestCase("tst_cancellationtracingpages"); }
    void init() { setUpTest(); }
    void cleanup() { close(); }

    void bothPagesLoadWithoutAWarning()
    {
        QVERIFY(open(QStringLiteral("cancellation"), QStringLiteral("robust"), {}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("CancellationPage.qml")));
        close();
        QVERIFY(open(QStringLiteral("tracing"), QStringLiteral("robust"), {}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("TracingPage.qml")));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void cancelLightsTheRootTokenAndEveryTokenBelowIt()
    {
        QVERIFY(open(QStringLiteral("cancellation"), QStringLiteral("robust"), {}));
        QTRY_VERIFY(page() != nullptr);

        // Before cancel() (at 2000 ms): the whole tree races, nothing is lit. Nothing happens
        // between the spawns at 0 ms and cancel(), so the virtual clock would jump there at
        // once: slowed down, the jump takes 40 s of wall time, and the tree is caught racing.
        controller()->setSpeed(EngineController::minSpeed);
        controller()->run();
        QTRY_COMPARE(itemsNamed(page(), QStringLiteral("tokenNode")).size(), 1 + 13); // the root token, a node per task
        controller()->pause();
        QVERIFY(controller()->elapsedMs() < 2000);
        QHash<QString, QQuickItem *> nodes = treeNodes();
        QVERIFY(nodes.contains(QStringLiteral("root")));
        QVERIFY(nodes.contains(QStringLiteral("task-0.2.2")));
        for (QQuickItem *node : std::as_const(nodes))
            QVERIFY(!node->property("tokenCancelled").toBool());
        for (auto it = nodes.cbegin(); it != nodes.cend(); ++it) {
            if (it.key() != QStringLiteral("root"))
                QCOMPARE(it.value()->property("race").toInt(), 0);
        }
        QCOMPARE(itemNamed(page(), QStringLiteral("raceWork"))->property("outcome").toString(), QStringLiteral("running"));
        QCOMPARE(itemNamed(page(), QStringLiteral("raceCancel"))->property("outcome").toString(), QStringLiteral("waiting"));

        controller()->setSpeed(EngineController::maxSpeed);
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("tasks").toInt(), 13);
        nodes = treeNodes();
        QCOMPARE(nodes.size(), 1 + metrics.value("tasks").toInt());
        // Lit exactly where the trace says a token was cancelled: every node, from the root
        // token down; and the races the tokens won are the tasks the scenario counts cancelled.
        int lit = 0;
        int tokenWins = 0;
        for (auto it = nodes.cbegin(); it != nodes.cend(); ++it) {
            const bool traced = counter(qPrintable(QStringLiteral("token ") + it.key())) == 1;
            QCOMPARE(it.value()->property("tokenCancelled").toBool(), traced);
            lit += traced ? 1 : 0;
            if (it.key() == QStringLiteral("root"))
                continue;
            QCOMPARE(it.value()->property("race").toLongLong(), counter(qPrintable(QStringLiteral("select ") + it.key())));
            if (it.value()->property("winner").toString() == QStringLiteral("cancelled"))
                ++tokenWins;
        }
        QCOMPARE(lit, nodes.size());
        QCOMPARE(tokenWins, metrics.value("cancelled").toInt());
        QCOMPARE(itemNamed(page(), QStringLiteral("cancelledCount"))->property("value").toInt(), metrics.value("cancelled").toInt());
        QCOMPARE(itemNamed(page(), QStringLiteral("taskCount"))->property("value").toInt(), metrics.value("tasks").toInt());
        // task-0's race: the token won and the work was aborted.
        QCOMPARE(itemNamed(page(), QStringLiteral("raceWork"))->property("outcome").toString(), QStringLiteral("aborted"));
        QCOMPARE(itemNamed(page(), QStringLiteral("raceCancel"))->property("outcome").toString(), QStringLiteral("won"));
        QCOMPARE(nodes.value(QStringLiteral("task-0"))->property("winner").toString(), QStringLiteral("cancelled"));
        // The light has reached every node once its wave is over.
        for (QQuickItem *node : std::as_const(nodes))
            QTRY_COMPARE(node->property("heat").toDouble(), 1.0);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void workThatWinsItsRaceLeavesItsTokenDark()
    {
        // Every task's work (1000 ms) finishes before cancel() (2000 ms): only the root token,
        // which the canceller still cancels, lights; no task was watching any more.
        QVERIFY(open(QStringLiteral("cancellation"), QStringLiteral("robust"), {{"work_ms", 1000}, {"depth", 1}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("completed").toInt(), 4);
        const QHash<QString, QQuickItem *> nodes = treeNodes();
        QCOMPARE(nodes.size(), 1 + 4);
        QVERIFY(nodes.value(QStringLiteral("root"))->property("tokenCancelled").toBool());
        QCOMPARE(counter("token root"), 1);
        int workWins = 0;
        for (auto it = nodes.cbegin(); it != nodes.cend(); ++it) {
            if (it.key() == QStringLiteral("root"))
                continue;
            QVERIFY(!it.value()->property("tokenCancelled").toBool());
            QCOMPARE(counter(qPrintable(QStringLiteral("token ") + it.key())), -1);
            QCOMPARE(it.value()->property("heat").toDouble(), 0.0);
            if (it.value()->property("winner").toString() == QStringLiteral("work"))
                ++workWins;
        }
        QCOMPARE(workWins, metrics.value("completed").toInt());
        QCOMPARE(itemNamed(page(), QStringLiteral("completedCount"))->property("value").toInt(), metrics.value("completed").toInt());
        QCOMPARE(itemNamed(page(), QStringLiteral("raceWork"))->property("outcome").toString(), QStringLiteral("won"));
        QCOMPARE(itemNamed(page(), QStringLiteral("raceCancel"))->property("outcome").toString(), QStringLiteral("dropped"));
        // Nothing was cancelled, so there is no latency: a dash, not "0 ms".
        QCOMPARE(metrics.value("cancel_latency_ms").typeId(), QMetaType::Nullptr);
        QQuickItem *latency = itemNamed(page(), QStringLiteral("cancelLatency"));
        QVERIFY(latency);
        QCOMPARE(latency->property("value").toString(), QStringLiteral("–"));
        QCOMPARE(latency->property("suffix").toString(), QString());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void cancellingASubtreeLightsItAndLeavesTheNodesAboveDark()
    {
        // cancel_level 2: task-0.0's token. It and its children light; the root token, task-0
        // and the other branches stay dark, and cancel() is marked where it was called.
        QVERIFY(open(QStringLiteral("cancellation"), QStringLiteral("robust"), {{"cancel_level", 2}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("cancelled").toInt(), 4);
        const QHash<QString, QQuickItem *> nodes = treeNodes();
        QCOMPARE(nodes.size(), 1 + 13);
        const QStringList lit{"task-0.0", "task-0.0.0", "task-0.0.1", "task-0.0.2"};
        for (auto it = nodes.cbegin(); it != nodes.cend(); ++it) {
            const bool below = lit.contains(it.key());
            QCOMPARE(it.value()->property("tokenCancelled").toBool(), below);
            QCOMPARE(counter(qPrintable(QStringLiteral("token ") + it.key())) == 1, below);
            QTRY_COMPARE(it.value()->property("heat").toDouble(), below ? 1.0 : 0.0);
            QCOMPARE(it.value()->property("winner").toString(),
                     it.key() == QStringLiteral("root") ? QString() : below ? QStringLiteral("cancelled") : QStringLiteral("work"));
        }
        QList<QQuickItem *> marks;
        for (QQuickItem *mark : itemsNamed(page(), QStringLiteral("cancelCallMark"))) {
            if (mark->isVisible())
                marks << mark;
        }
        QCOMPARE(marks.size(), 1);
        QCOMPARE(marks.first()->parentItem(), nodes.value(QStringLiteral("task-0.0")));
        // The line from task-0 down to task-0.0 stays dark: the cancellation began below it.
        QQuickItem *edgeUp = itemNamed(nodes.value(QStringLiteral("task-0.0")), QStringLiteral("tokenEdge"));
        QVERIFY(edgeUp);
        QCOMPARE(edgeUp->property("heat").toDouble(), 0.0);
        QTRY_COMPARE(itemNamed(nodes.value(QStringLiteral("task-0.0.1")), QStringLiteral("tokenEdge"))->property("heat").toDouble(), 1.0);
        // task-0's own race: its work won, its token was never cancelled.
        QCOMPARE(itemNamed(page(), QStringLiteral("raceWork"))->property("outcome").toString(), QStringLiteral("won"));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theHistogramsCountEverySpanAndTheirMedianIsTheTraces()
    {
        const QVariantMap overrides{{"tasks", 40}, {"op_ms", 50}, {"jitter_ms", 100}};
        QVERIFY(open(QStringLiteral("tracing"), QStringLiteral("robust"), overrides));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        const QHash<QString, std::vector<double>> traced =
            spanDurations(QStringLiteral("tracing"), controller()->effectiveParameters(), controller()->seed());
        QCOMPARE(traced.size(), 2); // expensive_operation and task-*
        QCOMPARE(traced.value(QStringLiteral("expensive_operation")).size(), std::size_t(40));

        const QList<QQuickItem *> rows = itemsNamed(page(), QStringLiteral("spanRow"));
        QCOMPARE(rows.size(), traced.size());
        for (QQuickItem *row : rows) {
            const QString name = row->property("spanName").toString();
            QVERIFY2(traced.contains(name), qPrintable(name));
            const std::vector<double> &durations = traced.value(name);
            QCOMPARE(row->property("count").toLongLong(), qlonglong(durations.size()));
            // The page's figures come from a sketch: within its stated error of the exact median.
            const double exactMedian = median(durations);
            QVERIFY2(std::abs(row->property("p50Ms").toDouble() - exactMedian) <= QuantileSketch::relativeError * exactMedian,
                     qPrintable(QStringLiteral("%1: p50 %2, exact %3").arg(name).arg(row->property("p50Ms").toDouble()).arg(exactMedian)));
            QCOMPARE(row->property("maxMs").toDouble(), *std::max_element(durations.begin(), durations.end()));
            QQuickItem *histogram = itemNamed(row, QStringLiteral("spanHistogram"));
            QVERIFY(histogram);
            QCOMPARE(histogram->property("total").toLongLong(), qlonglong(durations.size()));
            // The jitter spreads the durations over more than one bar.
            const QList<QQuickItem *> bars = itemsNamed(histogram, QStringLiteral("histogramBar"));
            QVERIFY(countWhere(bars, "count", 0) < bars.size() - 1);
        }
        // The scenario's own summary agrees (it times the same spans).
        const QVariantMap operation = metrics.value("spans").toMap().value("expensive_operation").toMap();
        QCOMPARE(operation.value("p50_ms").toDouble(), median(traced.value(QStringLiteral("expensive_operation"))));
        QCOMPARE(metrics.value("timed_p50_ms").toDouble(), median(traced.value(QStringLiteral("task-*"))));
        // The metric chips above the page spell the nested span figures out.
        const QList<QQuickItem *> chips = itemsNamed(window()->contentItem(), QStringLiteral("metricChip"));
        QCOMPARE(chips.size(), metrics.size());
        const auto spansChip = std::find_if(chips.begin(), chips.end(), [](QQuickItem *chip) {
            return chip->property("text").toString().startsWith(QStringLiteral("spans: "));
        });
        QVERIFY(spansChip != chips.end());
        const QString expected = QStringLiteral("spans: <b>expensive operation (count 40, p50 ms %1, p99 ms %2)</b>")
                                     .arg(operation.value("p50_ms").toString(), operation.value("p99_ms").toString());
        QCOMPARE((*spansChip)->property("text").toString(), expected);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestCancellationTracingPages)
#include "tst_cancellationtracingpages.moc"
