#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/patternstate.h"
#endif

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <random>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TASKSCOPE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TASKSCOPE_SANITIZED 1
#endif
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

TraceEvent spanEvent(double ms, std::uint64_t object, TraceKind kind, double lengthMs = 0)
{
    return TraceEvent{std::int64_t(ms * 1e6), 0, object, std::int64_t(lengthMs * 1e6), 0, kind};
}

/// Bytes malloc has handed out and not had back, small blocks and mapped ones.
std::size_t heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

/// Whether a sketched percentile @p sketched is within QuantileSketch::relativeError of the
/// exact one.
bool withinSketchError(double sketched, double exact)
{
    return std::abs(sketched - exact) <= QuantileSketch::relativeError * exact;
}

const QHash<std::uint64_t, QString> s_spanNames{{11, QStringLiteral("expensive_operation")},
                                                {12, QStringLiteral("task-1")},
                                                {13, QStringLiteral("task-22")}};

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

    void manyCountersKeepTheirValuesWhileTheTablesGrow()
    {
        // 300 counters and 300 span names, met in turn and then again: the state's tables grow
        // (and move their entries) while it remembers where each object's entry was.
        QHash<std::uint64_t, QString> names;
        std::vector<TraceEvent> events;
        for (std::uint64_t object = 1; object <= 300; ++object) {
            names.insert(object, QStringLiteral("counter %1").arg(object));
            names.insert(1000 + object, QStringLiteral("span %1").arg(object));
        }
        for (int round = 0; round < 3; ++round) {
            for (std::uint64_t object = 1; object <= 300; ++object) {
                events.push_back(counterEvent(round * 10 + 1, object, std::int64_t(object * 10 + round)));
                events.push_back(spanEvent(round * 10 + 2, 1000 + object, TraceKind::SpanBegin));
                events.push_back(spanEvent(round * 10 + 3, 1000 + object, TraceKind::SpanEnd, double(round + 1)));
            }
        }
        PatternState state;
        state.apply(events, names);
        for (std::uint64_t object = 1; object <= 300; ++object) {
            const QString name = QStringLiteral("counter %1").arg(object);
            QCOMPARE(state.value(name).toLongLong(), qint64(object * 10 + 2));
            QCOMPARE(state.peak(name).toLongLong(), qint64(object * 10 + 2));
            QCOMPARE(state.series(name)->size(), std::size_t(3)); // 10 ms apart: not merged
        }
        const QVariantList spans = state.spanStats();
        QCOMPARE(spans.size(), 300);
        for (const QVariant &span : spans) {
            QCOMPARE(span.toMap().value(QStringLiteral("count")).toLongLong(), 3);
            QCOMPARE(span.toMap().value(QStringLiteral("open")).toLongLong(), 0);
            QCOMPARE(span.toMap().value(QStringLiteral("maxMs")).toDouble(), 3.0);
        }
        // After a clear the same objects are met afresh.
        state.clear();
        state.apply({counterEvent(100, 7, 5)}, names);
        QCOMPARE(state.value(QStringLiteral("counter 7")).toLongLong(), 5);
        QCOMPARE(state.counterNames().size(), 1);
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

    void instantsAfterATimeComeAsNumbersNewestFirst()
    {
        PatternState state;
        state.apply({instantEvent(5, 3, 1), counterEvent(6, 5, 2), instantEvent(7, 4, 0), instantEvent(9, 3, 2)}, s_names);
        const QStringList names{QStringLiteral("breaker closed"), QStringLiteral("breaker open")};
        // [t, value, index in names] per instant, newest first.
        QCOMPARE(state.instantsAfter(names, 0), (QList<double>{9, 2, 1, 7, 0, 0, 5, 1, 1}));
        QCOMPARE(state.instantsAfter(names, 7), (QList<double>{9, 2, 1})); // strictly after
        QCOMPARE(state.instantsAfter(names, 0, 2), (QList<double>{9, 2, 1, 7, 0, 0}));
        QCOMPARE(state.instantsAfter({QStringLiteral("breaker closed")}, 0), (QList<double>{7, 0, 0}));
        QVERIFY(state.instantsAfter(names, 9).isEmpty());
        QVERIFY(state.instantsAfter({QStringLiteral("bucket tokens")}, 0).isEmpty()); // a counter
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

    void spansAreCountedPerFamilyWithNearestRankPercentiles()
    {
        PatternState state;
        std::vector<TraceEvent> events;
        // ms; each inside a bar of the histogram below, further from its edges than the
        // sketch's error, so the bars are exact.
        const std::vector<double> lengths{45, 10, 35, 25, 55, 100, 65, 75, 15, 95};
        for (std::size_t i = 0; i < lengths.size(); ++i)
            events.push_back(spanEvent(double(i), 11, TraceKind::SpanBegin));
        events.push_back(spanEvent(1, 12, TraceKind::SpanBegin));
        events.push_back(spanEvent(1, 13, TraceKind::SpanBegin));
        for (std::size_t i = 0; i < lengths.size(); ++i)
            events.push_back(spanEvent(200 + double(i), 11, TraceKind::SpanEnd, lengths[i]));
        events.push_back(spanEvent(300, 12, TraceKind::SpanEnd, 299));
        state.apply(events, s_spanNames);
        const QVariantList stats = state.spanStats();
        QCOMPARE(stats.size(), 2);
        const QVariantMap operation = stats.at(0).toMap();
        QCOMPARE(operation.value("name").toString(), QStringLiteral("expensive_operation"));
        QCOMPARE(operation.value("count").toLongLong(), 10);
        QCOMPARE(operation.value("open").toLongLong(), 0);
        QCOMPARE(operation.value("minMs").toDouble(), 10.0);
        // Within the sketch's error of the exact nearest-rank values.
        QVERIFY(withinSketchError(operation.value("p50Ms").toDouble(), 45.0)); // rank ceil(0.5 × 10) = 5
        QVERIFY(withinSketchError(operation.value("p95Ms").toDouble(), 100.0)); // rank ceil(9.5) = 10
        QCOMPARE(operation.value("maxMs").toDouble(), 100.0);
        // "task-1" and "task-22" are one family; one of them is still open.
        const QVariantMap tasks = stats.at(1).toMap();
        QCOMPARE(tasks.value("name").toString(), QStringLiteral("task-*"));
        QCOMPARE(tasks.value("count").toLongLong(), 1);
        QCOMPARE(tasks.value("open").toLongLong(), 1);
        QCOMPARE(tasks.value("p50Ms").toDouble(), 299.0);

        // Nine bars from 10 to 100 ms: 10 and 15 in the first, none from 80 to 90, 95 and 100
        // in the last.
        const QVariantMap histogram = state.spanHistogram(QStringLiteral("expensive_operation"), 9);
        QCOMPARE(histogram.value("fromMs").toDouble(), 10.0);
        QCOMPARE(histogram.value("toMs").toDouble(), 100.0);
        const QVariantList counts = histogram.value("counts").toList();
        QCOMPARE(counts.size(), 9);
        qint64 total = 0;
        for (const QVariant &count : counts)
            total += count.toLongLong();
        QCOMPARE(total, 10);
        const QList<qint64> expected{2, 1, 1, 1, 1, 1, 1, 0, 2};
        for (qsizetype bar = 0; bar < counts.size(); ++bar)
            QCOMPARE(counts.at(bar).toLongLong(), expected.at(bar));
        // One duration: the axis still spans a tenth of it, the span in the first bar.
        const QVariantMap single = state.spanHistogram(QStringLiteral("task-*"), 10);
        QCOMPARE(single.value("fromMs").toDouble(), 299.0);
        QCOMPARE(single.value("toMs").toDouble(), 299.0 + 29.9);
        QCOMPARE(single.value("counts").toList().first().toLongLong(), 1);

        state.clear();
        QVERIFY(state.spanStats().isEmpty());
        QVERIFY(state.spanHistogram(QStringLiteral("expensive_operation")).value("counts").toList().isEmpty());
    }

    void aMillionSpansTakeBoundedMemoryAndKeepTheirPercentiles()
    {
        // A million spans from 10 µs to 10 s (log-uniform, seeded), fed in drain-sized batches.
        // What the state holds for them must not grow with their number, and its percentiles
        // must be the exact nearest-rank ones within the sketch's stated error.
        constexpr std::size_t spans = 1'000'000;
        constexpr std::size_t batch = 1000;
        std::mt19937_64 random(23);
        std::uniform_real_distribution<double> exponent(-2, 4);
        std::vector<double> lengths(spans);
        for (double &length : lengths)
            length = std::pow(10.0, exponent(random));
        std::vector<TraceEvent> events;
        events.reserve(2 * batch);
        PatternState state;
        state.apply({spanEvent(0, 11, TraceKind::SpanBegin)}, s_spanNames); // the family exists

        const std::size_t heapBefore = heapInUse();
        for (std::size_t first = 0; first < spans; first += batch) {
            events.clear();
            for (std::size_t i = first; i < first + batch; ++i) {
                events.push_back(spanEvent(double(i), 11, TraceKind::SpanBegin));
                events.push_back(spanEvent(double(i), 11, TraceKind::SpanEnd, lengths[i]));
            }
            state.apply(events, s_spanNames);
            if (first % (100 * batch) == 0)
                (void)state.spanStats(); // read while it goes, as the page does
        }
        const QVariantMap stats = state.spanStats().at(0).toMap();
        const std::ptrdiff_t heapGrowth = std::ptrdiff_t(heapInUse()) - std::ptrdiff_t(heapBefore);
#ifndef TASKSCOPE_SANITIZED // the sanitizers' allocator is not malloc's
        // Kept durations would take 8 MB (a double each); the sketch's counters 17.5 KB at most.
        QVERIFY2(heapGrowth < 64 * 1024, qPrintable(QStringLiteral("the heap grew by %1 bytes").arg(heapGrowth)));
#else
        Q_UNUSED(heapGrowth);
#endif
        QCOMPARE(stats.value("count").toLongLong(), qlonglong(spans));
        std::sort(lengths.begin(), lengths.end());
        qInfo("1M spans: the heap grew by %td bytes; p50 %.4f ms (exact %.4f), p95 %.4f ms (exact %.4f)", heapGrowth,
              stats.value("p50Ms").toDouble(), lengths[spans / 2 - 1], stats.value("p95Ms").toDouble(),
              lengths[spans * 95 / 100 - 1]);
        auto nearestRank = [&](double fraction) { return lengths[std::size_t(std::ceil(fraction * spans)) - 1]; };
        QCOMPARE(stats.value("minMs").toDouble(), double(std::int64_t(lengths.front() * 1e6)) / 1e6);
        QCOMPARE(stats.value("maxMs").toDouble(), double(std::int64_t(lengths.back() * 1e6)) / 1e6);
        // The events carry whole nanoseconds: the exact values are those, not the doubles.
        auto asTraced = [](double ms) { return double(std::int64_t(ms * 1e6)) / 1e6; };
        QVERIFY2(withinSketchError(stats.value("p50Ms").toDouble(), asTraced(nearestRank(0.50))),
                 qPrintable(QStringLiteral("p50 %1, exact %2").arg(stats.value("p50Ms").toDouble()).arg(nearestRank(0.50))));
        QVERIFY2(withinSketchError(stats.value("p95Ms").toDouble(), asTraced(nearestRank(0.95))),
                 qPrintable(QStringLiteral("p95 %1, exact %2").arg(stats.value("p95Ms").toDouble()).arg(nearestRank(0.95))));
    }

    void spanFamiliesGroupOnlyNumberedNames()
    {
        QCOMPARE(PatternState::spanFamily(QStringLiteral("task-17")), QStringLiteral("task-*"));
        QCOMPARE(PatternState::spanFamily(QStringLiteral("expensive_operation")), QStringLiteral("expensive_operation"));
        QCOMPARE(PatternState::spanFamily(QStringLiteral("-3")), QStringLiteral("-3"));
        QCOMPARE(PatternState::spanFamily(QStringLiteral("http2")), QStringLiteral("http2"));
    }
};

QTEST_MAIN(TestPatternState)
#include "tst_patternstate.moc"
