#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/circuitbreakerscenario.h"
#include "scenarios/scenariorunner.h"
#include "scenariotest.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

long long metric(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toLongLong();
}

/// "from>to@ms" for each transition in the metrics.
QStringList transitions(const QVariantMap &metrics)
{
    QStringList log;
    for (const QVariant &entry : metrics.value(QStringLiteral("transitions")).toList()) {
        const QVariantMap transition = entry.toMap();
        log << QStringLiteral("%1>%2@%3")
                   .arg(transition.value("from").toString(), transition.value("to").toString())
                   .arg(transition.value("at_ms").toDouble());
    }
    return log;
}

/// The checks every run must pass: the counts add up, no task is left behind, and the
/// transitions form a chain that starts closed.
void checkConsistent(const QVariantMap &metrics)
{
    QCOMPARE(metric(metrics, "calls"),
             metric(metrics, "successes") + metric(metrics, "failures") + metric(metrics, "rejected"));
    QCOMPARE(metric(metrics, "live_after_run"), 0);
    QString state = QStringLiteral("closed");
    for (const QVariant &entry : metrics.value(QStringLiteral("transitions")).toList()) {
        const QVariantMap transition = entry.toMap();
        QCOMPARE(transition.value("from").toString(), state);
        QVERIFY(transition.value("to").toString() != state);
        state = transition.value("to").toString();
    }
    QCOMPARE(metrics.value("final_state").toString(), state);
}

} // namespace

