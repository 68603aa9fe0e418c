#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/cancellationscenario.h"
#include "scenarios/scenariorunner.h"
#include "time/sleep.h"
#include "trace/tracerecorder.h"
#endif

#include <QHash>

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the cancellation scenario on a deterministic runtime with @p overrides on its defaults.
QVariantMap runCancellation(const QVariantMap &overrides = {})
{
    return runScenario(CancellationScenario(), overrides);
}

/// What the trace says of the tree: the last value of every "select …", "token …" and "tree …"
/// counter, by name, after a deterministic run with @p overrides.
QHash<QString, qint64> tracedTree(const QVariantMap &overrides, QVariantMap *metrics)
{
    CancellationScenario scenario;
    TraceRecorder recorder(1);
    QHash<QString, qint64> latest;
    {
        Runtime runtime(RuntimeConfig::deterministic(1));
        runtime.setTraceSink(&recorder);
        QVariantMap parameters = scenario.defaultParameters();
        parameters.insert(overrides);
        ScenarioContext context{runtime, parameters, QStringLiteral("robust"), {}};
        *metrics = runtime.blockOn(scenario.run(context));
        runtime.setTraceSink(nullptr);
    }
    for (const TraceEvent &event : recorder.drain()) {
        const QString name = recorder.objectName(event.object);
        if (event.kind == TraceKind::Counter
            && (name.startsWith("select ") || name.startsWith("token ") || name.startsWith("tree ")))
            latest.insert(name, event.value);
    }
    return latest;
}

} // namespace

