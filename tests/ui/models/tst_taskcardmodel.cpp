#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "models/taskcardmodel.h"
#include "trace/taskregistry.h"
#endif

using namespace taskscope;

namespace {

TraceEvent traceEvent(std::int64_t ms, TraceKind kind, std::uint64_t task, std::int16_t worker = 0, std::int64_t value = 0,
                      std::uint64_t object = 0)
{
    return TraceEvent{ms * 1000000, task, object, value, worker, kind};
}

/// The card of task @p id as "lane/slot/state", or "" if it has none.
QString cardOf(const TaskCardModel &model, quint64 id)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        if (model.data(index, TaskCardModel::TaskIdRole).toULongLong() == id)
            return QStringLiteral("%1/%2/%3")
                .arg(model.data(index, TaskCardModel::LaneRole).toInt())
                .arg(model.data(index, TaskCardModel::SlotRole).toInt())
                .arg(model.data(index, TaskCardModel::StateRole).toString());
    }
    return {};
}

} // namespace

class TestTaskCardModel : public QObject
{
    Q_OBJECT

private slots:
    void cardsMoveToTheLaneOfTheirState()
    {
        TaskRegistry registry;
        TaskCardModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRegistry(&registry);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        registry.apply({traceEvent(0, TraceKind::Spawn, 1), traceEvent(0, TraceKind::Spawn, 2),
                        traceEvent(0, TraceKind::Spawn, 3)},
                       {{1, QStringLiteral("task-0")}});
        model.refresh();
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.data(model.index(0), TaskCardModel::NameRole).toString(), QStringLiteral("task-0"));
        QCOMPARE(model.data(model.index(1), TaskCardModel::NameRole).toString(), QStringLiteral("task 2"));
        QCOMPARE(cardOf(model, 1), QStringLiteral("0/0/scheduled"));
        QCOMPARE(cardOf(model, 3), QStringLiteral("0/2/scheduled"));
        QCOMPARE(model.laneCounts(), QList<int>({3, 0, 0, 0}));

        // Task 2 runs on worker 1 (its seat is the worker's), task 1 sleeps at a line.
        static const char file[] = "/src/scenario.cpp";
        registry.apply({traceEvent(1, TraceKind::PollStart, 1, 0), traceEvent(2, TraceKind::PollEnd, 1, 0, 17 << 1,
                                                                              quint64(quintptr(file))),
                        traceEvent(2, TraceKind::PollStart, 2, 1)});
        model.refresh();
        QCOMPARE(cardOf(model, 1), QStringLiteral("2/0/idle"));
        QCOMPARE(model.data(model.index(0), TaskCardModel::AwaitingAtRole).toString(), QStringLiteral("scenario.cpp:17"));
        QCOMPARE(cardOf(model, 2), QStringLiteral("1/1/running"));
        QCOMPARE(model.data(model.index(1), TaskCardModel::WorkerRole).toInt(), 1);
        QCOMPARE(cardOf(model, 3), QStringLiteral("0/0/scheduled")); // moved up: the first still scheduled
        QCOMPARE(model.laneCounts(), QList<int>({1, 1, 1, 0}));

        // Task 3 finishes before task 2, task 1 is cancelled last: the finished lane keeps
        // that order, not the spawn order.
        registry.apply({traceEvent(3, TraceKind::PollEnd, 2, 1, 1), traceEvent(3, TraceKind::PollStart, 3, 0),
                        traceEvent(4, TraceKind::PollEnd, 3, 0, 1), traceEvent(4, TraceKind::Complete, 3, 0, 1),
                        traceEvent(5, TraceKind::Complete, 2, 1, 1), traceEvent(6, TraceKind::Complete, 1, 0, 2)});
        model.refresh();
        QCOMPARE(cardOf(model, 3), QStringLiteral("3/0/done"));
        QCOMPARE(cardOf(model, 2), QStringLiteral("3/1/done"));
        QCOMPARE(cardOf(model, 1), QStringLiteral("3/2/cancelled"));
        QCOMPARE(model.laneCounts(), QList<int>({0, 0, 0, 3}));
        QCOMPARE(inserted.count(), 1); // the same three cards all along
        QCOMPARE(resets.count(), 0);

