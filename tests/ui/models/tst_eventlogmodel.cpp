#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "models/eventlogmodel.h"
#endif

using namespace taskscope;

namespace {

TraceEvent at(std::int64_t ms, TraceKind kind, std::uint64_t task, std::int16_t worker, std::uint64_t object = 0,
              std::int64_t value = 0)
{
    return TraceEvent{ms * 1000000, task, object, value, worker, kind};
}

} // namespace

class TestEventLogModel : public QObject
{
    Q_OBJECT

private slots:
    void eventsReadAsSentences()
    {
        const QHash<std::uint64_t, QString> tasks{{12, QStringLiteral("fetch(3)")}, {4, QStringLiteral("main")}};
        const QHash<std::uint64_t, QString> objects{{90, QStringLiteral("jobs")}};
        QCOMPARE(EventLogModel::describe(at(1, TraceKind::Wake, 12, 1, 0, 1), tasks, objects),
                 QStringLiteral("task 12 `fetch(3)` woken by a timer on worker 1"));
        QCOMPARE(EventLogModel::describe(at(1, TraceKind::Wake, 12, 0, 4), tasks, objects),
                 QStringLiteral("task 12 `fetch(3)` woken by task 4 `main` on worker 0"));
        QCOMPARE(EventLogModel::describe(at(1, TraceKind::Send, 4, 0, 90, 3), tasks, objects),
                 QStringLiteral("task 4 `main` sent on jobs (length 3)"));
        QCOMPARE(EventLogModel::describe(at(1, TraceKind::Complete, 7, 0, 0, 3), tasks, objects),
                 QStringLiteral("task 7 panicked"));
        QCOMPARE(EventLogModel::describe(at(1, TraceKind::Steal, 8, 1, 0, 5), tasks, objects),
                 QStringLiteral("worker 1 stole 5 task(s) from worker 0"));
        QCOMPARE(EventLogModel::describe(at(1, TraceKind::PollCpu, 12, 1, std::uint64_t(1) << 32 | 40, 4'100'000), tasks,
                                         objects),
                 QStringLiteral("task 12 `fetch(3)`'s long poll on worker 1: 4.1 ms on the CPU, 1 wait(s) in the "
                                "kernel, 40 preemption(s)"));
        QCOMPARE(EventLogModel::describe(at(2, TraceKind::Lost, 0, 1, 2'250'000, 1234), tasks, objects),
                 QStringLiteral("worker 1's trace ring was full: 1234 event(s) lost over 0.250 ms (the views "
                                "undercount there)"));
    }

    void newestFirstCappedAndFilteredByKind()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        std::vector<TraceEvent> events;
        for (int i = 0; i < EventLogModel::capacity + 50; ++i)
            events.push_back(at(i, i % 2 ? TraceKind::PollStart : TraceKind::Wake, 1, 0));
        model.append(events, {}, {});
        QCOMPARE(model.rowCount(), EventLogModel::capacity);
        QVERIFY(model.data(model.index(0), EventLogModel::TimeRole).toDouble()
                > model.data(model.index(1), EventLogModel::TimeRole).toDouble());
        model.setHiddenKinds({QStringLiteral("poll-start")});
        model.append({at(1000, TraceKind::PollStart, 1, 0), at(1001, TraceKind::Wake, 1, 0)}, {}, {});
        QCOMPARE(model.data(model.index(0), EventLogModel::KindRole).toString(), QStringLiteral("wake"));
        QCOMPARE(model.data(model.index(0), EventLogModel::TimeRole).toDouble(), 1001.0);
        QCOMPARE(model.rowCount(), EventLogModel::capacity);
        QCOMPARE(inserted.count(), 2);
    }

    void stagedEventsKeepTheNewestShownOnesWhateverFollowsThem()
    {
        // Between two updates a busy run brings thousands of events; with polls hidden, the
        // ten sends before them must still reach the log.
        EventLogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setHiddenKinds({QStringLiteral("poll-start"), QStringLiteral("poll-end")});
        std::vector<TraceEvent> sends;
        for (int i = 0; i < 10; ++i)
            sends.push_back(at(i, TraceKind::Send, 1, 0, 90, i));
        model.stage(sends);
        std::vector<TraceEvent> polls;
        for (int i = 0; i < 3 * EventLogModel::capacity; ++i)
            polls.push_back(at(100 + i, i % 2 ? TraceKind::PollEnd : TraceKind::PollStart, 1, 0));
        model.stage(polls);
        QCOMPARE(model.rowCount(), 0); // nothing until flushed
        model.flush({}, {});
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.data(model.index(0), EventLogModel::TimeRole).toDouble(), 9.0);
        QCOMPARE(model.data(model.index(9), EventLogModel::TimeRole).toDouble(), 0.0);
        // Staging more than the log holds keeps only the newest `capacity`.
        std::vector<TraceEvent> many;
        for (int i = 0; i < EventLogModel::capacity + 7; ++i)
            many.push_back(at(1000 + i, TraceKind::Wake, 1, 0));
        model.stage(many);
        model.flush({}, {});
        QCOMPARE(model.rowCount(), EventLogModel::capacity);
        QCOMPARE(model.data(model.index(EventLogModel::capacity - 1), EventLogModel::TimeRole).toDouble(), 1007.0);
        model.flush({}, {}); // nothing staged: nothing added
        QCOMPARE(model.rowCount(), EventLogModel::capacity);
    }
};

QTEST_GUILESS_MAIN(TestEventLogModel)
#include "tst_eventlogmodel.moc"
