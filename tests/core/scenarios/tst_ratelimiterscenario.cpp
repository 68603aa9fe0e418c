#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/ratelimiterscenario.h"
#include "scenarios/scenariorunner.h"
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
        // 100 tokens/s: 10 at start, then 10 per 100 ms step at 100 … 1900 ms (the clients stop
        // at 2000 ms): 200 of a bound of 210. One worker runs the check and the subtraction
        // without interruption, so there is no race.
        const QVariantMap metrics = runLimiter(QStringLiteral("seed"), {{"refill_per_s", 100}});
        QCOMPARE(metric(metrics, "admitted"), 200);
        QCOMPARE(metric(metrics, "bound"), 210);
        QCOMPARE(metric(metrics, "over_admitted"), 0);
        QCOMPARE(metric(metrics, "underflows"), 0);
    }

    void theSeedDefaultsNeverRefillBecauseEachStepIsTruncated()
    {
        // 5 tokens/s × 100 ms = 0.5, truncated to 0: only the initial 10 are ever admitted.
        const QVariantMap metrics = runLimiter(QStringLiteral("seed"));
        QCOMPARE(metric(metrics, "admitted"), 10);
        QCOMPARE(metric(metrics, "bound"), 20);
        QCOMPARE(metric(metrics, "tokens_final"), 0);
    }

    void theSeedWaitModeHandsOutTokensOnlyAtSteps()
    {
        // As in try mode, plus the 8 clients still waiting at 2000 ms: their last poll, cut at
        // the deadline, comes just after the 2000 ms step.
        const QVariantMap metrics = runLimiter(QStringLiteral("seed"), {{"mode", "wait"}, {"refill_per_s", 100}});
        QCOMPARE(metric(metrics, "admitted"), 208);
        QCOMPARE(metric(metrics, "bound"), 210);
        QCOMPARE(metric(metrics, "over_admitted"), 0);
    }

    void onFourRealWorkersTheSeedMayOverAdmitButTheRobustNeverDoes()
    {
        // The seed's race is real but narrow (a load and a fetch_sub a few instructions
        // apart), so this reports how often it showed and fails only on the robust variant.
        int overAdmittedRuns = 0;
        int underflowRuns = 0;
        long long worstOver = 0;
        long long underflows = 0;
        constexpr int runs = 20;
        for (int run = 0; run < runs; ++run) {
            const QVariantMap seed = runContended(QStringLiteral("seed"));
            if (metric(seed, "over_admitted") > 0)
                ++overAdmittedRuns;
            if (metric(seed, "underflows") > 0)
                ++underflowRuns;
            worstOver = std::max(worstOver, metric(seed, "over_admitted"));
            underflows += metric(seed, "underflows");
        }
        qInfo("seed on 4 real workers, %d runs: over-admitted in %d (worst %lld), underflowed in %d (%lld underflows)",
              runs, overAdmittedRuns, worstOver, underflowRuns, underflows);

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
