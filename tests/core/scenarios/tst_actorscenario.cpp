#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/actorscenario.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the actor scenario on a deterministic runtime with @p overrides on its defaults.
QVariantMap runActor(const QVariantMap &overrides = {}, std::uint64_t seed = 1)
{
    return runScenario(ActorScenario(), overrides, QStringLiteral("robust"), RuntimeConfig::deterministic(seed));
}

long long metric(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toLongLong();
}

} // namespace

class TestActorScenario : public QObject
{
    Q_OBJECT

private slots:
    void isListedInTheCatalogue()
    {
        const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("actor"));
        QVERIFY(scenario);
        QCOMPARE(scenario->defaultParameters().value("mailbox_capacity").toInt(), 8);
    }

    void theDefaultsAnswerEveryRequestCorrectly()
    {
        const QVariantMap metrics = runActor();
        QCOMPARE(metric(metrics, "ops"), 4 * 100);
        QCOMPARE(metric(metrics, "gets") + metric(metrics, "sets") + metric(metrics, "deletes"), 400);
        QCOMPARE(metric(metrics, "handled"), 400);
        QCOMPARE(metric(metrics, "lost"), 0);
        QVERIFY(metric(metrics, "hits") <= metric(metrics, "gets"));
        QVERIFY(metric(metrics, "hits") > 0);
        QVERIFY(metric(metrics, "max_mailbox_len") <= 8);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0u);
    }

    void aThousandClientsNeverOverfillTheMailboxAndLoseNothing()
    {
        const QVariantMap metrics = runActor({{"clients", 1000}, {"ops_per_client", 20}});
        QCOMPARE(metric(metrics, "ops"), 20000);
        QCOMPARE(metric(metrics, "lost"), 0);
        QCOMPARE(metric(metrics, "max_mailbox_len"), 8); // full, and never more
        QVERIFY(metric(metrics, "sender_waits") > 0);
        // The fixed mix, 50/40/10, drawn from the seeded generator.
        QVERIFY(qAbs(metric(metrics, "gets") - 10000) < 500);
        QVERIFY(qAbs(metric(metrics, "sets") - 8000) < 500);
        QVERIFY(qAbs(metric(metrics, "deletes") - 2000) < 300);
    }

    void aMailboxOfOneStillServesEveryClient()
    {
        const QVariantMap metrics = runActor({{"clients", 50}, {"ops_per_client", 20}, {"mailbox_capacity", 1}});
        QCOMPARE(metric(metrics, "ops"), 1000);
        QCOMPARE(metric(metrics, "lost"), 0);
        QCOMPARE(metric(metrics, "max_mailbox_len"), 1);
        QVERIFY(metric(metrics, "sender_waits") > 0);
    }

    void aSingleClientNeverWaitsForRoom()
    {
        const QVariantMap metrics = runActor({{"clients", 1}, {"mailbox_capacity", 1}, {"key_space", 1}});
        QCOMPARE(metric(metrics, "ops"), 100);
        QCOMPARE(metric(metrics, "lost"), 0);
        QCOMPARE(metric(metrics, "sender_waits"), 0);
        QCOMPARE(metric(metrics, "max_mailbox_len"), 1);
    }

    void handlingTimeIsPaidOncePerMessage()
    {
        const QVariantMap metrics = runActor({{"clients", 3}, {"ops_per_client", 10}, {"handle_us", 2000}});
        QCOMPARE(metric(metrics, "elapsed_ms"), 3 * 10 * 2);
        QCOMPARE(metric(metrics, "lost"), 0);
    }

    void noOperationsEndsAtOnce()
    {
        const QVariantMap metrics = runActor({{"ops_per_client", 0}});
        QCOMPARE(metric(metrics, "ops"), 0);
        QCOMPARE(metric(metrics, "handled"), 0);
        QCOMPARE(metric(metrics, "elapsed_ms"), 0);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0u);
    }

    void theSameSeedGivesTheSameRun()
    {
        const QVariantMap parameters{{"clients", 20}, {"ops_per_client", 50}, {"mailbox_capacity", 2}};
        QCOMPARE(runActor(parameters, 7), runActor(parameters, 7));
    }
};

QTEST_GUILESS_MAIN(TestActorScenario)
#include "tst_actorscenario.moc"
