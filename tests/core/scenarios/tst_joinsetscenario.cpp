#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/joinsetscenario.h"
#include "scenarios/scenariorunner.h"
#include "trace/tracerecorder.h"
#endif

#include <algorithm>

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the join-set scenario on a deterministic runtime with @p overrides on its defaults.
QVariantMap runJoinSet(const QVariantMap &overrides = {})
{
    return runScenario(JoinSetScenario(), overrides);
}

/// What the join-set page reads from a run's trace: the values of the instants and counters
/// named @p name, in the order they were recorded, with their times (ms).
struct Traced
{
    QVariantMap metrics;
    QHash<QString, QVariantList> values;
    QHash<QString, QList<qint64>> timesMs;
};

Traced runJoinSetTraced(const QVariantMap &overrides)
{
    const TracedRun run = runScenarioTraced(JoinSetScenario(), overrides);
    Traced traced;
    traced.metrics = run.metrics;
    for (const TraceEvent &event : run.events) {
        if (event.kind != TraceKind::Instant && event.kind != TraceKind::Counter)
            continue;
        const QString name = run.names.value(event.object);
        traced.values[name] << qlonglong(event.value);
        traced.timesMs[name] << event.timeNs / 1000000;
    }
    return traced;
}

QVariantList range(int count)
{
    QVariantList list;
    for (int index = 0; index < count; ++index)
        list << index;
    return list;
}

} // namespace

class TestJoinSetScenario : public QObject
{
    Q_OBJECT

private slots:
    void defaultsSpawnAsTheGuideDoesAndFinishInSleepOrder()
    {
        const QVariantMap metrics = runJoinSet();
        // The guide's `for i in 0..5`: task 0 first, each sleeping i × 100 ms.
        QCOMPARE(metrics.value("spawn_order").toList(), QVariantList({0, 1, 2, 3, 4}));
        QCOMPARE(metrics.value("completion_order").toList(), QVariantList({0, 1, 2, 3, 4}));
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 400);
        QCOMPARE(metrics.value("messages").toStringList(),
                 QStringList({"Task 0 completed", "Task 1 completed", "Task 2 completed", "Task 3 completed",
                              "Task 4 completed"}));
    }

    void theTraceMarksEachSpawnAndEachJoinInOrder()
    {
        const Traced traced = runJoinSetTraced({{"tasks", 6}, {"step_ms", 50}});
        QCOMPARE(traced.values.value("join set spawned"), traced.metrics.value("spawn_order").toList());
        QCOMPARE(traced.values.value("join set joined"), traced.metrics.value("completion_order").toList());
        QCOMPARE(traced.values.value("join set joined"), range(6));
        // Each join is marked when joinNext() returned it: task i after its i steps of sleep.
        QCOMPARE(traced.timesMs.value("join set joined"), QList<qint64>({0, 50, 100, 150, 200, 250}));
        // abortAll: the count climbs to the whole second batch.
        QCOMPARE(traced.values.value("join set aborted"), QVariantList({1, 2, 3, 4, 5, 6}));
        QCOMPARE(traced.metrics.value("aborted").toInt(), 6);
    }

    void abortAllCancelsTheWholeSecondBatch()
    {
        QCOMPARE(runJoinSet().value("aborted").toInt(), 5);
        QCOMPARE(runJoinSet({{"tasks", 40}, {"step_ms", 1}}).value("aborted").toInt(), 40);
    }

    void noTasksGiveEmptyOrdersAndNoTime()
    {
        const QVariantMap metrics = runJoinSet({{"tasks", 0}});
        QVERIFY(metrics.value("spawn_order").toList().isEmpty());
        QVERIFY(metrics.value("completion_order").toList().isEmpty());
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 0);
        QCOMPARE(metrics.value("aborted").toInt(), 0);
    }

    void oneTaskFinishesAtOnce()
    {
        const QVariantMap metrics = runJoinSet({{"tasks", 1}});
        QCOMPARE(metrics.value("spawn_order").toList(), QVariantList({0}));
        QCOMPARE(metrics.value("completion_order").toList(), QVariantList({0}));
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 0);
        QCOMPARE(metrics.value("aborted").toInt(), 1);
    }

    void zeroStepFinishesEveryTaskAtTheStart()
    {
        const QVariantMap metrics = runJoinSet({{"step_ms", 0}});
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 0);
        // All finish in the same instant, so only the set of tasks is fixed, not their order.
        QVariantList completed = metrics.value("completion_order").toList();
        std::sort(completed.begin(), completed.end(),
                  [](const QVariant &a, const QVariant &b) { return a.toInt() < b.toInt(); });
        QCOMPARE(completed, range(5));
        QCOMPARE(metrics.value("aborted").toInt(), 5);
    }

    void elapsedIsTheLongestSleep()
    {
        const QVariantMap metrics = runJoinSet({{"tasks", 10}, {"step_ms", 250}});
        QCOMPARE(metrics.value("completion_order").toList(), range(10));
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 9 * 250);
    }

    void settingsOutsideTheRangeAreRejectedWithTheRange()
    {
        JoinSetScenario scenario;
        QVariantMap parameters;
        const QString error = ScenarioRunner::applySetting(scenario, QStringLiteral("tasks=1001"), parameters);
        QVERIFY2(error.contains("tasks") && error.contains("0–1000"), qPrintable(error));
        QVERIFY(parameters.isEmpty());
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("step_ms=-1"), parameters).contains("step_ms"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("step_ms=60000"), parameters).isEmpty());
        QCOMPARE(parameters.value("step_ms").toLongLong(), 60000);
    }

    void theCatalogRunsItAsTheGuidesCode()
    {
        ScenarioRunOptions options;
        options.scenario = QStringLiteral("join-set");
        options.deterministic = true;
        options.parameters.insert("tasks", 3);
        QVERIFY2(ScenarioRunner::validate(options).isEmpty(), qPrintable(ScenarioRunner::validate(options)));
        QCOMPARE(options.variant, QStringLiteral("guide"));
        options.variant = QStringLiteral("robust"); // the old name: still accepted, as guide
        QVERIFY(ScenarioRunner::validate(options).isEmpty());
        QCOMPARE(options.variant, QStringLiteral("guide"));
        options.variant = QStringLiteral("nonsense");
        QVERIFY(ScenarioRunner::validate(options).contains("guide"));
        options.parameters.insert("tasks", 1001);
        options.variant = QStringLiteral("guide");
        QVERIFY(ScenarioRunner::validate(options).contains("tasks"));
    }
};

QTEST_GUILESS_MAIN(TestJoinSetScenario)
#include "tst_joinsetscenario.moc"
