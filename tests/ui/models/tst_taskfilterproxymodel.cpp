#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "models/taskfilterproxymodel.h"
#include "models/tasktablemodel.h"
#include "trace/taskregistry.h"
#endif

using namespace taskscope;

namespace {

TraceEvent traceEvent(std::int64_t ms, TraceKind kind, std::uint64_t task, std::int16_t worker = 0, std::int64_t value = 0)
{
    return TraceEvent{ms * 1000000, task, 0, value, worker, kind};
}

/// @p polls one-millisecond polls of @p task, from @p startMs on.
std::vector<TraceEvent> polls(std::uint64_t task, int polls, std::int64_t startMs)
{
    std::vector<TraceEvent> events;
    for (int i = 0; i < polls; ++i) {
        events.push_back(traceEvent(startMs + 2 * i, TraceKind::PollStart, task));
        events.push_back(traceEvent(startMs + 2 * i + 1, TraceKind::PollEnd, task));
        events.push_back(traceEvent(startMs + 2 * i + 1, TraceKind::Wake, task));
    }
    return events;
}

QList<quint64> idsInOrder(const QAbstractItemModel &model)
{
    QList<quint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(TaskTableModel::TaskIdRole).toULongLong();
    return ids;
}

} // namespace

class TestTaskFilterProxyModel : public QObject
{
    Q_OBJECT

private:
    TaskRegistry m_registry;
    TaskTableModel m_tasks;

private slots:
    void init()
    {
        // Three tasks: fetch(1) with 2 polls, parse with 10, fetch(3) finished after 9.
        m_registry = TaskRegistry();
        m_registry.apply({traceEvent(0, TraceKind::Spawn, 1), traceEvent(0, TraceKind::Spawn, 2),
                          traceEvent(0, TraceKind::Spawn, 3)},
                         {{1, QStringLiteral("fetch(1)")},
                          {2, QStringLiteral("parse")},
                          {3, QStringLiteral("fetch(3)")}});
        m_registry.apply(polls(1, 2, 1));
        m_registry.apply(polls(2, 10, 10));
        m_registry.apply(polls(3, 8, 40));
        m_registry.apply({traceEvent(70, TraceKind::PollStart, 3), traceEvent(71, TraceKind::PollEnd, 3, 0, 1),
                          traceEvent(71, TraceKind::Complete, 3, 0, 1)});
        m_tasks.setRegistry(&m_registry);
    }

    void headerClicksSortNumbersAsNumbersAndFlipTheDirection()
    {
        TaskFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&m_tasks);
        QSignalSpy sortChanged(&proxy, &TaskFilterProxyModel::sortChanged);
        QCOMPARE(proxy.sortColumn(), -1);
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1, 2, 3}));

        proxy.sortBy(TaskTableModel::Polls);
        QCOMPARE(sortChanged.count(), 1);
        QCOMPARE(proxy.sortColumn(), int(TaskTableModel::Polls));
        QVERIFY(!proxy.descending());
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1, 3, 2})); // 2, 9, 10 polls: numbers, not text ("10" < "2")

        proxy.sortBy(TaskTableModel::Polls);
        QVERIFY(proxy.descending());
        QCOMPARE(proxy.taskIdAt(proxy.rowCount() - 1), 1);

        proxy.sortBy(TaskTableModel::Name);
        QVERIFY(!proxy.descending());
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1, 3, 2})); // fetch(1), fetch(3), parse
        QCOMPARE(proxy.rowOfTask(2), 2);
        QCOMPARE(proxy.rowOfTask(99), -1);
        QCOMPARE(proxy.taskIdAt(7), 0);
    }

    void liveFinishedAndNameFiltersCombine()
    {
        TaskFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&m_tasks);
        QSignalSpy showChanged(&proxy, &TaskFilterProxyModel::showChanged);
        QSignalSpy nameChanged(&proxy, &TaskFilterProxyModel::nameFilterChanged);

        proxy.setShow(TaskFilterProxyModel::Show::Live);
        QCOMPARE(showChanged.count(), 1);
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1, 2}));
        proxy.setShow(TaskFilterProxyModel::Show::Finished);
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{3}));
        proxy.setShow(TaskFilterProxyModel::Show::All);

        proxy.setNameFilter(QStringLiteral("FETCH"));
        QCOMPARE(nameChanged.count(), 1);
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1, 3}));
        proxy.setShow(TaskFilterProxyModel::Show::Live);
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1}));
        proxy.setNameFilter({});
        proxy.setShow(TaskFilterProxyModel::Show::All);
        QCOMPARE(proxy.rowCount(), 3);
    }

    void liveUpdatesMoveRowsWithoutResettingTheView()
    {
        TaskFilterProxyModel proxy;
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.setSourceModel(&m_tasks);
        proxy.setShow(TaskFilterProxyModel::Show::Live);
        proxy.sortBy(TaskTableModel::Polls);
        QSignalSpy resets(&proxy, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&proxy, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&proxy, &QAbstractItemModel::rowsRemoved);
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{1, 2}));

        // Task 1 overtakes task 2, task 4 appears, task 2 finishes: the rows follow.
        m_registry.apply(polls(1, 20, 100));
        m_registry.apply({traceEvent(150, TraceKind::Spawn, 4), traceEvent(151, TraceKind::PollStart, 2),
                          traceEvent(152, TraceKind::PollEnd, 2, 0, 1), traceEvent(152, TraceKind::Complete, 2, 0, 1)});
        m_tasks.refresh();
        QCOMPARE(idsInOrder(proxy), (QList<quint64>{4, 1}));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(resets.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTaskFilterProxyModel)
#include "tst_taskfilterproxymodel.moc"
