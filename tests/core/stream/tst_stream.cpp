#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "stream/numberstream.h"
#include "stream/stream.h"
#include "time/sleep.h"
#include "trace/objectnames.h"
#endif

#include <algorithm>
#include <map>
#include <ranges>

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// The items of a stream, collected on a one-worker virtual-clock runtime.
template<typename T>
std::vector<T> collectOn(Runtime &runtime, Stream<T> stream)
{
    return runtime.blockOn(std::move(stream).collect());
}

} // namespace

class TestStream : public QObject
{
    Q_OBJECT

private slots:
    void iterGivesTheItemsInOrderThenEnds()
    {
        Runtime runtime(virtualConfig());
        const auto pulls = runtime.blockOn([]() -> Task<std::vector<std::optional<int>>> {
            Stream<int> stream = iter(std::vector<int>{3, 1, 2});
            std::vector<std::optional<int>> seen;
            for (int pull = 0; pull < 5; ++pull)
                seen.push_back(co_await stream.next());
            co_return seen;
        }());
        QCOMPARE(pulls, (std::vector<std::optional<int>>{3, 1, 2, std::nullopt, std::nullopt}));
    }

    void theSeedPipelineDoublesAndKeepsAboveFive()
    {
        Runtime runtime(virtualConfig());
        const std::vector<int> doubled = collectOn(runtime, iter(std::views::iota(1, 11))
                                                                .map([](int x) { return x * 2; })
                                                                .filter([](int x) { return x > 5; }));
        QCOMPARE(doubled, (std::vector<int>{6, 8, 10, 12, 14, 16, 18, 20}));
    }

    void mapCanChangeTheItemType()
    {
        Runtime runtime(virtualConfig());
        const std::vector<QString> names =
            collectOn(runtime, iter(std::vector<int>{1, 2}).map([](int x) { return QString::number(x * 10); }));
        QCOMPARE(names, (std::vector<QString>{"10", "20"}));
    }

    void filterThatRejectsEverythingGivesAnEmptyResult()
    {
        Runtime runtime(virtualConfig());
        QVERIFY(collectOn(runtime, iter(std::views::iota(0, 1000)).filter([](int) { return false; })).empty());
    }

    void anEmptyStreamEndsAtOnce()
    {
        Runtime runtime(virtualConfig());
        QVERIFY(collectOn(runtime, iter(std::vector<int>{}).map([](int x) { return x + 1; })).empty());
        QVERIFY(collectOn(runtime, Stream<int>()).empty());
    }

    void nothingRunsBeforeTheFirstNext()
    {
        Runtime runtime(virtualConfig());
        int calls = 0;
        const std::vector<int> seen = runtime.blockOn([](int &mapCalls) -> Task<std::vector<int>> {
            Stream<int> stream = iter(std::views::iota(1, 4)).map([&mapCalls](int x) {
                ++mapCalls;
                return x;
            });
            std::vector<int> callsAfter{mapCalls};
            (void)co_await stream.next();
            callsAfter.push_back(mapCalls);
            // An unawaited next() task does nothing either.
            { Task<std::optional<int>> unawaited = stream.next(); }
            callsAfter.push_back(mapCalls);
            co_return callsAfter;
        }(calls));
        QCOMPARE(seen, (std::vector<int>{0, 1, 1}));
    }

    void takeStopsPullingUpstreamAfterN()
    {
        Runtime runtime(virtualConfig());
        int pulled = 0;
        const std::vector<int> firstThree = collectOn(runtime, iter(std::views::iota(0, 100)).map([&pulled](int x) {
            ++pulled;
            return x;
        }).take(3));
        QCOMPARE(firstThree, (std::vector<int>{0, 1, 2}));
        QCOMPARE(pulled, 3);
        QVERIFY(collectOn(runtime, iter(std::views::iota(0, 100)).take(0)).empty());
        QCOMPARE(collectOn(runtime, iter(std::vector<int>{7, 8}).take(5)), (std::vector<int>{7, 8}));
    }

    void thenAwaitsEachItemInTurnOnTheVirtualClock()
    {
        Runtime runtime(virtualConfig());
        const std::vector<int> results = collectOn(runtime, iter(std::views::iota(1, 6)).then([](int x) -> Task<int> {
            co_await sleep(40ms);
            co_return x * x;
        }));
        QCOMPARE(results, (std::vector<int>{1, 4, 9, 16, 25}));
        QCOMPARE(elapsedMs(runtime), 5 * 40);
    }

    void numberStreamCountsFromZeroToMax()
    {
        Runtime runtime(virtualConfig());
        QCOMPARE(collectOn(runtime, Stream<std::size_t>::from<NumberStream>(5)),
                 (std::vector<std::size_t>{0, 1, 2, 3, 4}));
        QVERIFY(collectOn(runtime, Stream<std::size_t>::from<NumberStream>(0)).empty());
        QCOMPARE(collectOn(runtime, Stream<std::size_t>::from<NumberStream>(1000).map([](std::size_t n) {
            return n * 2;
        }).take(2)),
                 (std::vector<std::size_t>{0, 2}));
    }

    void namedStagesCountTheItemsTheyPassOn()
    {
        Runtime runtime(virtualConfig());
        RecordingSink sink;
        runtime.setTraceSink(&sink);
        (void)collectOn(runtime, iter(std::views::iota(1, 11))
                                     .map([](int x) { return x * 2; }, QStringLiteral("map"))
                                     .filter([](int x) { return x > 5; }, QStringLiteral("filter")));
        runtime.setTraceSink(nullptr);
        const ObjectNames names;
        std::map<std::uint64_t, std::vector<std::int64_t>> levels;
        std::map<QString, std::vector<std::int64_t>> lastItems;
        for (const TraceEvent &event : sink.events()) {
            if (event.kind != TraceKind::Counter)
                continue;
            const QString name = names.value(event.object);
            if (name.endsWith(QLatin1String(" last")))
                lastItems[name].push_back(event.value);
            else
                levels[event.object].push_back(event.value);
        }
        // map passes on all ten items, filter the eight above five and drops the other two
        // (its "dropped" counter); each counts up by one.
        QCOMPARE(levels.size(), std::size_t(3));
        // And each records the items themselves: 2, 4, …, 20 mapped; 2 and 4 dropped.
        QCOMPARE(lastItems["stage map last"], (std::vector<std::int64_t>{2, 4, 6, 8, 10, 12, 14, 16, 18, 20}));
        QCOMPARE(lastItems["stage filter last"], (std::vector<std::int64_t>{6, 8, 10, 12, 14, 16, 18, 20}));
        QCOMPARE(lastItems["stage filter dropped last"], (std::vector<std::int64_t>{2, 4}));
        std::vector<std::size_t> totals;
        for (const auto &[object, values] : levels) {
            for (std::size_t index = 0; index < values.size(); ++index)
                QCOMPARE(values[index], std::int64_t(index + 1));
            totals.push_back(values.size());
        }
        std::sort(totals.begin(), totals.end());
        QCOMPARE(totals, (std::vector<std::size_t>{2, 8, 10}));
    }

    void aLongSynchronousStreamDoesNotGrowTheStack()
    {
        Runtime runtime(virtualConfig());
        const std::vector<int> kept = collectOn(runtime, iter(std::views::iota(0, 200000))
                                                             .map([](int x) { return x + 1; })
                                                             .filter([](int x) { return x % 100000 == 0; }));
        QCOMPARE(kept, (std::vector<int>{100000, 200000}));
    }
};

QTEST_GUILESS_MAIN(TestStream)
#include "tst_stream.moc"
