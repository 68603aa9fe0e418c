#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/cancellationscenario.h"
#include "scenarios/scenariorunner.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the cancellation scenario on a deterministic runtime with @p overrides on its defaults.
QVariantMap runCancellation(const QVariantMap &overrides = {})
{
    return runScenario(CancellationScenario(), overrides);
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
        QCOMPARE(metrics.value("cancel_latency_ms").toLongLong(), 0);
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
