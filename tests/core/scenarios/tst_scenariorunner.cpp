#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenarios/scenario.h"
#include "scenarios/scenariorunner.h"
#endif

#include <QJsonObject>

#include <functional>
#include <map>

// A run cut at --duration reports the metrics of what ran until the cut, every metric its full
// run reports, with stopped_at_duration beside them. Each scenario of the catalogue is cut
// part-way through on the deterministic runtime (virtual clock), and what it reports is
// checked against what a run of that length can have done.

using namespace taskscope;

namespace {

/// How one scenario is cut, and what its metrics at the cut must show.
struct CutCase
{
    QVariantMap parameters;
    /// Where the cut falls, as a fraction of the full run's length.
    double fraction = 0.5;
    /// The metric holding the run's length in ms.
    QString elapsedName = QStringLiteral("elapsed_ms");
    /// Checks the metrics at the cut against the full run's; QVERIFY/QCOMPARE inside.
    std::function<void(const QVariantMap &cut, const QVariantMap &full)> check;
};

qlonglong count(const QVariantMap &metrics, const char *name)
{
    return metrics.value(QLatin1String(name)).toLongLong();
}

/// Somewhere strictly between nothing and the full run's figure: something ran, not all.
#define VERIFY_PART_OF(cut, full, name)                                                                             \
    QVERIFY2(count(cut, name) > 0 && count(cut, name) < count(full, name),                                          \
             qPrintable(QStringLiteral("%1: %2 at the cut, %3 in the full run")                                      \
                            .arg(QLatin1String(name)).arg(count(cut, name)).arg(count(full, name))))

/// One entry per scenario of the catalogue (the test fails for a scenario without one).
const std::map<QString, CutCase> &cutCases()
{
    static const std::map<QString, CutCase> cases{
        {QStringLiteral("runtime"),
         {{}, 0.4, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              // Cut in the middle of the race: neither side has won yet.
              QCOMPARE(full.value("completed").toBool(), true);
              QCOMPARE(cut.value("completed").toBool(), false);
              QCOMPARE(cut.value("timed_out").toBool(), false);
              QCOMPARE(cut.value("worker_names"), full.value("worker_names"));
          }}},
        {QStringLiteral("join-set"),
         {{{"tasks", 10}, {"step_ms", 100}}, 0.55, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              const QVariantList done = cut.value("completion_order").toList();
              QVERIFY(!done.isEmpty() && done.size() < 10);
              QCOMPARE(done, full.value("completion_order").toList().mid(0, done.size()));
              QCOMPARE(cut.value("messages").toStringList().size(), done.size());
              QCOMPARE(cut.value("spawn_order"), full.value("spawn_order"));
              QCOMPARE(count(cut, "aborted"), 0);
          }}},
        {QStringLiteral("cancellation"),
         {{{"work_ms", 1000}, {"cancel_after_ms", 2000}}, 0.75, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &) {
              // At 1500 ms every task's work has finished and the cancel has not come.
              QCOMPARE(count(cut, "tasks"), 13);
              QCOMPARE(count(cut, "completed"), 13);
              QCOMPARE(count(cut, "cancelled"), 0);
              QCOMPARE(cut.value("cancel_latency_ms").typeId(), QMetaType::Nullptr);
          }}},
        {QStringLiteral("actor"),
         {{{"handle_us", 1000}}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "ops");
              QCOMPARE(count(cut, "gets") + count(cut, "sets") + count(cut, "deletes"), count(cut, "ops"));
              QVERIFY(count(cut, "hits") <= count(cut, "gets"));
              QCOMPARE(count(cut, "lost"), 0);
              QCOMPARE(count(cut, "handled"), count(cut, "ops"));
              QVERIFY(count(cut, "max_mailbox_len") > 0);
              QVERIFY(count(cut, "max_mailbox_len") <= count(full, "max_mailbox_len"));
          }}},
        {QStringLiteral("connection-pool"),
         {{}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "requests_done");
              QVERIFY(count(cut, "connections_created") > 0);
              QVERIFY(count(cut, "connections_created") <= 4); // robust: never more than the pool
              QVERIFY(count(cut, "max_in_use") <= 4);
              QVERIFY(cut.value("wait_ms_p50").toDouble() <= cut.value("wait_ms_p99").toDouble());
          }}},
        {QStringLiteral("stream-pipeline"),
         {{{"items", 100}, {"stage_delay_ms", 10}}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "count");
              const QVariantList result = cut.value("result").toList();
              QCOMPARE(qlonglong(result.size()), count(cut, "count"));
              QCOMPARE(result, full.value("result").toList().mid(0, result.size()));
              qlonglong sum = 0;
              for (const QVariant &value : result)
                  sum += value.toLongLong();
              QCOMPARE(count(cut, "sum"), sum);
              QVERIFY(cut.value("number_stream").toList().isEmpty()); // its turn had not come
          }}},
        {QStringLiteral("fan-out"),
         {{{"requests", 10}, {"base_delay_ms", 100}, {"transport", "simulated"}}, 0.5, QStringLiteral("total_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              const QVariantList done = cut.value("completion_order").toList();
              QVERIFY(!done.isEmpty() && done.size() < 10);
              int answered = 0;
              for (const QVariant &status : cut.value("statuses").toList())
                  answered += status.toInt() != 0 ? 1 : 0;
              QCOMPARE(answered, done.size());
              QCOMPARE(cut.value("delays_ms"), full.value("delays_ms"));
              QVERIFY(count(cut, "max_in_flight") > 0);
          }}},
        {QStringLiteral("rate-limiter"),
         {{}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "admitted");
              QVERIFY(count(cut, "rejected") > 0);
              QVERIFY(count(cut, "admitted") <= count(cut, "bound")); // robust
              QCOMPARE(count(cut, "over_admitted"), 0);
              QVERIFY(count(cut, "bound") < count(full, "bound"));
          }}},
        {QStringLiteral("backpressure"),
         {{}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "produced");
              VERIFY_PART_OF(cut, full, "processed");
              QVERIFY(count(cut, "processed") <= count(cut, "produced"));
              QVERIFY(cut.value("latency_ms_p50").toDouble() > 0);
          }}},
        {QStringLiteral("circuit-breaker"),
         {{}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "calls");
              const qlonglong ended = count(cut, "successes") + count(cut, "failures") + count(cut, "rejected");
              // Each of the 4 callers may be in the middle of one call.
              QVERIFY(ended <= count(cut, "calls") && ended >= count(cut, "calls") - 4);
          }}},
        {QStringLiteral("retry"),
         {{}, 0.5, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              VERIFY_PART_OF(cut, full, "calls");
              VERIFY_PART_OF(cut, full, "attempts_total");
              QVERIFY(count(cut, "successes") + count(cut, "gave_up") <= count(cut, "calls"));
              QVERIFY(count(cut, "successes") + count(cut, "gave_up") > 0);
          }}},
        {QStringLiteral("tracing"),
         {{{"jitter_ms", 100}}, 0.75, QStringLiteral("elapsed_ms"),
          [](const QVariantMap &cut, const QVariantMap &full) {
              const QVariantMap spans = cut.value("spans").toMap().value("expensive_operation").toMap();
              const QVariantMap fullSpans = full.value("spans").toMap().value("expensive_operation").toMap();
              QVERIFY(spans.value("count").toLongLong() > 0);
              QVERIFY(spans.value("count").toLongLong() < fullSpans.value("count").toLongLong());
              QCOMPARE(count(cut, "results"), spans.value("count").toLongLong());
              QVERIFY(spans.value("p50_ms").toDouble() <= spans.value("p99_ms").toDouble());
          }}},
    };
    return cases;
}