class TestCircuitBreakerScenario : public QObject
{
    Q_OBJECT

private slots:
    void isListedAfterBackpressureWithBothVariantsAndTheIssuesDefaults()
    {
        const QStringList ids = ScenarioCatalog::ids();
        QCOMPARE(ids.indexOf("circuit-breaker"), ids.indexOf("backpressure") + 1);
        QCOMPARE(ids.indexOf("retry"), ids.indexOf("circuit-breaker") + 1);
        QCOMPARE(ids.indexOf("tracing"), ids.indexOf("retry") + 1);
        const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("circuit-breaker"));
        QVERIFY(scenario);
        QCOMPARE(scenario->variants(), (QStringList{"seed", "robust"}));
        const QVariantMap defaults = scenario->defaultParameters();
        QCOMPARE(defaults.value("failure_threshold").toInt(), 5);
        QCOMPARE(defaults.value("recovery_timeout_ms").toInt(), 1000);
        QCOMPARE(defaults.value("downstream_failure_rate").toDouble(), 0.5);
        QCOMPARE(defaults.value("downstream_latency_ms").toInt(), 20);
        QCOMPARE(defaults.value("callers").toInt(), 4);
        QCOMPARE(defaults.value("call_interval_ms").toInt(), 50);
        QCOMPARE(defaults.value("window_size").toInt(), 20);
        QCOMPARE(defaults.value("failure_rate_threshold").toDouble(), 0.5);
        QCOMPARE(defaults.value("minimum_calls").toInt(), 10);
        QCOMPARE(defaults.value("half_open_probes").toInt(), 1);
        QCOMPARE(defaults.value("slow_call_ms").toInt(), 0);
        // Only the failure rate changes while a run goes.
        for (const ParameterSpec &spec : scenario->parameters())
            QCOMPARE(spec.live, spec.name == QLatin1String("downstream_failure_rate"));
    }

    void theDefaultsRunConsistentlyInBothVariants_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::newRow("seed") << "seed";
        QTest::newRow("robust") << "robust";
    }
    void theDefaultsRunConsistentlyInBothVariants()
    {
        QFETCH(QString, variant);
        CircuitBreakerScenario scenario;
        const QVariantMap metrics = runScenario(scenario, {}, variant);
        checkConsistent(metrics);
        QVERIFY(metrics.value("elapsed_ms").toDouble() >= 5000);
        QVERIFY(metric(metrics, "successes") > 0);
        QVERIFY(metric(metrics, "failures") > 0);
        // Half the calls fail: both variants open at some point and reject calls.
        QVERIFY(metric(metrics, "rejected") > 0);
        QVERIFY(!transitions(metrics).isEmpty());
        // The same seed, the same run.
        QCOMPARE(runScenario(scenario, {}, variant), metrics);
    }

    void aLiveFailureRateChangeFromOneToZeroClosesTheBreakerAgain_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("failures");
        // One caller: calls at 0, 70, 140, … fail 20 ms later. Seed: the 5th failure (300 ms)
        // opens it; rejected calls take no time, at 350, 400, … until 1300 ms, 1000 ms after
        // the opening: half-open; the rate became 0 at 1000 ms, so the probe succeeds at 1320.
        QTest::newRow("seed") << "seed"
                              << QStringList{"closed>open@300", "open>half_open@1300", "half_open>closed@1320"}
                              << 5;
        // Robust: minimum_calls 10, so the 10th failure (650 ms) opens it; half-open at 1650.
        QTest::newRow("robust") << "robust"
                                << QStringList{"closed>open@650", "open>half_open@1650", "half_open>closed@1670"}
                                << 10;
    }
    void aLiveFailureRateChangeFromOneToZeroClosesTheBreakerAgain()
    {
        QFETCH(QString, variant);
        QFETCH(QStringList, expected);
        QFETCH(int, failures);
        CircuitBreakerScenario scenario;
        const QVariantMap metrics = runScenarioWithLiveChanges(
            scenario, {{"callers", 1}, {"downstream_failure_rate", 1.0}, {"duration_ms", 3000}}, variant,
            {{1000ms, QStringLiteral("downstream_failure_rate"), 0.0}});
        checkConsistent(metrics);
        QCOMPARE(transitions(metrics), expected);
        QCOMPARE(metric(metrics, "failures"), failures);
        QCOMPARE(metrics.value("final_state").toString(), QStringLiteral("closed"));
        QCOMPARE(metric(metrics, "half_open_admitted"), 1);

        // Without the change the breaker keeps failing its probes and never closes.
        const QVariantMap unchanged =
            runScenario(scenario, {{"callers", 1}, {"downstream_failure_rate", 1.0}, {"duration_ms", 3000}}, variant);
        QCOMPARE(metric(unchanged, "successes"), 0);
        for (const QString &step : transitions(unchanged))
            QVERIFY2(!step.startsWith(QLatin1String("half_open>closed")), qPrintable(step));
        QVERIFY(unchanged.value("final_state").toString() != QLatin1String("closed"));
    }

    void theRobustBreakerNeverAdmitsMoreThanItsProbesWhileHalfOpenAndTheSeedAdmitsMore_data()
    {
        QTest::addColumn<int>("probes");
        QTest::newRow("1 probe") << 1;
        QTest::newRow("3 probes") << 3;
    }
    void theRobustBreakerNeverAdmitsMoreThanItsProbesWhileHalfOpenAndTheSeedAdmitsMore()
    {
        // Twenty callers every 10 ms, a failing downstream that answers after 100 ms: every
        // half-open period lasts a probe's 100 ms, and callers keep arriving during it.
        QFETCH(int, probes);
        CircuitBreakerScenario scenario;
        const QVariantMap load{{"callers", 20},         {"call_interval_ms", 10}, {"downstream_latency_ms", 100},
                               {"downstream_failure_rate", 1.0}, {"duration_ms", 5000}, {"half_open_probes", probes}};
        const QVariantMap robust = runScenario(scenario, load, QStringLiteral("robust"));
        checkConsistent(robust);
        QVERIFY(metric(robust, "half_open_admitted") >= 2 * probes); // several half-open periods
        QCOMPARE(metric(robust, "half_open_admitted_max"), probes);

        const QVariantMap seed = runScenario(scenario, load, QStringLiteral("seed"));
        checkConsistent(seed);
        qInfo("half-open admissions, most in one period: seed %lld, robust %lld (probes %d)",
              metric(seed, "half_open_admitted_max"), metric(robust, "half_open_admitted_max"), probes);
        QVERIFY(metric(seed, "half_open_admitted_max") > probes);
        QVERIFY(metric(seed, "half_open_admitted") > metric(robust, "half_open_admitted"));
    }

    void aLowFailureRateOpensTheSeedBreakerButNotTheRobustOne()
    {
        // 10 % of calls fail. The seed never forgets a failure while closed, so after five it
        // opens (and again after each close); the robust breaker judges 20 calls at a time and
        // 10 % is far from its 50 %.
        CircuitBreakerScenario scenario;
        const QVariantMap lowRate{{"downstream_failure_rate", 0.1}, {"duration_ms", 10000}};
        const QVariantMap seed = runScenario(scenario, lowRate, QStringLiteral("seed"));
        const QVariantMap robust = runScenario(scenario, lowRate, QStringLiteral("robust"));
        checkConsistent(seed);
        checkConsistent(robust);
        QVERIFY(metric(seed, "rejected") > 0);
        QVERIFY(transitions(seed).first().startsWith(QLatin1String("closed>open@")));
        QCOMPARE(metric(robust, "rejected"), 0);
        QVERIFY(transitions(robust).isEmpty());
    }

    void slowCallsOpenTheRobustBreakerThoughNothingFails()
    {
        CircuitBreakerScenario scenario;
        const QVariantMap metrics = runScenario(
            scenario, {{"downstream_failure_rate", 0.0}, {"downstream_latency_ms", 20}, {"slow_call_ms", 10}},
            QStringLiteral("robust"));
        checkConsistent(metrics);
        QCOMPARE(metric(metrics, "failures"), 0);
        QVERIFY(metric(metrics, "rejected") > 0);
        QVERIFY(transitions(metrics).first().startsWith(QLatin1String("closed>open@")));
        // Off (0), the same calls never open it.
        const QVariantMap off = runScenario(scenario, {{"downstream_failure_rate", 0.0}}, QStringLiteral("robust"));
        QVERIFY(transitions(off).isEmpty());
    }

    void aRunCancelledHalfWayOnFourWorkersUnwindsCleanly_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::newRow("seed") << "seed";
        QTest::newRow("robust") << "robust";
    }
    void aRunCancelledHalfWayOnFourWorkersUnwindsCleanly()
    {
        // Forty callers with calls in flight when the run is cancelled: each caller unwinds on
        // its own worker, after the scenario's frame is gone.
        QFETCH(QString, variant);
        CircuitBreakerScenario scenario;
        verifyCutHalfWay(cancelScenarioHalfWay(scenario, {{"callers", 40}, {"call_interval_ms", 1}, {"downstream_latency_ms", 5}},
                                      variant, 150ms));
    }

    void outOfRangeParametersAreRejectedWithTheirName_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("name");
        QTest::newRow("failure_threshold 0") << "failure_threshold=0" << "failure_threshold";
        QTest::newRow("recovery_timeout_ms 0") << "recovery_timeout_ms=0" << "recovery_timeout_ms";
        QTest::newRow("downstream_failure_rate 1.5") << "downstream_failure_rate=1.5" << "downstream_failure_rate";
        QTest::newRow("downstream_failure_rate -0.1") << "downstream_failure_rate=-0.1" << "downstream_failure_rate";
        QTest::newRow("downstream_latency_ms -1") << "downstream_latency_ms=-1" << "downstream_latency_ms";
        QTest::newRow("callers 0") << "callers=0" << "callers";
        QTest::newRow("call_interval_ms 0") << "call_interval_ms=0" << "call_interval_ms";
        QTest::newRow("duration_ms 0") << "duration_ms=0" << "duration_ms";
        QTest::newRow("window_size 0") << "window_size=0" << "window_size";
        QTest::newRow("failure_rate_threshold 0") << "failure_rate_threshold=0" << "failure_rate_threshold";
        QTest::newRow("failure_rate_threshold 1.1") << "failure_rate_threshold=1.1" << "failure_rate_threshold";
        QTest::newRow("minimum_calls 0") << "minimum_calls=0" << "minimum_calls";
        QTest::newRow("half_open_probes 0") << "half_open_probes=0" << "half_open_probes";
        QTest::newRow("slow_call_ms -1") << "slow_call_ms=-1" << "slow_call_ms";
    }
    void outOfRangeParametersAreRejectedWithTheirName()
    {
        QFETCH(QString, setting);
        QFETCH(QString, name);
        CircuitBreakerScenario scenario;
        QVariantMap parameters = scenario.defaultParameters();
        const QString error = ScenarioRunner::applySetting(scenario, setting, parameters);
        QVERIFY2(error.contains(name), qPrintable(error));
        QCOMPARE(parameters, scenario.defaultParameters());
    }

    void everyParameterHasAnOutOfRangeCase()
    {
        verifyEveryParameterRefusesOutOfRange(CircuitBreakerScenario());
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreakerScenario)
#include "tst_circuitbreakerscenario.moc"
