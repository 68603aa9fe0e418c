#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/scenariorunner.h"
#include "scenarios/streampipelinescenario.h"
#include "trace/tracerecorder.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs the stream-pipeline scenario on a deterministic runtime with @p overrides on its defaults.
QVariantMap runPipeline(const QVariantMap &overrides = {})
{
    return runScenario(StreamPipelineScenario(), overrides);
}

/// Runs the pipeline deterministically with @p overrides, recording its trace; gives the
/// metrics and fills @p counters with every value each named counter was set to, in order.
QVariantMap runPipelineTraced(const QVariantMap &overrides, QHash<QString, QList<qlonglong>> &counters)
{
    const TracedRun run = runScenarioTraced(StreamPipelineScenario(), overrides);
    const QVariantMap &metrics = run.metrics;
    for (const TraceEvent &event : run.events) {
        if (event.kind == TraceKind::Counter)
            counters[run.names.value(event.object)] << qlonglong(event.value);
    }
    return metrics;
}

/// 1, 2, …, @p count.
QList<qlonglong> upTo(qlonglong count)
{
    QList<qlonglong> out;
    for (qlonglong value = 1; value <= count; ++value)
        out << value;
    return out;
}

} // namespace

class TestStreamPipelineScenario : public QObject
{
    Q_OBJECT

private slots:
    void defaultsDoubleOneToTenAndKeepAboveFive()
    {
        const QVariantMap metrics = runPipeline();
        QCOMPARE(metrics.value("result").toList(), QVariantList({6, 8, 10, 12, 14, 16, 18, 20}));
        QCOMPARE(metrics.value("count").toLongLong(), 8);
        QCOMPARE(metrics.value("sum").toLongLong(), 104);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 0);
    }

    void theNumberStreamCountsToFiveAsTheGuidesDoes()
    {
        // `NumberStream::new(5)`, whatever the pipeline's item count.
        QCOMPARE(runPipeline().value("number_stream").toList(), QVariantList({0, 1, 2, 3, 4}));
        QCOMPARE(runPipeline({{"items", 0}}).value("number_stream").toList(), QVariantList({0, 1, 2, 3, 4}));
        QCOMPARE(runPipeline({{"numbers", 3}}).value("number_stream").toList(), QVariantList({0, 1, 2}));
    }

    void theNumberStreamLoopNeverYieldsItsWorker()
    {
        // Always ready, as the guide's: every number is printed in one poll of the run's task,
        // even past the 32 pulls after which Stream<T>::next() would yield.
        const TracedRun run = runScenarioTraced(StreamPipelineScenario(), {{"items", 0}, {"numbers", 200}});
        QList<qlonglong> printed;
        int pollEndsWhilePrinting = 0;
        std::uint64_t printingTask = 0;
        for (const TraceEvent &event : run.events) {
            if (event.kind == TraceKind::Instant && run.names.value(event.object) == QLatin1String("number stream printed")) {
                printed << qlonglong(event.value);
                printingTask = event.task;
            } else if (event.kind == TraceKind::PollEnd && printingTask != 0 && event.task == printingTask
                       && printed.size() < 200) {
                ++pollEndsWhilePrinting;
            }
        }
        QCOMPARE(printed.size(), 200);
        QCOMPARE(printed.first(), 0);
        QCOMPARE(printed.last(), 199);
        QCOMPARE(pollEndsWhilePrinting, 0);
    }

    void noItemsGiveEmptyResults()
    {
        const QVariantMap metrics = runPipeline({{"items", 0}});
        QVERIFY(metrics.value("result").toList().isEmpty());
        QCOMPARE(metrics.value("count").toLongLong(), 0);
        QCOMPARE(metrics.value("sum").toLongLong(), 0);
    }

    void aNegativeFactorKeepsOnlyWhatIsStillAboveTheThreshold()
    {
        const QVariantMap metrics = runPipeline({{"multiply", -3}, {"keep_above", -10}});
        QCOMPARE(metrics.value("result").toList(), QVariantList({-3, -6, -9}));
        QCOMPARE(metrics.value("count").toLongLong(), 3);
        QCOMPARE(metrics.value("sum").toLongLong(), -18);
        QVERIFY(runPipeline({{"multiply", -1}}).value("result").toList().isEmpty());
    }

    void stageDelayPassesEveryItemThroughTheMapInTurn()
    {
        const QVariantMap metrics = runPipeline({{"stage_delay_ms", 10}, {"items", 10}});
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 100);
        QCOMPARE(metrics.value("result").toList(), QVariantList({6, 8, 10, 12, 14, 16, 18, 20}));
    }

    void everyStageCountsItsItemsInTheTrace()
    {
        // With a delay the map is the awaited kind (then); both kinds count the same way.
        for (int delayMs : {0, 10}) {
            QHash<QString, QList<qlonglong>> counters;
            const QVariantMap metrics =
                runPipelineTraced({{"items", 12}, {"multiply", 3}, {"keep_above", 10}, {"stage_delay_ms", delayMs}}, counters);
            const qlonglong kept = metrics.value("count").toLongLong();
            QCOMPARE(kept, 9); // 3 × 4 … 3 × 12
            // Each counter goes up one item at a time.
            QCOMPARE(counters.value("stage iter"), upTo(12));
            QCOMPARE(counters.value("stage map"), upTo(12));
            QCOMPARE(counters.value("stage filter"), upTo(kept));
            QCOMPARE(counters.value("stage filter dropped"), upTo(12 - kept));
            QCOMPARE(counters.value("stage collect"), upTo(kept));
            // The collect stage's latest item, one per item taken: the result, in order.
            QVariantList last;
            for (qlonglong value : counters.value("stage collect last"))
                last << value;
            QCOMPARE(last, metrics.value("result").toList());
        }
    }

    void everyStageTracesTheValueItPassedOn()
    {
        // What the page labels its tokens with: the values themselves, not a guess from the
        // parameters. 1…6 × 3 = 3, 6, …, 18; the filter keeps those above 10.
        QHash<QString, QList<qlonglong>> counters;
        runPipelineTraced({{"items", 6}, {"multiply", 3}, {"keep_above", 10}}, counters);
        QCOMPARE(counters.value("stage iter last"), upTo(6));
        QCOMPARE(counters.value("stage map last"), (QList<qlonglong>{3, 6, 9, 12, 15, 18}));
        QCOMPARE(counters.value("stage filter last"), (QList<qlonglong>{12, 15, 18}));
        QCOMPARE(counters.value("stage filter dropped last"), (QList<qlonglong>{3, 6, 9}));
        QCOMPARE(counters.value("stage collect last"), (QList<qlonglong>{12, 15, 18}));
    }

    void listMetricsShowTheFirstHundredValuesButCountAll()
    {
        const QVariantMap metrics = runPipeline({{"items", 1000}, {"multiply", 1}, {"keep_above", 0}});
        QCOMPARE(metrics.value("result").toList().size(), 100);
        QCOMPARE(metrics.value("result").toList().last().toLongLong(), 100);
        QCOMPARE(metrics.value("count").toLongLong(), 1000);
        QCOMPARE(metrics.value("sum").toLongLong(), 500500);
        QCOMPARE(runPipeline({{"numbers", 1000}}).value("number_stream").toList().size(), 100);
    }

    void settingsOutsideTheRangeAreRejectedWithTheName()
    {
        StreamPipelineScenario scenario;
        QVariantMap parameters;
        const QString error = ScenarioRunner::applySetting(scenario, QStringLiteral("items=1000001"), parameters);
        QVERIFY2(error.contains("items") && error.contains("0–1000000"), qPrintable(error));
        QVERIFY(parameters.isEmpty());
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("multiply=1001"), parameters).contains("multiply"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("keep_above=-1000001"), parameters)
                    .contains("keep_above"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("stage_delay_ms=-1"), parameters)
                    .contains("stage_delay_ms"));
        QVERIFY(ScenarioRunner::applySetting(scenario, QStringLiteral("multiply=-1000"), parameters).isEmpty());
        QCOMPARE(parameters.value("multiply").toLongLong(), -1000);
    }

    void theCatalogRunsItAsTheGuidesCodeOnly()
    {
        ScenarioRunOptions options;
        options.scenario = QStringLiteral("stream-pipeline");
        options.deterministic = true;
        QVERIFY2(ScenarioRunner::validate(options).isEmpty(), qPrintable(ScenarioRunner::validate(options)));
        QCOMPARE(options.variant, QStringLiteral("guide"));
        options.variant = QStringLiteral("fixed");
        QVERIFY(ScenarioRunner::validate(options).contains("guide"));
    }
};

QTEST_GUILESS_MAIN(TestStreamPipelineScenario)
#include "tst_streampipelinescenario.moc"
