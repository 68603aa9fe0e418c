// Stress: 100k tasks with random sleeps, yields, aborts and throws on 4 workers.
// Also built and run under ThreadSanitizer (make test-tsan).

#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "time/sleep.h"

#include <random>
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

enum class Plan { Finish, Throw, Abort };

Task<int> worker(int index, Plan plan, std::uint64_t seed, std::atomic<int> &live)
{
    LiveCounter counter(live);
    std::mt19937 random{std::uint32_t(seed)};
    const int steps = 1 + int(random() % 4);
    for (int step = 0; step < steps; ++step) {
        if (random() % 2)
            co_await sleep(std::chrono::microseconds(random() % 2000));
        else
            co_await yieldNow();
    }
    if (plan == Plan::Throw)
        throw std::runtime_error("planned failure " + std::to_string(index));
    if (plan == Plan::Abort)
        co_await sleep(1h); // waits to be aborted
    co_return index;
}

constexpr int taskCount()
{
    return 100000;
}

} // namespace

class TestRuntimeStress : public QObject
{
    Q_OBJECT

private slots:
    void hundredThousandTasksWithSleepsYieldsAbortsAndThrows()
    {
        const int count = taskCount();
        RuntimeConfig config;
        config.workerThreads = 4;
        config.threadName = QStringLiteral("stress");
        std::atomic<int> live{0};
        std::mt19937_64 random(20261126);
        std::vector<Plan> plans(std::size_t(count), Plan::Finish);
        for (Plan &plan : plans) {
            const auto roll = random() % 10;
            plan = roll == 0 ? Plan::Throw : roll == 1 ? Plan::Abort : Plan::Finish;
        }
        std::vector<JoinHandle<int>> handles;
        handles.reserve(std::size_t(count));
        {
            Runtime runtime(config);
            for (int i = 0; i < count; ++i)
                handles.push_back(runtime.spawn(worker(i, plans[std::size_t(i)], random(), live)));
            // Abort the planned ones from another task, while everything runs.
            runtime.blockOn([](std::vector<JoinHandle<int>> &all, const std::vector<Plan> &plan) -> Task<void> {
                for (std::size_t i = 0; i < all.size(); ++i) {
                    if (plan[i] == Plan::Abort)
                        all[i].abort();
                    if (i % 1000 == 0)
                        co_await yieldNow();
                }
                co_return;
            }(handles, plans));
            // Wait for all of them through one joining task per 1000 handles.
            runtime.blockOn([](std::vector<JoinHandle<int>> &all) -> Task<void> {
                JoinSet<void> joiners;
                for (std::size_t start = 0; start < all.size(); start += 1000) {
                    joiners.spawn([](std::vector<JoinHandle<int>> &a, std::size_t from) -> Task<void> {
                        for (std::size_t i = from; i < std::min(a.size(), from + 1000); ++i) {
                            try {
                                co_await a[i].join();
                            } catch (const JoinError &) {
                            }
                        }
                    }(all, start));
                }
                while (auto result = co_await joiners.joinNext())
                    result->value();
            }(handles));
            QCOMPARE(runtime.liveTasks(), std::size_t(0));
            std::uint64_t polls = 0;
            for (const auto &stats : runtime.workerStats())
                polls += stats.polls;
            QVERIFY(polls >= std::uint64_t(count));
        }
        QCOMPARE(live.load(), 0);
        int finished = 0, panicked = 0, cancelled = 0;
        for (int i = 0; i < count; ++i) {
            JoinResult<int> result = handles[std::size_t(i)].result();
            switch (plans[std::size_t(i)]) {
            case Plan::Finish:
                QVERIFY(result.isOk());
                QCOMPARE(result.value(), i);
                ++finished;
                break;
            case Plan::Throw:
                QVERIFY(!result.isOk() && result.error().isPanicked());
                QCOMPARE(result.error().message(), QStringLiteral("planned failure %1").arg(i));
                ++panicked;
                break;
            case Plan::Abort:
                QVERIFY(!result.isOk() && result.error().isCancelled());
                ++cancelled;
                break;
            }
        }
        QCOMPARE(finished + panicked + cancelled, count);
        QVERIFY(panicked > 0 && cancelled > 0);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeStress)
#include "tst_runtime_stress.moc"