ScenarioRunOptions deterministicRun(const QString &scenario, const QVariantMap &parameters, double durationSeconds)
{
    ScenarioRunOptions options;
    options.scenario = scenario;
    options.parameters = parameters;
    options.deterministic = true;
    options.seed = 7;
    options.durationSeconds = durationSeconds;
    return options;
}

} // namespace

class TestScenarioRunner : public QObject
{
    Q_OBJECT

private slots:
    void aRunCutAtItsDurationReportsTheMetricsOfWhatRan_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const QString &id : ScenarioCatalog::ids())
            QTest::newRow(qPrintable(id)) << id;
    }

    void aRunCutAtItsDurationReportsTheMetricsOfWhatRan()
    {
        QFETCH(QString, scenario);
        const auto found = cutCases().find(scenario);
        QVERIFY2(found != cutCases().end(), "add the scenario to cutCases()");
        const CutCase &cutCase = found->second;

        QString error;
        const auto full = ScenarioRunner::run(deterministicRun(scenario, cutCase.parameters, 0), &error);
        QVERIFY2(full, qPrintable(error));
        QVERIFY(!full->stoppedAtDuration);
        const double fullMs = full->metrics.value(cutCase.elapsedName).toDouble();
        QVERIFY2(fullMs >= 100, qPrintable(QStringLiteral("the full run is %1 ms").arg(fullMs)));
        const double cutMs = std::floor(fullMs * cutCase.fraction);

        const auto cut = ScenarioRunner::run(deterministicRun(scenario, cutCase.parameters, cutMs / 1000), &error);
        QVERIFY2(cut, qPrintable(error));
        QVERIFY(cut->stoppedAtDuration);
        QCOMPARE(cut->metrics.value("stopped_at_duration").toBool(), true);
        // Every metric of the full run, and the flag beside them.
        QStringList expected = full->metrics.keys();
        expected << QStringLiteral("stopped_at_duration");
        expected.sort();
        QCOMPARE(cut->metrics.keys(), expected);
        // Its length is the cut's (the duration converts to whole nanoseconds, a hair under),
        // or a little more where CPU work held the worker past it (the cut comes at an await).
        const double cutElapsed = cut->metrics.value(cutCase.elapsedName).toDouble();
        QVERIFY2(cutElapsed > cutMs - 1.001 && cutElapsed < fullMs,
                 qPrintable(QStringLiteral("%1 ms at a cut at %2 ms").arg(cutElapsed).arg(cutMs)));
        cutCase.check(cut->metrics, full->metrics);
        if (QTest::currentTestFailed())
            return;

        // The same in both forms the command line prints.
        const QJsonObject json = cut->toJson().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(json.value(QStringLiteral("stopped_at_duration")).toBool(), true);
        QCOMPARE(json.keys(), expected);
        const QString text = cut->summary();
        QVERIFY2(text.contains(QStringLiteral("stopped at --duration")), qPrintable(text));
        for (const QString &name : full->metrics.keys())
            QVERIFY2(text.contains(QStringLiteral("  %1: ").arg(name)), qPrintable(name));
    }

    void aRunThatEndsBeforeItsDurationIsNotMarkedStopped()
    {
        QString error;
        const auto report = ScenarioRunner::run(
            deterministicRun(QStringLiteral("cancellation"), {{"work_ms", 100}, {"cancel_after_ms", 200}}, 10), &error);
        QVERIFY2(report, qPrintable(error));
        QVERIFY(!report->stoppedAtDuration);
        QVERIFY(!report->metrics.contains(QStringLiteral("stopped_at_duration")));
        QCOMPARE(report->metrics.value("completed").toInt(), 13);
    }

    void aLatencyThatWasNotMeasuredIsNullInJsonAndNoneInText()
    {
        QString error;
        const auto report = ScenarioRunner::run(
            deterministicRun(QStringLiteral("cancellation"), {{"work_ms", 100}, {"cancel_after_ms", 200}}, 0), &error);
        QVERIFY2(report, qPrintable(error));
        QVERIFY(report->toJson().value(QStringLiteral("metrics")).toObject().value(QStringLiteral("cancel_latency_ms")).isNull());
        QVERIFY2(report->summary().contains(QStringLiteral("  cancel_latency_ms: none")), qPrintable(report->summary()));
    }
};

QTEST_GUILESS_MAIN(TestScenarioRunner)
#include "tst_scenariorunner.moc"
