#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/ratelimiterscenario.h"
#include "scenarios/scenariorunner.h"
#include "scenariotest.h"
#include "sync/impl/tracedobject.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the rate-limiter scenario in @p variant on @p config with @p overrides.
QVariantMap runLimiter(const QString &variant, const QVariantMap &overrides = {},
                       const RuntimeConfig &config = RuntimeConfig::deterministic(1))
{
    RateLimiterScenario scenario;
    Runtime runtime(config);
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, variant, {}};
    return runtime.blockOn(scenario.run(context));
}

long long metric(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toLongLong();
}

/// Four real workers, real time, 200 ms of sixteen clients spinning on a fast-refilling bucket.
QVariantMap runContended(const QString &variant)
{
    RuntimeConfig config;
    config.workerThreads = 4;
    config.clockMode = ClockMode::Real;
    return runLimiter(variant, {{"capacity", 10}, {"refill_per_s", 1000}, {"clients", 16}, {"duration_ms", 200}}, config);
}

} // namespace

class TestRateLimiterScenario : public QObject
{
    Q_OBJECT

private slots:
    void isListedWithBothVariants()
    {
        const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("rate-limiter"));
        QVERIFY(scenario);
        QCOMPARE(scenario->variants(), (QStringList{"seed", "robust"}));
        const QVariantMap defaults = scenario->defaultParameters();
        QCOMPARE(defaults.value("capacity").toInt(), 10);
        QCOMPARE(defaults.value("refill_per_s").toInt(), 5);
        QCOMPARE(defaults.value("clients").toInt(), 8);
        QCOMPARE(defaults.value("mode").toString(), QStringLiteral("try"));
        QCOMPARE(defaults.value("duration_ms").toInt(), 2000);
        QCOMPARE(defaults.value("magnify_race_us").toInt(), 0); // the magnifier is off: the seed as written
        QVERIFY(scenario->parameter(QStringLiteral("magnify_race_us"))->help.startsWith(QStringLiteral("Magnifier")));
    }

    void theRobustDefaultsAdmitExactlyTheBound()
    {
        const QVariantMap metrics = runLimiter(QStringLiteral("robust"));
        QCOMPARE(metric(metrics, "elapsed_ms"), 2000);
        QCOMPARE(metric(metrics, "bound"), 10 + 5 * 2);
        QVERIFY(metric(metrics, "admitted") <= metric(metrics, "bound"));
        QVERIFY(metric(metrics, "admitted") >= 19);
        QVERIFY(metric(metrics, "rejected") > 0);
        QCOMPARE(metric(metrics, "over_admitted"), 0);
        QCOMPARE(metric(metrics, "underflows"), 0);
    }

    void theRobustBucketStaysWithinItsBoundAndSaturatesIt_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("clients");
        QTest::addColumn<int>("refill");
        QTest::addColumn<int>("cost");
        QTest::newRow("try, 200 clients") << "try" << 200 << 50 << 1;
        QTest::newRow("try, odd rate, cost 3") << "try" << 100 << 71 << 3;
        QTest::newRow("wait, 8 clients") << "wait" << 8 << 5 << 1;
        QTest::newRow("wait, 500 clients, fast") << "wait" << 500 << 1000 << 2;
    }
    void theRobustBucketStaysWithinItsBoundAndSaturatesIt()
    {
        QFETCH(QString, mode);
        QFETCH(int, clients);
        QFETCH(int, refill);
        QFETCH(int, cost);
        const QVariantMap metrics = runLimiter(QStringLiteral("robust"),
                                               {{"mode", mode}, {"clients", clients}, {"refill_per_s", refill}, {"cost", cost}});
        const long long admitted = metric(metrics, "admitted");
        const long long bound = metric(metrics, "bound");
        QVERIFY2(admitted <= bound, qPrintable(QStringLiteral("%1 > %2").arg(admitted).arg(bound)));
        QVERIFY2(admitted >= 0.95 * double(bound), qPrintable(QStringLiteral("%1 < 95% of %2").arg(admitted).arg(bound)));
        QCOMPARE(metric(metrics, "over_admitted"), 0);
        QCOMPARE(metric(metrics, "underflows"), 0);
        QVERIFY(metric(metrics, "tokens_final") >= 0);
    }

    void theSeedBucketOnOneWorkerRefillsInStepsAndNeverOverAdmits()
    {
        // 100 tokens/s: 10 at start, then 10 at the first request 100 ms after the last refill,
        // at 100 … 1900 ms (the clients stop at 2000 ms): 200 of a bound of 210. One worker runs
        // the check and the subtraction without interruption, so there is no race.
        const QVariantMap metrics = runLimiter(QStringLiteral("seed"), {{"refill_per_s", 100}});
        QCOMPARE(metric(metrics, "admitted"), 200);
        QCOMPARE(metric(metrics, "bound"), 210);
        QCOMPARE(metric(metrics, "over_admitted"), 0);
        QCOMPARE(metric(metrics, "underflows"), 0);
    }

    void theSeedDefaultsNeverRefillWhileClientsKeepAsking()
    {
        // 5 tokens/s, clients asking every millisecond: each refill comes 100 ms after the last
        // and adds 0.5, truncated to 0. Only the initial 10 are ever admitted.
        const QVariantMap metrics = runLimiter(QStringLiteral("seed"));
        QCOMPARE(metric(metrics, "admitted"), 10);
        QCOMPARE(metric(metrics, "bound"), 20);
        QCOMPARE(metric(metrics, "tokens_final"), 0);
    }

    void anIdleSeedBucketIsFullAgainAtTheNextRequest()
    {
        // One client takes all 10 tokens every 2 s at 5 tokens/s: each request finds the bucket
        // full, because it refills 2 s × 5 = 10 itself. The level is written only then.
        const TracedRun run = runScenarioTraced(
            RateLimiterScenario(),
            {{"clients", 1}, {"cost", 10}, {"request_interval_ms", 2000}, {"duration_ms", 6000}}, QStringLiteral("seed"));
        QCOMPARE(metric(run.metrics, "admitted"), 3);
        QCOMPARE(metric(run.metrics, "rejected"), 0);
        QStringList levels; // "ms:tokens"
        for (const TraceEvent &event : run.events) {
            if (event.kind == TraceKind::Counter && detail::objectNameOf(event.object) == QLatin1String("bucket tokens"))
                levels << QStringLiteral("%1:%2").arg(event.timeNs / 1'000'000).arg(event.value);
        }
        QCOMPARE(levels, (QStringList{"0:10", "0:0", "2000:10", "2000:0", "4000:10", "4000:0"}));
    }

    void theSeedWaitModeHandsOutTokensOnlyAtSteps()
    {
        // As in try mode, plus the 8 clients still waiting at 2000 ms: their last try, cut at
        // the deadline, is 100 ms after the 1900 ms refill and refills again.
        const QVariantMap metrics = runLimiter(QStringLiteral("seed"), {{"mode", "wait"}, {"refill_per_s", 100}});
        QCOMPARE(metric(metrics, "admitted"), 208);
        QCOMPARE(metric(metrics, "bound"), 210);
        QCOMPARE(metric(metrics, "over_admitted"), 0);
    }

    void theMagnifierAddsNoAwaitSoOneWorkerStillNeverRaces()
    {
        // The magnifier holds the worker between the seed's check and its subtraction; on one
        // worker no other client runs meanwhile, so it cannot invent an over-admission.
        const QVariantMap metrics =
            runLimiter(QStringLiteral("seed"), {{"refill_per_s", 100}, {"magnify_race_us", 2000}});
        QVERIFY(metric(metrics, "admitted") > 10);
        QCOMPARE(metric(metrics, "over_admitted"), 0);
        QCOMPARE(metric(metrics, "underflows"), 0);
    }

    void onFourRealWorkersTheRobustBucketNeverOverAdmits()
    {
        // The seed's side of this, the race itself, is a demonstration on real threads:
        // tests/stress/tst_ratelimiter_race.cpp.
        for (int run = 0; run < 5; ++run) {
            const QVariantMap robust = runContended(QStringLiteral("robust"));
            QCOMPARE(metric(robust, "over_admitted"), 0);
            QCOMPARE(metric(robust, "underflows"), 0);
            QVERIFY(metric(robust, "admitted") > 0);
        }
    }

    void outOfRangeParametersAreRejectedWithTheirName_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("name");
        QTest::newRow("capacity 0") << "capacity=0" << "capacity";
        QTest::newRow("capacity too big") << "capacity=100001" << "capacity";
        QTest::newRow("refill negative") << "refill_per_s=-1" << "refill_per_s";
        QTest::newRow("clients 0") << "clients=0" << "clients";
        QTest::newRow("cost 1001") << "cost=1001" << "cost";
        QTest::newRow("mode") << "mode=burst" << "mode";
        QTest::newRow("interval") << "request_interval_ms=60001" << "request_interval_ms";
        QTest::newRow("duration 0") << "duration_ms=0" << "duration_ms";
    }
    void outOfRangeParametersAreRejectedWithTheirName()
    {
        QFETCH(QString, setting);
        QFETCH(QString, name);
        RateLimiterScenario scenario;
        QVariantMap parameters = scenario.defaultParameters();
        const QString error = ScenarioRunner::applySetting(scenario, setting, parameters);
        QVERIFY2(error.contains(name), qPrintable(error));
        QCOMPARE(parameters, scenario.defaultParameters());
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("mode=wait"), parameters).isEmpty());
        QCOMPARE(parameters.value("mode").toString(), QStringLiteral("wait"));
    }
};

QTEST_GUILESS_MAIN(TestRateLimiterScenario)
#include "tst_ratelimiterscenario.moc"