        // Nothing new: no signal at all.
        changed.clear();
        model.refresh();
        QCOMPARE(changed.count(), 0);
    }

    void onlyTheNewestTasksGetCardsAndTheRestAreCounted()
    {
        TaskRegistry registry;
        TaskCardModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRegistry(&registry);
        QSignalSpy counts(&model, &TaskCardModel::countsChanged);
        // Many tasks at once: the model still holds one row per card, not per task.
        std::vector<TraceEvent> events;
        for (std::uint64_t id = 1; id <= 2000; ++id)
            events.push_back(traceEvent(0, TraceKind::Spawn, id));
        registry.apply(events);
        model.refresh();
        QCOMPARE(model.rowCount(), TaskCardModel::defaultCapacity);
        QCOMPARE(model.hiddenCount(), 2000 - TaskCardModel::defaultCapacity);
        QCOMPARE(model.data(model.index(0), TaskCardModel::TaskIdRole).toULongLong(),
                 quint64(2000 - TaskCardModel::defaultCapacity + 1));
        QCOMPARE(counts.count(), 1);

        // A newer task pushes the oldest card out.
        registry.apply({traceEvent(1, TraceKind::Spawn, 2001)});
        model.refresh();
        QCOMPARE(model.rowCount(), TaskCardModel::defaultCapacity);
        QCOMPARE(model.data(model.index(model.rowCount() - 1), TaskCardModel::TaskIdRole).toULongLong(), 2001u);
        QCOMPARE(model.hiddenCount(), 2001 - TaskCardModel::defaultCapacity);

        // A worker polls an old task: its card comes in (the worker's seat is not shown free),
        // and the oldest of the newest makes room.
        registry.apply({traceEvent(2, TraceKind::PollStart, 7, 1)});
        model.refresh();
        QCOMPARE(model.rowCount(), TaskCardModel::defaultCapacity);
        QCOMPARE(cardOf(model, 7), QStringLiteral("1/1/running"));
        QCOMPARE(cardOf(model, 2001 - TaskCardModel::defaultCapacity + 1), QString());
        QCOMPARE(model.hiddenCount(), 2001 - TaskCardModel::defaultCapacity);
        registry.apply({traceEvent(3, TraceKind::PollEnd, 7, 1)});
        model.refresh();
        QCOMPARE(cardOf(model, 7), QString());

        model.setCapacity(5);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.data(model.index(0), TaskCardModel::TaskIdRole).toULongLong(), 1997u);
        QCOMPARE(model.hiddenCount(), 1996);
    }

    void prunedTasksLoseTheirCardsAndOlderOnesComeBack()
    {
        TaskRegistry registry(TaskRegistry::Options{.retention = std::chrono::milliseconds(100)});
        TaskCardModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRegistry(&registry);
        model.setCapacity(2);
        registry.apply({traceEvent(0, TraceKind::Spawn, 1), traceEvent(0, TraceKind::Spawn, 2),
                        traceEvent(0, TraceKind::Spawn, 3), traceEvent(1, TraceKind::Complete, 3, 0, 1)});
        model.refresh();
        QCOMPARE(cardOf(model, 1), QString());
        QCOMPARE(cardOf(model, 3), QStringLiteral("3/0/done"));
        // Task 3 is forgotten after the retention: task 1 gets its card back.
        registry.apply({traceEvent(300, TraceKind::Wake, 2)});
        registry.prune(registry.lastEventTime());
        model.refresh();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(cardOf(model, 3), QString());
        QCOMPARE(cardOf(model, 1), QStringLiteral("0/0/scheduled"));
        QCOMPARE(model.hiddenCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTaskCardModel)
#include "tst_taskcardmodel.moc"
