#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "stream/futuresunordered.h"
#include "sync/oneshot.h"
#include "time/sleep.h"
#include "time/timeout.h"
#endif

#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

using namespace taskscope;
using namespace taskscope::test;

namespace {

Task<int> sleepThenGive(int ms)
{
    co_await sleep(std::chrono::milliseconds(ms));
    co_return ms;
}

/// Sets its flag when destroyed: tells whether a child's frame has unwound.
struct Unwound
{
    std::shared_ptr<std::atomic<int>> count;
    ~Unwound() { count->fetch_add(1); }
};

Task<int> sleepCountingUnwind(int ms, std::shared_ptr<std::atomic<int>> unwound,
                              std::shared_ptr<std::atomic<int>> finished)
{
    const Unwound guard{std::move(unwound)};
    co_await sleep(std::chrono::milliseconds(ms));
    finished->fetch_add(1);
    co_return ms;
}

Task<int> throwAfter(int ms)
{
    co_await sleep(std::chrono::milliseconds(ms));
    throw std::runtime_error("child failed");
}

Task<std::vector<int>> collectAll(std::vector<int> delays)
{
    FuturesUnordered<int> set;
    for (int ms : delays)
        set.push(sleepThenGive(ms));
    std::vector<int> results;
    while (std::optional<int> result = co_await set.next())
        results.push_back(*result);
    co_return results;
}

Task<int> receive(oneshot::Receiver<int> answer)
{
    const std::optional<int> value = co_await answer;
    co_return value.value_or(-1);
}

Task<void> sendLater(oneshot::Sender<int> reply, int value)
{
    co_await sleep(std::chrono::microseconds(value % 7));
    (void)reply.send(value);
}

} // namespace

class TestFuturesUnordered : public QObject
{
    Q_OBJECT

private slots:
    void resultsComeInCompletionOrderAndTheWaitsOverlap()
    {
        Runtime runtime(virtualConfig());
        const std::vector<int> results = runtime.blockOn(collectAll({300, 100, 200}));
        QCOMPARE(results, (std::vector<int>{100, 200, 300}));
        // Three sleeps in one task, at once: the longest, not the sum.
        QCOMPARE(elapsedMs(runtime), 300);
    }

    void theChildrenAreNotTasksOfTheirOwn()
    {
        Runtime runtime(virtualConfig(2));
        const std::uint64_t before = runtime.tasksSpawned();
        const std::vector<int> results = runtime.blockOn(collectAll({30, 20, 10, 40}));
        QCOMPARE(results.size(), std::size_t(4));
        // Only blockOn's own task: the four children ran inside it.
        QCOMPARE(runtime.tasksSpawned() - before, std::uint64_t(1));
    }

    void anEmptySetEndsAtOnce()
    {
        Runtime runtime(virtualConfig());
        QVERIFY(runtime.blockOn(collectAll({})).empty());
    }

    void aChildThatThrowsMakesNextRethrow()
    {
        Runtime runtime(virtualConfig());
        auto unwound = std::make_shared<std::atomic<int>>(0);
        auto finished = std::make_shared<std::atomic<int>>(0);
        const QString caught = runtime.blockOn([](auto unwound, auto finished) -> Task<QString> {
            QString message;
            try {
                FuturesUnordered<int> set;
                set.push(sleepCountingUnwind(500, unwound, finished));
                set.push(throwAfter(100));
                while (co_await set.next()) {
                }
            } catch (const std::runtime_error &error) {
                message = QString::fromUtf8(error.what());
            }
            co_return message;
        }(unwound, finished));
        QCOMPARE(caught, QStringLiteral("child failed"));
        // The other child was aborted when the set went with the exception, not run on.
        QCOMPARE(unwound->load(), 1);
        QCOMPARE(finished->load(), 0);
        QCOMPARE(elapsedMs(runtime), 100);
    }

    void droppingTheSetUnwindsTheChildrenStillRunning()
    {
        Runtime runtime(virtualConfig());
        auto unwound = std::make_shared<std::atomic<int>>(0);
        auto finished = std::make_shared<std::atomic<int>>(0);
        const int first = runtime.blockOn([](auto unwound, auto finished) -> Task<int> {
            FuturesUnordered<int> set;
            for (int ms : {100, 200, 300})
                set.push(sleepCountingUnwind(ms, unwound, finished));
            // Nothing has run yet: the children start in next().
            const std::optional<int> result = co_await set.next();
            co_return result.value_or(-1);
        }(unwound, finished));
        QCOMPARE(first, 100);
        QCOMPARE(unwound->load(), 3);
        QCOMPARE(finished->load(), 1);
        // The aborted sleeps left no timer behind to wait for.
        runtime.blockOn(sleepThenGive(1000));
        QCOMPARE(finished->load(), 1);
    }

