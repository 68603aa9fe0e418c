#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/retryscenario.h"
#include "scenarios/scenariorunner.h"
#include "scenariotest.h"
#endif

#include <algorithm>

using namespace taskscope;
using namespace taskscope::test;

namespace {

long long metric(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toLongLong();
}

QList<double> backoffs(const QVariantMap &metrics)
{
    QList<double> list;
    for (const QVariant &value : metrics.value(QStringLiteral("backoff_ms")).toList())
        list << value.toDouble();
    return list;
}

/// Counts add up and no task is left behind.
void checkConsistent(const QVariantMap &metrics)
{
    QCOMPARE(metric(metrics, "successes") + metric(metrics, "gave_up"), metric(metrics, "calls"));
    QVERIFY(metric(metrics, "attempts_total") >= metric(metrics, "calls"));
    QCOMPARE(metric(metrics, "live_after_run"), 0);
}

} // namespace

class TestRetryScenario : public QObject
{
    Q_OBJECT

private slots:
    void isListedWithOnlyTheRobustVariantAndTheIssuesDefaults()
    {
        const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("retry"));
        QVERIFY(scenario);
        QCOMPARE(scenario->variants(), QStringList{"robust"});
        const QVariantMap defaults = scenario->defaultParameters();
        QCOMPARE(defaults.value("attempts").toInt(), 3);
        QCOMPARE(defaults.value("base_backoff_ms").toInt(), 50);
        QCOMPARE(defaults.value("max_backoff_ms").toInt(), 2000);
        QCOMPARE(defaults.value("jitter").toString(), QStringLiteral("full"));
        QCOMPARE(defaults.value("downstream_failure_rate").toDouble(), 0.5);
        QCOMPARE(defaults.value("breaker").toBool(), false);
        QVERIFY(scenario->parameter(QStringLiteral("downstream_failure_rate"))->live);
    }

    void theDefaultsRunConsistentlyAndRepeat()
    {
        RetryScenario scenario;
        const QVariantMap metrics = runScenario(scenario);
        checkConsistent(metrics);
        QCOMPARE(metric(metrics, "calls"), 20);
        QVERIFY(metric(metrics, "successes") > 0);
        QVERIFY(metric(metrics, "attempts_total") > 20);  // half the attempts fail: some calls retried
        QVERIFY(metric(metrics, "attempts_total") <= 60);
        QCOMPARE(metric(metrics, "rejected"), 0);
        QCOMPARE(runScenario(scenario), metrics);
    }

    void withoutJitterTheFirstCallsBackoffsAreExactlyBaseTimesTwoToTheN()
    {
        RetryScenario scenario;
        const QVariantMap metrics =
            runScenario(scenario, {{"downstream_failure_rate", 1.0}, {"jitter", "none"}, {"attempts", 6},
                                   {"base_backoff_ms", 50}, {"max_backoff_ms", 300}});
        checkConsistent(metrics);
        QCOMPARE(backoffs(metrics), (QList<double>{50, 100, 200, 300, 300}));
        QCOMPARE(metric(metrics, "successes"), 0);
        QCOMPARE(metric(metrics, "gave_up"), 20);
        QCOMPARE(metric(metrics, "attempts_total"), 20 * 6);
    }

    void withFullJitterTheFirstCallsBackoffsLieWithinTheirCeilings()
    {
        RetryScenario scenario;
        const QVariantMap metrics = runScenario(
            scenario, {{"downstream_failure_rate", 1.0}, {"attempts", 8}, {"base_backoff_ms", 50}, {"max_backoff_ms", 2000}});
        checkConsistent(metrics);
        const QList<double> waits = backoffs(metrics);
        QCOMPARE(waits.size(), 7);
        for (int n = 0; n < waits.size(); ++n) {
            const double ceiling = std::min(2000.0, 50.0 * (1 << n));
            QVERIFY2(waits.at(n) >= 0 && waits.at(n) <= ceiling,
                     qPrintable(QStringLiteral("retry %1 waited %2 ms").arg(n).arg(waits.at(n))));
        }
    }

    void aHealthyDownstreamNeedsNoRetries()
    {
        RetryScenario scenario;
        const QVariantMap metrics = runScenario(scenario, {{"downstream_failure_rate", 0.0}});
        checkConsistent(metrics);
        QCOMPARE(metric(metrics, "attempts_total"), 20);
        QCOMPARE(metric(metrics, "successes"), 20);
        QVERIFY(backoffs(metrics).isEmpty());
    }

    void insideTheBreakerRetriesAgainstADeadServiceAreRejected()
    {
        // Every attempt fails: the breaker opens after its minimum 10 calls, and later
        // attempts are rejected without reaching the downstream (they still count as attempts).
        RetryScenario scenario;
        const QVariantMap metrics =
            runScenario(scenario, {{"downstream_failure_rate", 1.0}, {"breaker", true}, {"call_interval_ms", 10}});
        checkConsistent(metrics);
        QCOMPARE(metric(metrics, "gave_up"), 20);
        QCOMPARE(metric(metrics, "attempts_total"), 60);
        QVERIFY(metric(metrics, "rejected") > 0);
        QVERIFY(metric(metrics, "breaker_transitions") >= 1);
        const QVariantMap without =
            runScenario(scenario, {{"downstream_failure_rate", 1.0}, {"call_interval_ms", 10}});
        QCOMPARE(metric(without, "rejected"), 0);
    }

    void aLiveFailureRateChangeLetsTheLaterCallsSucceed()
    {
        // Rate 1 until 1000 ms, then 0: calls started before about 1000 ms minus their
        // retries give up, the later ones all succeed at the first attempt.
        RetryScenario scenario;
        const QVariantMap metrics =
            runScenarioWithLiveChanges(scenario, {{"downstream_failure_rate", 1.0}, {"jitter", "none"}}, QStringLiteral("robust"),
                                       {{1000ms, QStringLiteral("downstream_failure_rate"), 0.0}});
        checkConsistent(metrics);
        // Calls start every 100 ms; a call's attempts end at start + 20, + 90, + 210 ms
        // (20 ms each, 50 and 100 ms between): the calls started at 0 … 700 ms give up.
        QCOMPARE(metric(metrics, "gave_up"), 8);
        QCOMPARE(metric(metrics, "successes"), 12);
    }

    void aRunCancelledHalfWayOnFourWorkersUnwindsCleanly()
    {
        // Calls backing off and calls in flight inside the breaker when the run is cancelled.
        RetryScenario scenario;
        QVERIFY(cancelScenarioHalfWay(scenario, {{"calls", 200}, {"call_interval_ms", 1}, {"breaker", true}},
                                      QStringLiteral("robust"), 150ms));
    }

    void outOfRangeParametersAreRejectedWithTheirName_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("name");
        QTest::newRow("attempts 0") << "attempts=0" << "attempts";
        QTest::newRow("attempts 21") << "attempts=21" << "attempts";
        QTest::newRow("base_backoff_ms -1") << "base_backoff_ms=-1" << "base_backoff_ms";
        QTest::newRow("max_backoff_ms -1") << "max_backoff_ms=-1" << "max_backoff_ms";
        QTest::newRow("jitter") << "jitter=half" << "jitter";
        QTest::newRow("downstream_failure_rate 2") << "downstream_failure_rate=2" << "downstream_failure_rate";
        QTest::newRow("downstream_latency_ms -1") << "downstream_latency_ms=-1" << "downstream_latency_ms";
        QTest::newRow("calls 0") << "calls=0" << "calls";
        QTest::newRow("call_interval_ms -1") << "call_interval_ms=-1" << "call_interval_ms";
        QTest::newRow("breaker") << "breaker=maybe" << "breaker";
    }
    void outOfRangeParametersAreRejectedWithTheirName()
    {
        QFETCH(QString, setting);
        QFETCH(QString, name);
        RetryScenario scenario;
        QVariantMap parameters = scenario.defaultParameters();
        const QString error = ScenarioRunner::applySetting(scenario, setting, parameters);
        QVERIFY2(error.contains(name), qPrintable(error));
        QCOMPARE(parameters, scenario.defaultParameters());
    }

    void everyParameterHasAnOutOfRangeCase()
    {
        verifyEveryParameterRefusesOutOfRange(RetryScenario());
    }
};

QTEST_GUILESS_MAIN(TestRetryScenario)
#include "tst_retryscenario.moc"
