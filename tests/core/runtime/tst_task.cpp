#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/task.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

Task<int> answer(int &started)
{
    ++started;
    co_return 42;
}

Task<int> doubled(int &started)
{
    co_return 2 * co_await answer(started);
}

Task<int> failing()
{
    co_await sleep(1ms);
    throw std::runtime_error("deliberate failure");
}

Task<QString> catchesInner()
{
    try {
        co_await failing();
    } catch (const std::runtime_error &error) {
        co_return QString::fromUtf8(error.what());
    }
    co_return QString();
}

Task<int> depth(int level)
{
    if (level == 0)
        co_return 0;
    co_return 1 + co_await depth(level - 1);
}

Task<void> recordWorker(std::vector<int> &workers)
{
    workers.push_back(Runtime::current()->currentWorkerIndex());
    co_await sleep(1ms);
    workers.push_back(Runtime::current()->currentWorkerIndex());
}

} // namespace

class TestTask : public QObject
{
    Q_OBJECT

private slots:
    void taskIsLazyUntilAwaited()
    {
        int started = 0;
        Task<int> task = doubled(started);
        QCOMPARE(started, 0);
        Runtime runtime(virtualConfig());
        QCOMPARE(runtime.blockOn(std::move(task)), 84);
        QCOMPARE(started, 1);
    }

    void awaitedTaskRunsInlineInTheSameSpawnedTask()
    {
        Runtime runtime(virtualConfig());
        int started = 0;
        QCOMPARE(runtime.blockOn(doubled(started)), 84);
        // Only the blockOn root was spawned: the inner tasks ran inline.
        QCOMPARE(runtime.tasksSpawned(), 1u);
    }

    void exceptionsPropagateToTheAwaiter()
    {
        Runtime runtime(virtualConfig());
        QCOMPARE(runtime.blockOn(catchesInner()), QStringLiteral("deliberate failure"));
    }

    void blockOnRethrowsTheTasksOwnException()
    {
        Runtime runtime(virtualConfig());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, runtime.blockOn(failing()));
    }

    void nestedAwaitsReturnThroughEveryLevel()
    {
        Runtime runtime(virtualConfig());
        // (Symmetric transfer is a tail call only in optimised GCC builds, so the depth stays
        // modest for the Debug and sanitizer builds.)
        QCOMPARE(runtime.blockOn(depth(1000)), 1000);
    }

    void voidTasksWork()
    {
        Runtime runtime(virtualConfig());
        std::vector<int> workers;
        runtime.blockOn(recordWorker(workers));
        QCOMPARE(workers, (std::vector<int>{0, 0}));
    }

    void destroyingAnUnstartedTaskFreesItsFrame()
    {
        std::atomic<int> live{0};
        {
            auto task = [](std::atomic<int> &count) -> Task<void> {
                LiveCounter counter(count);
                co_return;
            }(live);
            QCOMPARE(live.load(), 0); // lazy: the body (and its counter) never started
        }
        QCOMPARE(live.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTask)
#include "tst_task.moc"
