#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/backpressurescenario.h"
#include "scenarios/scenariorunner.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

QVariantMap runBackpressure(const QVariantMap &overrides = {}, int workers = 1)
{
    RuntimeConfig config = RuntimeConfig::deterministic(1);
    config.workerThreads = workers;
    return runScenario(BackpressureScenario(), overrides, QStringLiteral("robust"), config);
}

} // namespace

class TestBackpressureScenario : public QObject
{
    Q_OBJECT

private slots:
    void theDefaultsProcessEverythingWithinTheBounds()
    {
        const QVariantMap metrics = runBackpressure();
        QCOMPARE(metrics.value(QStringLiteral("produced")).toInt(), 200);
        QCOMPARE(metrics.value(QStringLiteral("processed")).toInt(), 200);
        QCOMPARE(metrics.value(QStringLiteral("max_in_flight")).toInt(), 4);
        QVERIFY(metrics.value(QStringLiteral("max_queue_len")).toInt() <= 16);
        // 200 items at 100/s take 2 s to offer; 4 × 50 ms work keeps up (80 items/s) only
        // partly, so the queue fills and the producer waits.
        QVERIFY(metrics.value(QStringLiteral("producer_wait_ms")).toDouble() > 0);
        QVERIFY(metrics.value(QStringLiteral("latency_ms_p50")).toDouble() >= 50);
        QVERIFY(metrics.value(QStringLiteral("latency_ms_p99")).toDouble()
                >= metrics.value(QStringLiteral("latency_ms_p50")).toDouble());
    }

    void theBoundsHoldUnderAFloodOfTenThousandItemsPerSecond()
    {
        const QVariantMap metrics = runBackpressure({{"producer_rate_per_s", 10000}, {"items", 2000}}, 2);
        QCOMPARE(metrics.value(QStringLiteral("processed")).toInt(), 2000);
        QVERIFY(metrics.value(QStringLiteral("max_in_flight")).toInt() <= 4);
        QVERIFY(metrics.value(QStringLiteral("max_queue_len")).toInt() <= 16);
        QVERIFY(metrics.value(QStringLiteral("producer_wait_ms")).toDouble() > 0);
        // 2000 items, 4 at a time, 50 ms each: at least 25 s of runtime time.
        QVERIFY(metrics.value(QStringLiteral("elapsed_ms")).toLongLong() >= 25000);
    }

    void aFastConsumerNeverMakesTheProducerWait()
    {
        const QVariantMap metrics = runBackpressure({{"work_ms", 1}, {"producer_rate_per_s", 100}, {"items", 50}});
        QCOMPARE(metrics.value(QStringLiteral("processed")).toInt(), 50);
        QCOMPARE(metrics.value(QStringLiteral("producer_wait_ms")).toDouble(), 0.0);
        QCOMPARE(metrics.value(QStringLiteral("max_in_flight")).toInt(), 1);
        QCOMPARE(metrics.value(QStringLiteral("latency_ms_p99")).toDouble(), 1.0);
    }

    void edgeValuesWork()
    {
        QCOMPARE(runBackpressure({{"items", 0}}).value(QStringLiteral("processed")).toInt(), 0);
        const QVariantMap one = runBackpressure({{"queue_capacity", 1}, {"max_concurrent", 1}, {"items", 20}});
        QCOMPARE(one.value(QStringLiteral("processed")).toInt(), 20);
        QCOMPARE(one.value(QStringLiteral("max_in_flight")).toInt(), 1);
        QCOMPARE(one.value(QStringLiteral("max_queue_len")).toInt(), 1);
    }

    void outOfRangeSettingsNameTheParameter()
    {
        BackpressureScenario scenario;
        QVariantMap parameters;
        QCOMPARE(ScenarioRunner::applySetting(scenario, QStringLiteral("queue_capacity=0"), parameters),
                 QStringLiteral("parameter queue_capacity = \"0\" is not valid: expected an integer 1–100000 items"));
    }

    void aRunCancelledHalfWayOnFourWorkersUnwindsCleanly()
    {
        // Sixty-four items in flight and the producer at full speed when the run is cut: they
        // go on running on other workers after the scenario's frame is gone, and used to
        // write into its measures and trace counters (ASan: heap-use-after-free).
        verifyCutHalfWay(cancelScenarioHalfWay(BackpressureScenario(),
                                      {{"producer_rate_per_s", 0}, {"items", 100000}, {"max_concurrent", 64},
                                       {"work_ms", 1}, {"queue_capacity", 4}},
                                      QStringLiteral("robust"), 50ms));
    }
};

QTEST_GUILESS_MAIN(TestBackpressureScenario)
#include "tst_backpressurescenario.moc"