class TestCancellationScenario : public QObject
{
    Q_OBJECT

private slots:
    void cancellingTheRootStopsTheWholeTreeAtOnce()
    {
        const QVariantMap metrics = runCancellation();
        QCOMPARE(metrics.value("tasks").toInt(), 1 + 3 + 9);
        QCOMPARE(metrics.value("cancelled").toInt(), 13);
        QCOMPARE(metrics.value("completed").toInt(), 0);
        QCOMPARE(metrics.value("cancel_latency_ms").toLongLong(), 0);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 2000);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0u);
    }

    void workShorterThanTheCancelDelayCompletes()
    {
        const QVariantMap metrics = runCancellation({{"work_ms", 1000}});
        QCOMPARE(metrics.value("tasks").toInt(), 13);
        QCOMPARE(metrics.value("completed").toInt(), 13);
        QCOMPARE(metrics.value("cancelled").toInt(), 0);
        // Nothing was cancelled, so there is no latency to tell (not a latency of 0).
        QCOMPARE(metrics.value("cancel_latency_ms").typeId(), QMetaType::Nullptr);
        // As in the seed, the canceller still sleeps its full delay.
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 2000);
    }

    void noChildrenLeavesTheRootTaskAlone()
    {
        const QVariantMap metrics = runCancellation({{"children", 0}});
        QCOMPARE(metrics.value("tasks").toInt(), 1);
        QCOMPARE(metrics.value("cancelled").toInt(), 1);
        QCOMPARE(metrics.value("completed").toInt(), 0);
    }

    void depthZeroIsTheRootTaskAlone()
    {
        const QVariantMap metrics = runCancellation({{"depth", 0}, {"children", 16}});
        QCOMPARE(metrics.value("tasks").toInt(), 1);
        QCOMPARE(metrics.value("cancelled").toInt(), 1);
    }

    void deeperTreesCountEveryLevel()
    {
        const QVariantMap metrics = runCancellation({{"depth", 4}, {"children", 2}});
        QCOMPARE(metrics.value("tasks").toInt(), 1 + 2 + 4 + 8 + 16);
        QCOMPARE(metrics.value("cancelled").toInt(), 31);
        QCOMPARE(metrics.value("cancel_latency_ms").toLongLong(), 0);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0u);
    }

    void cancellingAtTheStartStopsEverythingBeforeItWorks()
    {
        const QVariantMap metrics = runCancellation({{"cancel_after_ms", 0}});
        QCOMPARE(metrics.value("tasks").toInt(), 13);
        QCOMPARE(metrics.value("cancelled").toInt(), 13);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 0);
    }

    void theTraceNamesEveryTokenNodeAndMarksWhatWasCancelled()
    {
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({}, &metrics);
        // The root token and one token + one race per task, named by the task's place.
        QCOMPARE(tree.value("token root", -1), 1);
        const QStringList tasks{"task-0",     "task-0.0",   "task-0.1",   "task-0.2",   "task-0.0.0",
                                "task-0.0.1", "task-0.0.2", "task-0.1.0", "task-0.1.1", "task-0.1.2",
                                "task-0.2.0", "task-0.2.1", "task-0.2.2"};
        QCOMPARE(tree.size(), 1 + 2 * tasks.size() + 3);
        QCOMPARE(tree.value("tree tasks"), metrics.value("tasks").toInt());
        QCOMPARE(tree.value("tree cancelled"), metrics.value("cancelled").toInt());
        QCOMPARE(tree.value("tree work finished"), 0);
        for (const QString &task : tasks) {
            QCOMPARE(tree.value("token " + task, -1), 1);  // cancelled
            QCOMPARE(tree.value("select " + task, -1), 2); // the token won the race
        }
        QCOMPARE(metrics.value("cancelled").toInt(), tasks.size());
    }

    void cancellingASubtreeLeavesTheTokensAboveItLive()
    {
        // Level 2 is task-0.0: it and its three children stop at 2000 ms; the root token,
        // task-0 and task-0.0's siblings never hear of it and finish their work at 5000 ms.
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({{"cancel_level", 2}}, &metrics);
        QCOMPARE(metrics.value("tasks").toInt(), 13);
        QCOMPARE(metrics.value("cancelled").toInt(), 4);
        QCOMPARE(metrics.value("completed").toInt(), 9);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 5000);
        QCOMPARE(metrics.value("cancel_latency_ms").toLongLong(), 0); // the subtree stopped at once
        const QStringList below{"task-0.0", "task-0.0.0", "task-0.0.1", "task-0.0.2"};
        for (const QString &task : below) {
            QCOMPARE(tree.value("token " + task, -1), 1);
            QCOMPARE(tree.value("select " + task, -1), 2); // the token won
        }
        for (const char *live : {"root", "task-0", "task-0.1", "task-0.2", "task-0.1.0", "task-0.2.2"})
            QCOMPARE(tree.value(QStringLiteral("token ") + live, -1), -1); // never cancelled
        QCOMPARE(tree.value("select task-0", -1), 1);   // its work won
        QCOMPARE(tree.value("select task-0.1.2", -1), 1);
    }

    void cancellingTaskZerosTokenStopsTheTreeButNotTheRootToken()
    {
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({{"cancel_level", 1}}, &metrics);
        QCOMPARE(metrics.value("cancelled").toInt(), 13);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 2000);
        QCOMPARE(tree.value("token root", -1), -1);
        QCOMPARE(tree.value("token task-0", -1), 1);
        QCOMPARE(tree.value("token task-0.2.2", -1), 1);
    }

    void aCancelLevelBelowTheTreeCancelsItsLastLevel()
    {
        // Depth 1: the levels are the root token, task-0 and its children; 5 means task-0.0.
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({{"cancel_level", 5}, {"depth", 1}}, &metrics);
        QCOMPARE(metrics.value("tasks").toInt(), 4);
        QCOMPARE(metrics.value("cancelled").toInt(), 1);
        QCOMPARE(metrics.value("completed").toInt(), 3);
        QCOMPARE(tree.value("token task-0.0", -1), 1);
        QCOMPARE(tree.value("token task-0", -1), -1);
    }

    void aSubtreeWhoseWorkEndsFirstHasNothingToCancel()
    {
        // The work (1000 ms) ends before the cancel time (2000 ms): the canceller is aborted,
        // no token lights, and the run ends with the work, not at the cancel time.
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({{"cancel_level", 2}, {"work_ms", 1000}}, &metrics);
        QCOMPARE(metrics.value("completed").toInt(), 13);
        QCOMPARE(metrics.value("cancelled").toInt(), 0);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 1000);
        QCOMPARE(tree.value("token task-0.0", -1), -1);
        QCOMPARE(metrics.value("cancel_latency_ms").typeId(), QMetaType::Nullptr);
    }

    void cancelLatencyCountsFromTheCancelCallNotFromThePlannedTime()
    {
        // A task holds the only worker from 20 ms to 320 ms (CPU work, on the virtual clock),
        // so task-0's canceller, due at 50 ms, calls cancel() at 320 ms; the subtree stops
        // at once. The latency is what followed the call: 0 ms, not the 270 ms of the hold.
        Runtime runtime(RuntimeConfig::deterministic(1));
        CancellationScenario scenario;
        QVariantMap parameters = scenario.defaultParameters();
        parameters.insert({{"cancel_level", 1}, {"cancel_after_ms", 50}, {"work_ms", 1000}});
        ScenarioContext context{runtime, parameters, QStringLiteral("robust"), {}};
        // Spawned by the run's own task, so the hold starts 20 ms after the scenario does (from
        // outside, an idle worker could jump the virtual clock to it before the run began).
        const QVariantMap metrics = runtime.blockOn([](const Scenario &run, ScenarioContext &c) -> Task<QVariantMap> {
            JoinHandle<void> hog = spawn([]() -> Task<void> {
                co_await sleep(20ms);
                busyFor(300ms);
            }(), QStringLiteral("hog"));
            QVariantMap result = co_await run.run(c);
            (void)co_await hog.join();
            co_return result;
        }(scenario, context));
        QCOMPARE(metrics.value("cancelled").toInt(), 13);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 320);
        QCOMPARE(metrics.value("cancel_latency_ms").typeId(), QMetaType::LongLong);
        QCOMPARE(metrics.value("cancel_latency_ms").toLongLong(), 0);
    }

    void workThatFinishesFirstIsTracedAsTheRacesWinner()
    {
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({{"work_ms", 1000}, {"depth", 1}}, &metrics);
        QCOMPARE(metrics.value("completed").toInt(), 4);
        for (const QString &task : {QStringLiteral("task-0"), QStringLiteral("task-0.0"), QStringLiteral("task-0.1"),
                                    QStringLiteral("task-0.2")}) {
            QCOMPARE(tree.value("select " + task, -1), 1);
            // Finished before cancel(): nobody watched these tokens any more.
            QVERIFY(!tree.contains("token " + task));
        }
        QCOMPARE(tree.value("token root", -1), 1); // cancel() still came, after 2000 ms
        QCOMPARE(tree.value("tree work finished"), 4);
        QCOMPARE(tree.value("tree cancelled", -1), 0);
    }

    void aDeepTreeTracesItsFirstLevelsNodeByNodeAndCountsTheRest()
    {
        // 1 + 8 + 64 + 512 tasks: with the root token, the first three levels (74 nodes) fit
        // the traced-node limit, the fourth does not.
        QVariantMap metrics;
        const QHash<QString, qint64> tree = tracedTree({{"children", 8}, {"depth", 3}}, &metrics);
        QCOMPARE(metrics.value("tasks").toInt(), 585);
        QCOMPARE(tree.value("tree tasks"), 585);
        QCOMPARE(tree.value("tree cancelled"), metrics.value("cancelled").toInt());
        QCOMPARE(tree.value("select task-0.7.7", -1), 2);
        QVERIFY(!tree.contains("select task-0.7.7.7"));
        QVERIFY(!tree.contains("token task-0.0.0.0"));
        int races = 0;
        for (auto it = tree.cbegin(); it != tree.cend(); ++it)
            races += it.key().startsWith("select ") ? 1 : 0;
        QCOMPARE(races, 1 + 8 + 64);
    }

    void childrenAboveTheRangeAreRejectedWithTheRange()
    {
        CancellationScenario scenario;
        QVariantMap parameters;
        const QString error = ScenarioRunner::applySetting(scenario, QStringLiteral("children=17"), parameters);
        QVERIFY2(error.contains("children") && error.contains("0–16"), qPrintable(error));
        QVERIFY(!parameters.contains("children"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("children=16"), parameters).isEmpty());

        ScenarioRunOptions options;
        options.scenario = QStringLiteral("cancellation");
        options.deterministic = true;
        options.parameters.insert("depth", 4);
        QVERIFY2(ScenarioRunner::validate(options).isEmpty(), qPrintable(ScenarioRunner::validate(options)));
        options.parameters.insert("children", 17);
        const QString invalid = ScenarioRunner::validate(options);
        QVERIFY2(invalid.contains("children") && invalid.contains("0–16"), qPrintable(invalid));
    }
};

QTEST_GUILESS_MAIN(TestCancellationScenario)
#include "tst_cancellationscenario.moc"
