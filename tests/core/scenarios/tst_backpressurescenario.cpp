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

QVariantMap runBackpressure(const QVariantMap &overrides = {}, int workers = 1,
                            const QString &variant = QStringLiteral("robust"))
{
    RuntimeConfig config = RuntimeConfig::deterministic(1);
    config.workerThreads = workers;
    return runScenario(BackpressureScenario(), overrides, variant, config);
}

QVariantMap runSeed(const QVariantMap &overrides = {})
{
    return runBackpressure(overrides, 1, QStringLiteral("seed"));
}

int metric(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toInt();
}

/// The latest value each counter had in @p run, by name.
QHash<QString, qlonglong> lastCounterValues(const TracedRun &run)
{
    QHash<QString, qlonglong> last;
    for (const TraceEvent &event : run.events) {
        if (event.kind == TraceKind::Counter)
            last.insert(run.names.value(event.object), qlonglong(event.value));
    }
    return last;
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
        // Every item is processed or fails (item_failure_rate 0.02: a few, drawn from the seed).
        QVERIFY(metric(metrics, "items_failed") > 0);
        QCOMPARE(metric(metrics, "processed") + metric(metrics, "items_failed"), 200);
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
        QCOMPARE(metric(metrics, "processed") + metric(metrics, "items_failed"), 2000);
        QVERIFY(metrics.value(QStringLiteral("max_in_flight")).toInt() <= 4);
        QVERIFY(metrics.value(QStringLiteral("max_queue_len")).toInt() <= 16);
        QVERIFY(metrics.value(QStringLiteral("producer_wait_ms")).toDouble() > 0);
        // 2000 items, 4 at a time, 50 ms each: at least 25 s of runtime time.
        QVERIFY(metrics.value(QStringLiteral("elapsed_ms")).toLongLong() >= 25000);
    }

    void aFastConsumerNeverMakesTheProducerWait()
    {
        const QVariantMap metrics =
            runBackpressure({{"work_ms", 1}, {"producer_rate_per_s", 100}, {"items", 50}, {"item_failure_rate", 0.0}});
        QCOMPARE(metrics.value(QStringLiteral("processed")).toInt(), 50);
        QCOMPARE(metrics.value(QStringLiteral("producer_wait_ms")).toDouble(), 0.0);
        QCOMPARE(metrics.value(QStringLiteral("max_in_flight")).toInt(), 1);
        QCOMPARE(metrics.value(QStringLiteral("latency_ms_p99")).toDouble(), 1.0);
    }

    void edgeValuesWork()
    {
        QCOMPARE(runBackpressure({{"items", 0}}).value(QStringLiteral("processed")).toInt(), 0);
        const QVariantMap one = runBackpressure(
            {{"queue_capacity", 1}, {"max_concurrent", 1}, {"items", 20}, {"item_failure_rate", 0.0}});
        QCOMPARE(one.value(QStringLiteral("processed")).toInt(), 20);
        QCOMPARE(one.value(QStringLiteral("max_in_flight")).toInt(), 1);
        QCOMPARE(one.value(QStringLiteral("max_queue_len")).toInt(), 1);
    }

    void itShipsTheSeedAndTheRobustVariant()
    {
        QCOMPARE(BackpressureScenario().variants(), (QStringList{QStringLiteral("seed"), QStringLiteral("robust")}));
    }

    void theSeedReturnsWhileItsLastItemsStillRunAndTheRobustOneDoesNot()
    {
        // One worker, the virtual clock: the last item is spawned at the instant the channel
        // closes, so the seed's processor returns one item's work before that item ends.
        const QVariantMap noFailures{{"item_failure_rate", 0.0}};
        const QVariantMap seed = runSeed(noFailures);
        QCOMPARE(metric(seed, "processed"), 200);
        QCOMPARE(metric(seed, "returned_before_done_ms"), 50);
        QCOMPARE(seed.value(QStringLiteral("live_after_run")).toULongLong(), 0ull);
        const QVariantMap longWork = runSeed({{"item_failure_rate", 0.0}, {"work_ms", 400}, {"items", 20}});
        QCOMPARE(metric(longWork, "returned_before_done_ms"), 400);

        const QVariantMap robust = runBackpressure(noFailures);
        QCOMPARE(metric(robust, "processed"), 200);
        QCOMPARE(metric(robust, "returned_before_done_ms"), 0);
    }

    void theSeedLosesEveryPanicAndTheRobustVariantReportsEachOne()
    {
        const QVariantMap overrides{{"item_failure_rate", 0.5}, {"items", 40}};
        const QVariantMap seed = runSeed(overrides);
        const int failed = metric(seed, "items_failed");
        QVERIFY2(failed > 5 && failed < 35, qPrintable(QString::number(failed)));
        QCOMPARE(metric(seed, "processed") + failed, 40);
        QCOMPARE(metric(seed, "panics_reported"), 0);
        QCOMPARE(metric(seed, "panics_lost"), failed);

        // The same seed fails the same items; the JoinSet hears of every one.
        const QVariantMap robust = runBackpressure(overrides);
        QCOMPARE(metric(robust, "items_failed"), failed);
        QCOMPARE(metric(robust, "panics_reported"), failed);
        QCOMPARE(metric(robust, "panics_lost"), 0);
    }

    void aFailingItemStillGivesItsPermitBack()
    {
        // Every item throws: were a permit lost with each, the fifth item would wait forever.
        for (const QString &variant : {QStringLiteral("seed"), QStringLiteral("robust")}) {
            const QVariantMap metrics =
                runBackpressure({{"item_failure_rate", 1.0}, {"items", 20}, {"max_concurrent", 4}}, 1, variant);
            QCOMPARE(metric(metrics, "items_failed"), 20);
            QCOMPARE(metric(metrics, "processed"), 0);
            QCOMPARE(metric(metrics, "max_in_flight"), 4);
        }
    }

    void thePageCountersCarryTheVerdict()
    {
        const QVariantMap overrides{{"item_failure_rate", 0.5}, {"items", 40}, {"work_ms", 200}};
        const TracedRun seed = runScenarioTraced(BackpressureScenario(), overrides, QStringLiteral("seed"));
        const QHash<QString, qlonglong> seedCounters = lastCounterValues(seed);
        QCOMPARE(seedCounters.value(QStringLiteral("processor running"), -1), 0);
        QCOMPARE(seedCounters.value(QStringLiteral("returned before done ms"), -1), 200);
        QCOMPARE(seedCounters.value(QStringLiteral("items failed"), -1), seed.metrics.value("items_failed").toLongLong());
        QCOMPARE(seedCounters.value(QStringLiteral("panics lost"), -1), seed.metrics.value("items_failed").toLongLong());
        QVERIFY(!seedCounters.contains(QStringLiteral("panics reported")));

        const TracedRun robust = runScenarioTraced(BackpressureScenario(), overrides, QStringLiteral("robust"));
        const QHash<QString, qlonglong> robustCounters = lastCounterValues(robust);
        QCOMPARE(robustCounters.value(QStringLiteral("returned before done ms"), -1), 0);
        QCOMPARE(robustCounters.value(QStringLiteral("panics reported"), -1),
                 robust.metrics.value("items_failed").toLongLong());
        QCOMPARE(robustCounters.value(QStringLiteral("panics lost"), -1), 0);
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
        for (const QString &variant : {QStringLiteral("seed"), QStringLiteral("robust")}) {
            verifyCutHalfWay(cancelScenarioHalfWay(BackpressureScenario(),
                                                   {{"producer_rate_per_s", 0}, {"items", 100000}, {"max_concurrent", 64},
                                                    {"work_ms", 1}, {"queue_capacity", 4}, {"item_failure_rate", 0.1}},
                                                   variant, 50ms));
            if (QTest::currentTestFailed())
                return;
        }
    }
};

QTEST_GUILESS_MAIN(TestBackpressureScenario)
#include "tst_backpressurescenario.moc"
