#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/retryscenario.h"
#include "scenarios/scenariorunner.h"
#include "scenariotest.h"
#include "trace/tracerecorder.h"
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

/// What the retry page reads from the trace of one run.
struct RetryTraceSeen
{
    QHash<QString, qlonglong> lastCounter;
    qlonglong attemptMarks = 0;
    QList<qlonglong> outcomeMarks;
    QList<qlonglong> backoffMarks;
};

/// Runs the retry scenario deterministically with a recorder and sorts out its trace.
QVariantMap runTraced(const QVariantMap &overrides, RetryTraceSeen &seen)
{
    const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("retry"));
    Runtime runtime(RuntimeConfig::deterministic(1));
    TraceRecorder recorder(1);
    runtime.setTraceSink(&recorder);
    QVariantMap parameters = scenario->defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, QStringLiteral("robust"), {}};
    const QVariantMap metrics = runtime.blockOn(scenario->run(context));
    runtime.setTraceSink(nullptr);
    for (const TraceEvent &event : recorder.drain()) {
        const QString name = recorder.objectName(event.object);
        if (event.kind == TraceKind::Counter)
            seen.lastCounter.insert(name, event.value);
        else if (event.kind == TraceKind::Instant && name == QStringLiteral("retry attempt"))
            ++seen.attemptMarks;
        else if (event.kind == TraceKind::Instant && name == QStringLiteral("retry outcome"))
            seen.outcomeMarks << event.value;
        else if (event.kind == TraceKind::Instant && name == QStringLiteral("retry backoff"))
            seen.backoffMarks << event.value;
    }
    return metrics;
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

    void theTraceMarksEveryAttemptOutcomeAndBackoffAndCountsTheTotals()
    {
        RetryTraceSeen seen;
        const QVariantMap metrics =
            runTraced({{"jitter", "none"}, {"attempts", 4}, {"base_backoff_ms", 40}, {"max_backoff_ms", 100},
                       {"downstream_failure_rate", 0.7}, {"calls", 30}}, seen);
        checkConsistent(metrics);
        QVERIFY(metric(metrics, "gave_up") > 0); // most attempts fail: some calls run out
        QCOMPARE(seen.attemptMarks, metric(metrics, "attempts_total"));
        QCOMPARE(qlonglong(seen.outcomeMarks.size()), metric(metrics, "attempts_total"));
        QCOMPARE(seen.lastCounter.value("retry attempts"), metric(metrics, "attempts_total"));
        QCOMPARE(seen.lastCounter.value("retry successes"), metric(metrics, "successes"));
        QCOMPARE(seen.lastCounter.value("retry gave up"), metric(metrics, "gave_up"));
        // One outcome per attempt; the successes among them are the calls that succeeded.
        QCOMPARE(qlonglong(std::count_if(seen.outcomeMarks.begin(), seen.outcomeMarks.end(),
                                         [](qlonglong code) { return code % 4 == 1; })),
                 metric(metrics, "successes"));
        // A backoff before every retry, each exactly min(100, 40 × 2^n) ms without jitter (the cap shows).
        QCOMPARE(qlonglong(seen.backoffMarks.size()), metric(metrics, "attempts_total") - metric(metrics, "calls"));
        QList<double> firstCall;
        for (qlonglong code : seen.backoffMarks) {
            const qlonglong waitUs = code >> 22;
            const qlonglong call = (code & ((1 << 22) - 1)) / 32;
            const qlonglong retry = code % 32;
            QVERIFY(call < metric(metrics, "calls"));
            QCOMPARE(waitUs, std::min<qlonglong>(100, 40 << retry) * 1000);
            if (call == 0)
                firstCall << double(waitUs) / 1000;
        }
        QCOMPARE(firstCall, backoffs(metrics));
    }

    void withTheBreakerTheTraceTellsRefusedAttemptsApart()
    {
        RetryTraceSeen seen;
        const QVariantMap metrics =
            runTraced({{"downstream_failure_rate", 1.0}, {"breaker", true}, {"call_interval_ms", 10}}, seen);
        QVERIFY(metric(metrics, "rejected") > 0);
        QCOMPARE(qlonglong(std::count_if(seen.outcomeMarks.begin(), seen.outcomeMarks.end(),
                                         [](qlonglong code) { return code % 4 == 2; })),
                 metric(metrics, "rejected"));
        QCOMPARE(seen.lastCounter.value("breaker state"), 1); // a dead service leaves it open
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
        verifyCutHalfWay(cancelScenarioHalfWay(scenario, {{"calls", 200}, {"call_interval_ms", 1}, {"breaker", true}},
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
