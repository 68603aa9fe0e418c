#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/scenariorunner.h"
#include "scenarios/tracingscenario.h"
#include "trace/tracerecorder.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the tracing scenario on a deterministic runtime with @p overrides on its defaults,
/// recording into @p recorder when one is given.
QVariantMap runTracing(const QVariantMap &overrides = {}, TraceRecorder *recorder = nullptr)
{
    TracingScenario scenario;
    Runtime runtime(RuntimeConfig::deterministic(1));
    if (recorder)
        runtime.setTraceSink(recorder);
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, QStringLiteral("robust"), {}};
    QVariantMap metrics = runtime.blockOn(scenario.run(context));
    runtime.setTraceSink(nullptr);
    return metrics;
}

QVariantMap operationSpans(const QVariantMap &metrics)
{
    return metrics.value("spans").toMap().value("expensive_operation").toMap();
}

} // namespace

class TestTracingScenario : public QObject
{
    Q_OBJECT

private slots:
    void defaultsTimeEveryOperationAtOneHundredMilliseconds()
    {
        const QVariantMap metrics = runTracing();
        const QVariantMap spans = operationSpans(metrics);
        QCOMPARE(spans.value("count").toLongLong(), 100);
        QCOMPARE(spans.value("p50_ms").toDouble(), 100.0);
        QCOMPARE(spans.value("p99_ms").toDouble(), 100.0);
        QCOMPARE(metrics.value("timed_p50_ms").toDouble(), 100.0);
        QCOMPARE(metrics.value("timed_p99_ms").toDouble(), 100.0);
        QCOMPARE(metrics.value("results").toLongLong(), 100);
        // The tasks run concurrently, so the whole run takes one operation's time.
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 100);
    }

    void jitterSpreadsDurationsWithinTheirRange()
    {
        const QVariantMap metrics = runTracing({{"tasks", 200}, {"op_ms", 50}, {"jitter_ms", 40}});
        const QVariantMap spans = operationSpans(metrics);
        QCOMPARE(spans.value("count").toLongLong(), 200);
        const double p50 = spans.value("p50_ms").toDouble();
        const double p99 = spans.value("p99_ms").toDouble();
        QVERIFY2(p99 >= p50, qPrintable(QStringLiteral("p50 %1, p99 %2").arg(p50).arg(p99)));
        QVERIFY(p50 >= 50 && p99 <= 90);
        QVERIFY(p99 > 50); // 200 draws from 0..40 are not all zero
        const double timedP50 = metrics.value("timed_p50_ms").toDouble();
        const double timedP99 = metrics.value("timed_p99_ms").toDouble();
        QVERIFY(timedP99 >= timedP50);
        QVERIFY(timedP50 >= 50 && timedP99 <= 90);
        QVERIFY(metrics.value("elapsed_ms").toLongLong() >= qlonglong(p99));
        QVERIFY(metrics.value("elapsed_ms").toLongLong() <= 90);
    }

    void jitterIsTheSameForTheSameSeed()
    {
        const QVariantMap overrides{{"tasks", 50}, {"jitter_ms", 1000}};
        QCOMPARE(runTracing(overrides), runTracing(overrides));
    }

    void noTasksGiveZeroCountsAndNoTime()
    {
        const QVariantMap metrics = runTracing({{"tasks", 0}});
        QCOMPARE(operationSpans(metrics).value("count").toLongLong(), 0);
        QCOMPARE(metrics.value("results").toLongLong(), 0);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 0);
    }

    void theTraceHoldsANamedSpanPerOperation()
    {
        TraceRecorder recorder(1);
        const QVariantMap metrics = runTracing({{"tasks", 5}}, &recorder);
        QCOMPARE(metrics.value("results").toLongLong(), 5);
        int begins = 0;
        int ends = 0;
        for (const TraceEvent &event : recorder.drain()) {
            if (event.kind != TraceKind::SpanBegin && event.kind != TraceKind::SpanEnd)
                continue;
            if (recorder.objectName(event.object) != QStringLiteral("expensive_operation"))
                continue;
            if (event.kind == TraceKind::SpanBegin) {
                ++begins;
            } else {
                ++ends;
                QCOMPARE(event.value, std::int64_t(100'000'000));
            }
        }
        QCOMPARE(begins, 5);
        QCOMPARE(ends, 5);
    }

    void settingsOutsideTheRangeAreRejectedWithTheName()
    {
        TracingScenario scenario;
        QVariantMap parameters;
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("tasks=100001"), parameters).contains("tasks"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("op_ms=-1"), parameters).contains("op_ms"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("jitter_ms=600001"), parameters)
                    .contains("jitter_ms"));
        QVERIFY(parameters.isEmpty());
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("jitter_ms=600000"), parameters).isEmpty());
        QCOMPARE(parameters.value("jitter_ms").toLongLong(), 600000);
    }

    void theCatalogRunsItAsTheGuidesCode()
    {
        ScenarioRunOptions options;
        options.scenario = QStringLiteral("tracing");
        options.deterministic = true;
        options.parameters.insert("tasks", 3);
        QVERIFY2(ScenarioRunner::validate(options).isEmpty(), qPrintable(ScenarioRunner::validate(options)));
        QCOMPARE(options.variant, QStringLiteral("guide"));
        options.variant = QStringLiteral("seed"); // an old name: still accepted, as guide
        QVERIFY(ScenarioRunner::validate(options).isEmpty());
        QCOMPARE(options.variant, QStringLiteral("guide"));
        options.variant = QStringLiteral("nonsense");
        QVERIFY(ScenarioRunner::validate(options).contains("guide"));
    }
};

QTEST_GUILESS_MAIN(TestTracingScenario)
#include "tst_tracingscenario.moc"
