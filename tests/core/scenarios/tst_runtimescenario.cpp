#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "runtime/runtime.h"
#include "scenarios/runtimescenario.h"
#include "trace/tracerecorder.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// A run of the runtime scenario with what the runtime page reads from its trace: the
/// instants and counters by name, each as (ms, value) in the order they were recorded.
struct Traced
{
    QVariantMap metrics;
    QHash<QString, QList<QPair<qint64, qint64>>> marks;
};

Traced runTraced(const QVariantMap &overrides)
{
    const TracedRun run = runScenarioTraced(RuntimeScenario(), overrides);
    Traced traced;
    traced.metrics = run.metrics;
    for (const TraceEvent &event : run.events) {
        if (event.kind == TraceKind::Instant || event.kind == TraceKind::Counter)
            traced.marks[run.names.value(event.object)] << qMakePair(event.timeNs / 1000000, qint64(event.value));
    }
    return traced;
}

} // namespace

class TestRuntimeScenario : public QObject
{
    Q_OBJECT

private slots:
    void workShorterThanTheTimeoutCompletes()
    {
        const QVariantMap metrics =
            runScenario(RuntimeScenario(), {{"work_ms", 300}, {"timeout_ms", 500}, {"background_tasks", 2}});
        QCOMPARE(metrics.value("completed").toBool(), true);
        QCOMPARE(metrics.value("timed_out").toBool(), false);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 300);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0u);
    }

    void workLongerThanTheTimeoutTimesOut()
    {
        const QVariantMap metrics =
            runScenario(RuntimeScenario(), {{"work_ms", 3000}, {"timeout_ms", 200}, {"background_tasks", 2}});
        QCOMPARE(metrics.value("completed").toBool(), false);
        QCOMPARE(metrics.value("timed_out").toBool(), true);
        QCOMPARE(metrics.value("elapsed_ms").toLongLong(), 200);
    }

    void theTraceMarksTheRaceStartAndItsWinner()
    {
        const Traced won = runTraced({{"work_ms", 300}, {"timeout_ms", 500}, {"background_tasks", 2}});
        QCOMPARE(won.marks.value("race work ms"), (QList<QPair<qint64, qint64>>{{0, 300}}));
        QCOMPARE(won.marks.value("race timeout ms"), (QList<QPair<qint64, qint64>>{{0, 500}}));
        // 0 when the race starts, then 1 (completed) when the work returns.
        QCOMPARE(won.marks.value("timeout race"), (QList<QPair<qint64, qint64>>{{0, 0}, {300, 1}}));

        const Traced lost = runTraced({{"work_ms", 3000}, {"timeout_ms", 200}, {"background_tasks", 2}});
        // 2 (timed out) when the timeout fires.
        QCOMPARE(lost.marks.value("timeout race"), (QList<QPair<qint64, qint64>>{{0, 0}, {200, 2}}));
        QCOMPARE(lost.metrics.value("timed_out").toBool(), true);
    }

    void theMetricsNameEveryWorker()
    {
        RuntimeConfig config = virtualConfig(3);
        config.threadName = QStringLiteral("race");
        const QVariantMap metrics = runScenario(RuntimeScenario(), {{"work_ms", 10}, {"background_tasks", 4}},
                                                QStringLiteral("robust"), config);
        QCOMPARE(metrics.value("worker_names").toStringList(), QStringList({"race-0", "race-1", "race-2"}));
    }

    void everyParameterRefusesAValueOutOfRange()
    {
        verifyEveryParameterRefusesOutOfRange(RuntimeScenario());
    }
};

QTEST_GUILESS_MAIN(TestRuntimeScenario)
#include "tst_runtimescenario.moc"
