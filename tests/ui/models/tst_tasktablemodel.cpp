#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "models/tasktablemodel.h"
#include "trace/taskregistry.h"
#endif

using namespace taskscope;

namespace {

TraceEvent traceEvent(std::int64_t ms, TraceKind kind, std::uint64_t task, std::int16_t worker = 0, std::int64_t value = 0,
                 std::uint64_t object = 0)
{
    return TraceEvent{ms * 1000000, task, object, value, worker, kind};
}

} // namespace

class TestTaskTableModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsGrowInPlaceAsTasksAppearAndChange()
    {
        TaskRegistry registry(TaskRegistry::Options{.retention = std::chrono::milliseconds(100)});
        TaskTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRegistry(&registry);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        const std::source_location site = std::source_location::current(); // the spawn site shown
        registry.apply({traceEvent(0, TraceKind::Spawn, 1, 0, spawnSiteValue(site)), traceEvent(0, TraceKind::PollStart, 1),
                        traceEvent(2, TraceKind::PollEnd, 1, 0, 10 << 1)},
                       {{1, QStringLiteral("fetch(1)")}});
        model.refresh();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model.data(model.index(0, TaskTableModel::Name)).toString(), QStringLiteral("fetch(1)"));
        QCOMPARE(model.data(model.index(0, TaskTableModel::State)).toString(), QStringLiteral("idle"));
        QCOMPARE(model.data(model.index(0, TaskTableModel::Busy)).toString(), QStringLiteral("2.00"));
        QCOMPARE(model.data(model.index(0, TaskTableModel::SpawnedAt)).toString(),
                 QStringLiteral("tst_tasktablemodel.cpp:%1").arg(site.line())); // the file name only
        QCOMPARE(model.headerData(TaskTableModel::Polls, Qt::Horizontal).toString(), QStringLiteral("Polls"));

        registry.apply({traceEvent(3, TraceKind::Spawn, 2, 0, 0, 1), traceEvent(5, TraceKind::Wake, 1),
                        traceEvent(5, TraceKind::PollStart, 1, 1)});
        model.refresh();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(inserted.count(), 2); // one more insertion, for task 2 only
        QCOMPARE(model.data(model.index(0, TaskTableModel::State)).toString(), QStringLiteral("running on 1"));
        QCOMPARE(model.data(model.index(1, TaskTableModel::Parent)).toULongLong(), 1u);
        QVERIFY(changed.count() >= 2);

        // Task 1 finishes; once the retention has passed, its row goes.
        registry.apply({traceEvent(6, TraceKind::PollEnd, 1, 1, 1), traceEvent(6, TraceKind::Complete, 1, 1, 1),
                        traceEvent(200, TraceKind::Wake, 2)});
        registry.prune(registry.lastEventTime());
        model.refresh();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model.data(model.index(0, TaskTableModel::Id)).toULongLong(), 2u);
        QCOMPARE(resets.count(), 0); // never a full reset while running
    }

    void aHiddenTableSkipsCellUpdatesAndMakesThemUpWhenShown()
    {
        TaskRegistry registry;
        TaskTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRegistry(&registry);
        registry.apply({traceEvent(0, TraceKind::Spawn, 1)});
        model.refresh();
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy shown(&model, &TaskTableModel::shownChanged);

        model.setShown(false);
        QCOMPARE(shown.count(), 1);
        registry.apply({traceEvent(1, TraceKind::PollStart, 1), traceEvent(2, TraceKind::Spawn, 2)});
        model.refresh();
        QCOMPARE(changed.count(), 0);                        // no cell updates while hidden…
        QCOMPARE(inserted.count(), 1);                       // …but rows still come and go
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0, TaskTableModel::State)).toString(), QStringLiteral("running on 0"));

        // A task that finishes while hidden is announced for the live/finished filter alone.
        registry.apply({traceEvent(3, TraceKind::PollEnd, 1), traceEvent(3, TraceKind::Complete, 1, 0, 1)});
        model.refresh();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex(), model.index(0, 0));
        QCOMPARE(changed.first().at(2).value<QList<int>>(), QList<int>{TaskTableModel::FinishedRole});
        QVERIFY(model.data(model.index(0, 0), TaskTableModel::FinishedRole).toBool());
        model.refresh();                                     // no new flip: no announcement
        QCOMPARE(changed.count(), 1);
        changed.clear();

        model.setShown(true);                                // shown again: one update for all
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex(), model.index(0, 0));
        QCOMPARE(changed.first().at(1).toModelIndex(), model.index(1, TaskTableModel::ColumnCount - 1));
        model.setShown(true);
        QCOMPARE(shown.count(), 2);
        QCOMPARE(changed.count(), 1);
    }

    void rolesCarryTheTaskIdAndColour()
    {
        TaskRegistry registry;
        registry.apply({traceEvent(0, TraceKind::Spawn, 7)});
        TaskTableModel model;
        model.setRegistry(&registry);
        QCOMPARE(model.data(model.index(0, 0), TaskTableModel::TaskIdRole).toULongLong(), 7u);
        QVERIFY(model.data(model.index(0, 0), TaskTableModel::TaskColorRole).value<QColor>().isValid());
        QCOMPARE(model.roleNames().value(TaskTableModel::TaskColorRole), QByteArray("taskColor"));
        QCOMPARE(model.columnCount(), int(TaskTableModel::ColumnCount));
    }
};

QTEST_GUILESS_MAIN(TestTaskTableModel)
#include "tst_tasktablemodel.moc"
