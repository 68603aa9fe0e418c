#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#endif

using namespace taskscope;

namespace {

TraceEvent traceEvent(std::int64_t us, TraceKind kind, std::uint64_t task, std::int16_t worker = 0, std::int64_t value = 0,
                      std::uint64_t object = 0)
{
    return TraceEvent{us * 1000, task, object, value, worker, kind};
}

} // namespace

class TestEngineController : public QObject
{
    Q_OBJECT

private slots:
    void aLiveParameterReachesTheRunningScenarioAndTheOthersWaitForReset()
    {
        // The seed breaker, one caller, a downstream that always fails: without the live
        // change no call could succeed. Virtual time paced at 4× wall time: 2 s of run in 0.5 s.
        EngineController controller;
        controller.setScenarioId(QStringLiteral("circuit-breaker"));
        controller.setVariant(QStringLiteral("seed"));
        controller.setDeterministic(true);
        controller.setSpeed(EngineController::maxSpeed);
        QVERIFY(controller.setParameter(QStringLiteral("downstream_failure_rate"), 1.0));
        QVERIFY(controller.setParameter(QStringLiteral("callers"), 1));
        QVERIFY(controller.setParameter(QStringLiteral("duration_ms"), 2000));
        controller.run();
        QCOMPARE(controller.state(), EngineController::State::Running);
        QCOMPARE(controller.parametersPending(), false);

        QSignalSpy pending(&controller, &EngineController::parametersPendingChanged);
        QVERIFY(controller.setParameter(QStringLiteral("downstream_failure_rate"), 0.0));
        QCOMPARE(controller.parametersPending(), false); // applied now, not on Reset
        QVERIFY(controller.setParameter(QStringLiteral("callers"), 3));
        QCOMPARE(controller.parametersPending(), true); // applies on Reset
        QVERIFY(pending.count() >= 1);

        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 30000);
        const QVariantMap metrics = controller.metrics();
        QVERIFY2(metrics.value(QStringLiteral("successes")).toLongLong() > 0,
                 qPrintable(QStringLiteral("%1 successes, %2 failures")
                                .arg(metrics.value(QStringLiteral("successes")).toLongLong())
                                .arg(metrics.value(QStringLiteral("failures")).toLongLong())));
        // Still one caller: callers=3 waits for the next run. One caller every ≥ 50 ms makes
        // at most 2000 / 50 + 1 calls.
        QVERIFY(metrics.value(QStringLiteral("calls")).toLongLong() <= 41);
    }

    void anInvalidLiveValueIsRefusedAndNotForwarded()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("circuit-breaker"));
        QVERIFY(!controller.setParameter(QStringLiteral("downstream_failure_rate"), 1.5));
        QVERIFY(controller.errorText().contains(QStringLiteral("downstream_failure_rate")));
        QCOMPARE(controller.effectiveParameters().value(QStringLiteral("downstream_failure_rate")).toDouble(), 0.5);
    }

    void histogramBucketsArePowersOfTwoMicroseconds()
    {
        const QStringList labels = EngineController::histogramLabels();
        QCOMPARE(labels.first(), QStringLiteral("1µs"));
        QCOMPARE(labels.at(10), QStringLiteral("1.02ms"));
        // 0.5 µs and 1.5 µs share the first bucket; 3 µs is in [2, 4); 10 s is in the last.
        const QVariantList counts = EngineController::histogram({500, 1500, 3000, 3900, 10'000'000'000});
        QCOMPARE(counts.size(), labels.size());
        QCOMPARE(counts.at(0).toInt(), 2);
        QCOMPARE(counts.at(1).toInt(), 2);
        QCOMPARE(counts.constLast().toInt(), 1);
        int total = 0;
        for (const QVariant &count : counts)
            total += count.toInt();
        QCOMPARE(total, 5);
    }

    void theSchemaMarksExactlyTheLiveParameters()
    {
        // The parameter panel shows "on reset" for every parameter but the live ones.
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        QVariantList schema = controller.parameterSchema();
        QVERIFY(!schema.isEmpty());
        for (const QVariant &entry : schema)
            QCOMPARE(entry.toMap().value(QStringLiteral("live")).toBool(), false);
        controller.setScenarioId(QStringLiteral("circuit-breaker"));
        schema = controller.parameterSchema();
        QStringList live;
        for (const QVariant &entry : schema) {
            if (entry.toMap().value(QStringLiteral("live")).toBool())
                live << entry.toMap().value(QStringLiteral("name")).toString();
        }
        QCOMPARE(live, QStringList{QStringLiteral("downstream_failure_rate")});
    }

    void integerParametersFromQmlArriveAsDoublesAndStillValidate()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        QVERIFY2(controller.setParameter(QStringLiteral("ops_per_client"), 100000.0), qPrintable(controller.errorText()));
        QCOMPARE(controller.effectiveParameters().value(QStringLiteral("ops_per_client")).toInt(), 100000);
        QVERIFY(!controller.setParameter(QStringLiteral("ops_per_client"), 100001.0));
        QVERIFY(!controller.errorText().isEmpty());
    }

    void anotherScenarioStartsWithoutThePreviousOnesValues()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        QVERIFY(controller.setParameter(QStringLiteral("clients"), 2));
        QSignalSpy parametersChanged(&controller, &EngineController::parametersChanged);
        controller.setScenarioId(QStringLiteral("tracing"));
        QCOMPARE(parametersChanged.count(), 1);
        QVERIFY(controller.parameters().isEmpty());
        QVERIFY(!controller.effectiveParameters().contains(QStringLiteral("clients")));
    }

    void beforeARunTheTimelineShowsTheLanesOfTheNextOne()
    {
        EngineController controller;
        QCOMPARE(controller.workerNames(), QStringList({"ts-worker-0", "ts-worker-1"}));
        QSignalSpy lanesChanged(&controller, &EngineController::workerNamesChanged);
        controller.setWorkers(3);
        QCOMPARE(lanesChanged.count(), 1);
        QCOMPARE(controller.workerNames(), QStringList({"ts-worker-0", "ts-worker-1", "ts-worker-2"}));
        controller.setDeterministic(true); // one worker
        QCOMPARE(controller.workerNames(), QStringList({"ts-worker-0"}));
        controller.setDeterministic(false);
        QCOMPARE(controller.workerNames().size(), 3);

        // A run's lanes stay until Reset, whatever the toolbar says meanwhile.
        controller.setScenarioId(QStringLiteral("runtime"));
        controller.run();
        QCOMPARE(controller.state(), EngineController::State::Running);
        controller.setWorkers(4);
        QCOMPARE(controller.workerNames().size(), 3);
        controller.reset();
        QCOMPARE(controller.workerNames().size(), 4);
    }

    void stealsParksAndWakesReachTheTimeline()
    {
        EngineController controller;
        controller.applyEvents({traceEvent(0, TraceKind::Spawn, 1), traceEvent(10, TraceKind::PollStart, 1, 0),
                                traceEvent(20, TraceKind::PollEnd, 1, 0), traceEvent(25, TraceKind::Park, 0, 0),
                                traceEvent(30, TraceKind::Wake, 1, 1, 0, 2), traceEvent(31, TraceKind::Steal, 1, 1, 1, 0),
                                traceEvent(40, TraceKind::Unpark, 0, 0)},
                               {});
        const TimelineData &timeline = controller.timeline();
        QCOMPARE(timeline.slices().size(), std::size_t(1));
        QCOMPARE(timeline.marks().size(), std::size_t(2));
        const TimelineMark steal = timeline.marks().at(0);
        QCOMPARE(steal.kind, TimelineMark::Kind::Steal);
        QCOMPARE(steal.worker, 1);
        QCOMPARE(steal.fromWorker, 0);
        const TimelineMark park = timeline.marks().at(1);
        QCOMPARE(park.kind, TimelineMark::Kind::Park);
        QCOMPARE(park.startNs, 25'000);
        QCOMPARE(park.endNs, 40'000);
        QCOMPARE(timeline.wakes().size(), std::size_t(1));
        QCOMPARE(timeline.wakes().front().waker, 2u);
        QCOMPARE(timeline.latestNs(), 40'000);
    }

    void aGapInTheTraceEndsTheOpenPollAndIsMarkedOnItsLane()
    {
        EngineController controller;
        // Worker 1 polls task 1 from 10 µs; its ring then lost 500 events from 20 to 900 µs
        // (the poll's end among them). Task 2's PollEnd after the gap has no start: no slice.
        controller.applyEvents({traceEvent(10, TraceKind::PollStart, 1, 1), traceEvent(15, TraceKind::Park, 0, 0),
                                traceEvent(20, TraceKind::Lost, 0, 1, 500, 900'000),
                                traceEvent(950, TraceKind::PollEnd, 2, 1)},
                               {});
        const TimelineData &timeline = controller.timeline();
        QCOMPARE(timeline.slices().size(), std::size_t(1));
        QCOMPARE(timeline.slices().front().task, 1u);
        QCOMPARE(timeline.slices().front().endNs, 20'000); // cut at the gap, not stretched to 950 µs
        QCOMPARE(timeline.marks().size(), std::size_t(1));
        const TimelineMark gap = timeline.marks().front();
        QCOMPARE(gap.kind, TimelineMark::Kind::Lost);
        QCOMPARE(gap.worker, 1);
        QCOMPARE(gap.startNs, 20'000);
        QCOMPARE(gap.endNs, 900'000);
        QCOMPARE(timeline.openParks().at(0), 15'000); // another worker's park goes on
    }

    void theSelectedTaskHasItsDetailAndHistograms()
    {
        EngineController controller;
        QSignalSpy detailChanged(&controller, &EngineController::taskDetailChanged);
        std::vector<TraceEvent> events{traceEvent(0, TraceKind::Spawn, 4)};
        for (int i = 0; i < 3; ++i) { // three 5 µs polls, each woken 2 µs before
            events.push_back(traceEvent(100 * i, TraceKind::Wake, 4));
            events.push_back(traceEvent(100 * i + 2, TraceKind::PollStart, 4));
            events.push_back(traceEvent(100 * i + 7, TraceKind::PollEnd, 4));
        }
        controller.applyEvents(events, {{4, QStringLiteral("fetch(3)")}});
        QVERIFY(controller.taskDetail().isEmpty());

        controller.setSelectedTask(4);
        QCOMPARE(detailChanged.count(), 1);
        const QVariantMap detail = controller.taskDetail();
        QCOMPARE(detail.value(QStringLiteral("name")).toString(), QStringLiteral("fetch(3)"));
        QCOMPARE(detail.value(QStringLiteral("polls")).toInt(), 3);
        QCOMPARE(detail.value(QStringLiteral("wakes")).toInt(), 3);
        const QVariantList polls = detail.value(QStringLiteral("pollHistogram")).toList();
        QCOMPARE(polls.at(2).toInt(), 3); // 5 µs is in [4, 8)
        const QVariantList scheduled = detail.value(QStringLiteral("scheduledHistogram")).toList();
        QCOMPARE(scheduled.at(1).toInt(), 3); // 2 µs is in [2, 4)

        controller.setSelectedTask(0);
        QVERIFY(controller.taskDetail().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEngineController)
#include "tst_enginecontroller.moc"
