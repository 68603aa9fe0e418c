#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/connectionpoolscenario.h"
#include "scenarios/scenariorunner.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the pool scenario in @p variant on a deterministic runtime with @p overrides.
QVariantMap runPool(const QString &variant, const QVariantMap &overrides = {})
{
    return runScenario(ConnectionPoolScenario(), overrides, variant);
}

long long metric(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toLongLong();
}

} // namespace

class TestConnectionPoolScenario : public QObject
{
    Q_OBJECT

private slots:
    void isListedWithBothVariants()
    {
        const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("connection-pool"));
        QVERIFY(scenario);
        QCOMPARE(scenario->variants(), (QStringList{"seed", "robust"}));
        QCOMPARE(scenario->defaultParameters().value("pool_size").toInt(), 4);
    }

    void theRobustDefaultsUseExactlyPoolSizeConnections()
    {
        const QVariantMap metrics = runPool(QStringLiteral("robust"));
        QCOMPARE(metric(metrics, "requests_done"), 16 * 10);
        QCOMPARE(metric(metrics, "connections_created"), 4);
        QCOMPARE(metric(metrics, "max_in_use"), 4);
        QVERIFY(metrics.value("wait_ms_p50").toDouble() <= metrics.value("wait_ms_p99").toDouble());
        // The factory is synchronous: on the one worker the four connects of 50 ms run one after
        // another, the last connection is ready at 200 ms, then serves its 40 requests of 20 ms.
        QCOMPARE(metric(metrics, "elapsed_ms"), 4 * 50 + 160 / 4 * 20);
    }

    void theTaskRegistryNamesTheConnectAsALongPollInBothVariants()
    {
        // The guide's factory blocks the worker for connect_ms; the run's warnings say so.
        for (const QString &variant : {QStringLiteral("seed"), QStringLiteral("robust")}) {
            ScenarioRunOptions options;
            options.scenario = QStringLiteral("connection-pool");
            options.variant = variant;
            options.deterministic = true;
            QVERIFY(ScenarioRunner::validate(options).isEmpty());
            QString error;
            const auto report = ScenarioRunner::run(options, &error);
            QVERIFY2(report, qPrintable(error));
            const QString warnings = report->warnings.join(QLatin1Char('\n'));
            QVERIFY2(warnings.contains(QLatin1String("(client-")) && warnings.contains(QLatin1String("held worker 0 for 50.0 ms")),
                     qPrintable(variant + QStringLiteral(": ") + warnings));
        }
    }

    void theRobustPoolStaysWithinPoolSizeUnderTenThousandClients()
    {
        const QVariantMap metrics = runPool(QStringLiteral("robust"),
                                            {{"clients", 10000}, {"requests_per_client", 1}, {"hold_ms", 1}, {"connect_ms", 5}});
        QCOMPARE(metric(metrics, "requests_done"), 10000);
        QVERIFY(metric(metrics, "connections_created") <= 4);
        QVERIFY(metric(metrics, "max_in_use") <= 4);
    }

    void theSeedPoolOpensMoreThanPoolSizeWhenClientsComeStraightBack()
    {
        // As many clients as permits: no client ever waits for a permit, so each release
        // leaves its permit free while the connection sits with the spawned return task, and
        // the client's next acquire, in the same poll, finds the idle stack empty and opens
        // another connection. (With more clients than permits this engine's FIFO run queue
        // runs the return task before the woken waiter, and one worker hides the defect.)
        const QVariantMap overrides{{"clients", 4}};
        const QVariantMap seed = runPool(QStringLiteral("seed"), overrides);
        QCOMPARE(metric(seed, "requests_done"), 40);
        QCOMPARE(metric(seed, "connections_created"), 8);
        QVERIFY(metric(seed, "max_in_use") <= 4);

        const QVariantMap robust = runPool(QStringLiteral("robust"), overrides);
        QCOMPARE(metric(robust, "connections_created"), 4);
    }

    void aPoolOfOneServesEveryoneWithOneConnectionInTheRobustVariant()
    {
        const QVariantMap metrics = runPool(QStringLiteral("robust"), {{"pool_size", 1}, {"clients", 8}, {"requests_per_client", 3}});
        QCOMPARE(metric(metrics, "requests_done"), 24);
        QCOMPARE(metric(metrics, "connections_created"), 1);
        QCOMPARE(metric(metrics, "max_in_use"), 1);
    }

    void aPoolOfOneInTheSeedVariantReopensForALoneClient()
    {
        const QVariantMap metrics = runPool(QStringLiteral("seed"), {{"pool_size", 1}, {"clients", 1}, {"requests_per_client", 3}});
        QCOMPARE(metric(metrics, "requests_done"), 3);
        QCOMPARE(metric(metrics, "connections_created"), 2);
        QCOMPARE(metric(metrics, "max_in_use"), 1);
    }

    void waitPercentilesComeFromEveryRequest()
    {
        // One connection, opened at once; four clients queue for it, 10 ms each: waits 0, 10,
        // 20, 30 ms. Nearest rank: p50 is the 2nd, p99 the 4th.
        const QVariantMap metrics = runPool(QStringLiteral("robust"), {{"pool_size", 1}, {"clients", 4}, {"requests_per_client", 1},
                                                                       {"connect_ms", 0}, {"hold_ms", 10}});
        QCOMPARE(metrics.value("wait_ms_p50").toDouble(), 10.0);
        QCOMPARE(metrics.value("wait_ms_p99").toDouble(), 30.0);
    }

    void noRequestsOpenNothing()
    {
        const QVariantMap metrics = runPool(QStringLiteral("seed"), {{"requests_per_client", 0}});
        QCOMPARE(metric(metrics, "requests_done"), 0);
        QCOMPARE(metric(metrics, "connections_created"), 0);
        QCOMPARE(metrics.value("wait_ms_p50").toDouble(), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestConnectionPoolScenario)
#include "tst_connectionpoolscenario.moc"
