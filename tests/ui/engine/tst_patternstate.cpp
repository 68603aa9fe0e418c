#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/patternstate.h"
#endif

using namespace taskscope;

namespace {

TraceEvent counterEvent(double ms, std::uint64_t object, std::int64_t value)
{
    return TraceEvent{std::int64_t(ms * 1e6), 0, object, value, 0, TraceKind::Counter};
}

TraceEvent instantEvent(double ms, std::uint64_t object, std::int64_t value)
{
    return TraceEvent{std::int64_t(ms * 1e6), 0, object, value, 0, TraceKind::Instant};
}

const QHash<std::uint64_t, QString> s_names{{1, QStringLiteral("bucket tokens")},
                                            {2, QStringLiteral("queue length")},
                                            {3, QStringLiteral("breaker open")},
                                            {4, QStringLiteral("breaker closed")},
                                            {5, QStringLiteral("pool idle")}};

} // namespace

class TestPatternState : public QObject
{
    Q_OBJECT

private slots:
    void countersKeepTheirLatestValueAndPeakByName()
    {
        PatternState state;
        QSignalSpy changed(&state, &PatternState::changed);
        state.apply({counterEvent(10, 1, 10), counterEvent(20, 1, 7), counterEvent(30, 2, 3), counterEvent(40, 1, 9)},
                    s_names);
        QCOMPARE(changed.count(), 1); // one batch, one signal
        QCOMPARE(state.revision(), 1);
        QCOMPARE(state.value(QStringLiteral("bucket tokens")).toLongLong(), 9);
        QCOMPARE(state.peak(QStringLiteral("bucket tokens")).toLongLong(), 10);
        QCOMPARE(state.value(QStringLiteral("queue length")).toLongLong(), 3);
        QCOMPARE(state.value(QStringLiteral("missing"), 42).toInt(), 42);
        QVERIFY(!state.has(QStringLiteral("missing")));
        QCOMPARE(state.counterNames(), QStringList({QStringLiteral("bucket tokens"), QStringLiteral("queue length")}));
        QCOMPARE(state.latestMs(), 40.0);
        const QVariantMap values = state.values();
        QCOMPARE(values.size(), 2);
        QCOMPARE(values.value(QStringLiteral("bucket tokens")).toLongLong(), 9);
        state.apply({counterEvent(50, 2, 4)}, s_names);
        QCOMPARE(state.values().value(QStringLiteral("queue length")).toLongLong(), 4); // rebuilt after a batch
    }

    void anEmptyBatchChangesNothing()
    {
        PatternState state;
        QSignalSpy changed(&state, &PatternState::changed);
        state.apply({}, s_names);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(state.revision(), 0);
    }

    void anObjectNamedInALaterBatchIsPickedUpThen()
    {
        PatternState state;
        state.apply({counterEvent(1, 9, 5)}, s_names); // no name yet: skipped
        QCOMPARE(state.counterNames(), QStringList());
        QHash<std::uint64_t, QString> names = s_names;
        names.insert(9, QStringLiteral("late counter"));
        state.apply({counterEvent(2, 9, 6)}, names);
        QCOMPARE(state.value(QStringLiteral("late counter")).toInt(), 6);
    }

    void historyMergesCloseSamplesAndKeepsTheirRange()
    {
        PatternState state;
        // 100, 101, 102 ms merge (closer than sampleSpacingMs); 110 starts a new sample.
        state.apply({counterEvent(100, 1, 5), counterEvent(101, 1, -3), counterEvent(102, 1, 4), counterEvent(110, 1, 8)},
                    s_names);
        const std::deque<CounterSample> *series = state.series(QStringLiteral("bucket tokens"));
        QVERIFY(series);
        QCOMPARE(series->size(), std::size_t(2));
        QCOMPARE(series->front().timeMs, 100.0);
        QCOMPARE(series->front().value, 4.0);
        QCOMPARE(series->front().low, -3.0);
        QCOMPARE(series->front().high, 5.0);
        QCOMPARE(series->back().value, 8.0);

        const QVariantList since = state.history(QStringLiteral("bucket tokens"), 105);
        QCOMPARE(since.size(), 1);
        QCOMPARE(since.constFirst().toMap().value(QStringLiteral("t")).toDouble(), 110.0);
        QCOMPARE(since.constFirst().toMap().value(QStringLiteral("v")).toDouble(), 8.0);
        QCOMPARE(state.history(QStringLiteral("bucket tokens")).size(), 2);
        QVERIFY(state.history(QStringLiteral("missing")).isEmpty());
    }

    void historyIsBoundedOldestFirstOut()
    {
        PatternState state;
        std::vector<TraceEvent> events;
        const std::size_t total = PatternState::historyCapacity + 10;
        for (std::size_t i = 0; i < total; ++i)
            events.push_back(counterEvent(double(i) * 10, 2, std::int64_t(i)));
        state.apply(events, s_names);
        const std::deque<CounterSample> *series = state.series(QStringLiteral("queue length"));
        QCOMPARE(series->size(), PatternState::historyCapacity);
        QCOMPARE(series->front().value, 10.0); // the ten oldest are gone
        QCOMPARE(series->back().value, double(total - 1));
    }

    void instantsComeNewestFirstFilteredByPrefix()
    {
        PatternState state;
        state.apply({instantEvent(5, 3, 1), counterEvent(6, 5, 2), instantEvent(7, 4, 0), instantEvent(9, 3, 1)}, s_names);
        const QVariantList all = state.instants(QStringLiteral("breaker "), 10);
        QCOMPARE(all.size(), 3);
        QCOMPARE(all.at(0).toMap().value(QStringLiteral("t")).toDouble(), 9.0);
        QCOMPARE(all.at(0).toMap().value(QStringLiteral("name")).toString(), QStringLiteral("breaker open"));
        QCOMPARE(all.at(0).toMap().value(QStringLiteral("value")).toInt(), 1);
        QCOMPARE(all.at(1).toMap().value(QStringLiteral("name")).toString(), QStringLiteral("breaker closed"));
        QCOMPARE(state.instants(QStringLiteral("breaker "), 1).size(), 1);
        QCOMPARE(state.instants(QStringLiteral("breaker open"), 10).size(), 2);
        QVERIFY(state.instants(QStringLiteral("pool"), 10).isEmpty()); // counters are not instants
    }

    void clearForgetsEverythingAndSaysSo()
    {
        PatternState state;
        state.apply({counterEvent(1, 1, 4), instantEvent(2, 3, 1)}, s_names);
        QSignalSpy changed(&state, &PatternState::changed);
        state.clear();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(state.revision(), 2);
        QVERIFY(!state.has(QStringLiteral("bucket tokens")));
        QVERIFY(state.values().isEmpty());
        QCOMPARE(state.series(QStringLiteral("bucket tokens")), nullptr);
        QVERIFY(state.instants(QString(), 10).isEmpty());
        QCOMPARE(state.latestMs(), 0.0);
    }
};

QTEST_MAIN(TestPatternState)
#include "tst_patternstate.moc"