    void aTimeoutAroundNextLeavesTheSetWhole()
    {
        Runtime runtime(virtualConfig());
        const auto seen = runtime.blockOn([]() -> Task<std::vector<int>> {
            FuturesUnordered<int> set;
            set.push(sleepThenGive(100));
            set.push(sleepThenGive(300));
            std::vector<int> seen;
            for (;;) {
                auto result = co_await timeout(150ms, set.next());
                if (result.timedOut()) {
                    seen.push_back(-1);
                    continue;
                }
                if (!result.value())
                    break;
                seen.push_back(*result.value());
            }
            co_return seen;
        }());
        // 100 at 100 ms; the wait for 300 times out once at 250 ms; 300 then arrives at 300 ms.
        QCOMPARE(seen, (std::vector<int>{100, -1, 300}));
        QCOMPARE(elapsedMs(runtime), 300);
    }

    void wakesFromOtherWorkersReachTheChildren()
    {
        // Real threads: each child waits for a value that a task on any worker sends.
        Runtime runtime(realConfig(2));
        constexpr int children = 500;
        const long long sum = runtime.blockOn([]() -> Task<long long> {
            FuturesUnordered<int> set;
            std::vector<JoinHandle<void>> senders;
            for (int index = 0; index < children; ++index) {
                auto [reply, answer] = oneshot::channel<int>();
                set.push(receive(std::move(answer)));
                senders.push_back(spawn(sendLater(std::move(reply), index)));
            }
            long long total = 0;
            int received = 0;
            while (std::optional<int> value = co_await set.next()) {
                total += *value;
                ++received;
            }
            for (JoinHandle<void> &sender : senders)
                co_await sender;
            co_return received == children ? total : -1;
        }());
        QCOMPARE(sum, (long long)children * (children - 1) / 2);
    }

    void aChildThatKeepsYieldingLetsTheWorkersOtherTasksRun()
    {
        // One worker: the set must give the worker back while a child keeps waking itself.
        Runtime runtime(virtualConfig());
        const int neighbourSawSteps = runtime.blockOn([]() -> Task<int> {
            auto steps = std::make_shared<std::atomic<int>>(0);
            FuturesUnordered<int> set;
            set.push([](std::shared_ptr<std::atomic<int>> steps) -> Task<int> {
                for (int step = 0; step < 1000; ++step) {
                    steps->fetch_add(1);
                    co_await yieldNow();
                }
                co_return 0;
            }(steps));
            JoinHandle<int> neighbour = spawn([](std::shared_ptr<std::atomic<int>> steps) -> Task<int> {
                co_return steps->load();
            }(steps));
            while (co_await set.next()) {
            }
            co_return co_await neighbour;
        }());
        QVERIFY2(neighbourSawSteps < 1000, qPrintable(QString::number(neighbourSawSteps)));
    }

    void aRuntimeShutdownWithChildrenWaitingFreesThem()
    {
        auto unwound = std::make_shared<std::atomic<int>>(0);
        auto finished = std::make_shared<std::atomic<int>>(0);
        {
            Runtime runtime(realConfig(1));
            auto [reply, started] = oneshot::channel<int>();
            JoinHandle<void> owner = runtime.spawn([](auto unwound, auto finished, oneshot::Sender<int> reply) -> Task<void> {
                FuturesUnordered<int> set;
                set.push(sleepCountingUnwind(3'600'000, unwound, finished));
                set.push([](oneshot::Sender<int> reply) -> Task<int> {
                    (void)reply.send(1);
                    co_return 1;
                }(std::move(reply)));
                while (co_await set.next()) {
                }
            }(unwound, finished, std::move(reply)));
            QCOMPARE(runtime.blockOn(receive(std::move(started))), 1);
        }
        // The runtime went with the owner waiting in next(): the child's frame went too.
        QCOMPARE(unwound->load(), 1);
        QCOMPARE(finished->load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestFuturesUnordered)
#include "tst_futuresunordered.moc"
