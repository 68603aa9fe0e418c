#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

Task<QString> sleepsThenNames(int i)
{
    co_await sleep(std::chrono::milliseconds(i * 100));
    co_return QStringLiteral("Task %1 completed").arg(i);
}

} // namespace

class TestJoinSet : public QObject
{
    Q_OBJECT

private slots:
    void theSeedExampleCompletesInOrder()
    {
        Runtime runtime(virtualConfig(2));
        const QStringList messages = runtime.blockOn([](Runtime &rt) -> Task<QStringList> {
            JoinSet<QString> set;
            // Spawned in reverse, so completion order is not spawn order.
            for (int i = 4; i >= 0; --i)
                set.spawn(sleepsThenNames(i));
            QStringList out;
            while (auto result = co_await set.joinNext())
                out << QStringLiteral("%1 @%2ms").arg(result->value()).arg(elapsedMs(rt));
            co_return out;
        }(runtime));
        QCOMPARE(messages, QStringList({"Task 0 completed @0ms", "Task 1 completed @100ms", "Task 2 completed @200ms",
                                        "Task 3 completed @300ms", "Task 4 completed @400ms"}));
    }

    void sizeCountsTasksUntilTheyAreJoined()
    {
        Runtime runtime(virtualConfig());
        const QList<int> sizes = runtime.blockOn([]() -> Task<QList<int>> {
            JoinSet<QString> set;
            QList<int> out{int(set.size())};
            set.spawn(sleepsThenNames(1));
            set.spawn(sleepsThenNames(2));
            out << int(set.size());
            co_await sleep(1s); // both finished, neither joined
            out << int(set.size());
            (void)co_await set.joinNext();
            out << int(set.size());
            (void)co_await set.joinNext();
            out << int(set.size()) << int(!(co_await set.joinNext()).has_value());
            co_return out;
        }());
        QCOMPARE(sizes, QList<int>({0, 2, 2, 1, 0, 1}));
    }

    void errorsComeBackAsJoinErrors()
    {
        Runtime runtime(virtualConfig());
        const QStringList outcomes = runtime.blockOn([]() -> Task<QStringList> {
            JoinSet<int> set;
            set.spawn([]() -> Task<int> {
                co_await sleep(10ms);
                throw std::runtime_error("boom");
            }());
            set.spawn([]() -> Task<int> {
                co_await sleep(20ms);
                co_return 5;
            }());
            QStringList out;
            while (auto result = co_await set.joinNext())
                out << (result->isOk() ? QString::number(result->value()) : result->error().message());
            co_return out;
        }());
        QCOMPARE(outcomes, QStringList({"boom", "5"}));
    }

    void abortAllCancelsEveryTask()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        const int cancelled = runtime.blockOn([](std::atomic<int> &count) -> Task<int> {
            JoinSet<void> set;
            for (int i = 0; i < 10; ++i) {
                set.spawn([](std::atomic<int> &c) -> Task<void> {
                    LiveCounter counter(c);
                    co_await sleep(1h);
                }(count));
            }
            co_await sleep(1ms);
            set.abortAll();
            int n = 0;
            while (auto result = co_await set.joinNext())
                n += !result->isOk() && result->error().isCancelled();
            co_return n;
        }(live));
        QCOMPARE(cancelled, 10);
        QCOMPARE(live.load(), 0);
        QCOMPARE(elapsedMs(runtime), 1);
    }

    void destroyingTheSetAbortsItsTasks()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        runtime.blockOn([](std::atomic<int> &count) -> Task<void> {
            {
                JoinSet<void> set;
                for (int i = 0; i < 5; ++i) {
                    set.spawn([](std::atomic<int> &c) -> Task<void> {
                        LiveCounter counter(c);
                        co_await sleep(1h);
                    }(count));
                }
                co_await sleep(1ms);
            }
            co_await sleep(1ms); // the aborted tasks unwind at their next poll
        }(live));
        QCOMPARE(live.load(), 0);
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
    }

    void aSetOnAnExplicitRuntimeWorksFromOutside()
    {
        Runtime runtime(virtualConfig());
        JoinSet<int> set(runtime);
        runtime.pause(); // keep virtual time still while we spawn from outside
        for (int i = 0; i < 3; ++i)
            set.spawn([](int n) -> Task<int> { co_return n * n; }(i));
        runtime.resume();
        const int sum = runtime.blockOn([](JoinSet<int> &s) -> Task<int> {
            int total = 0;
            while (auto result = co_await s.joinNext())
                total += result->value();
            co_return total;
        }(set));
        QCOMPARE(sum, 0 + 1 + 4);
    }
};

QTEST_GUILESS_MAIN(TestJoinSet)
#include "tst_joinset.moc"
