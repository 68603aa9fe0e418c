#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "runtime/select.h"
#include "sync/cancellationtoken.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

Task<void> longRunningWork(std::atomic<int> &live)
{
    LiveCounter counter(live);
    co_await sleep(5s);
}

Task<void> untilCancelled(CancellationToken token)
{
    co_await token.cancelled();
}

// The seed's cancellable_task: work races the child token; the parent cancels after 2 s.
Task<QString> cancellableTask(Duration cancelAfter, std::atomic<int> &live)
{
    CancellationToken token;
    CancellationToken child = token.childToken();
    JoinHandle<QString> task = spawn([](CancellationToken c, std::atomic<int> &l) -> Task<QString> {
        auto winner = co_await select(longRunningWork(l), untilCancelled(c));
        co_return winner.index() == 0 ? QStringLiteral("Work completed") : QStringLiteral("Task was cancelled");
    }(child, live));
    co_await sleep(cancelAfter);
    token.cancel();
    co_return co_await task.join();
}

} // namespace

class TestSelect : public QObject
{
    Q_OBJECT

private slots:
    void cancellationWinsTheSeedsRace()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        QCOMPARE(runtime.blockOn(cancellableTask(2s, live)), QStringLiteral("Task was cancelled"));
        QCOMPARE(elapsedMs(runtime), 2000);
        // The losing work is aborted: it unwinds at its next poll.
        runtime.blockOn([]() -> Task<void> { co_await sleep(1ms); }());
        QCOMPARE(live.load(), 0);
    }

    void workWinsWhenItIsFaster()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        QCOMPARE(runtime.blockOn(cancellableTask(8s, live)), QStringLiteral("Work completed"));
        QCOMPARE(elapsedMs(runtime), 8000);
    }

    void theWinnersValueAndTypeComeThrough()
    {
        Runtime runtime(virtualConfig(2));
        const QString text = runtime.blockOn([]() -> Task<QString> {
            auto result = co_await select(
                []() -> Task<int> {
                    co_await sleep(30ms);
                    co_return 30;
                }(),
                []() -> Task<QString> {
                    co_await sleep(10ms);
                    co_return QStringLiteral("ten");
                }());
            co_return result.index() == 1 ? std::get<1>(result) : QString::number(std::get<0>(result));
        }());
        QCOMPARE(text, QStringLiteral("ten"));
    }

    void aPanickingWinnerThrowsItsJoinError()
    {
        Runtime runtime(virtualConfig());
        const QString message = runtime.blockOn([]() -> Task<QString> {
            try {
                (void)co_await select(
                    []() -> Task<int> {
                        co_await sleep(1ms);
                        throw std::runtime_error("winner failed");
                    }(),
                    []() -> Task<int> {
                        co_await sleep(1s);
                        co_return 1;
                    }());
            } catch (const JoinError &error) {
                co_return error.message();
            }
            co_return QString();
        }());
        QCOMPARE(message, QStringLiteral("winner failed"));
    }

    void abortingTheSelectorAbortsBothChildren()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        runtime.blockOn([](std::atomic<int> &l) -> Task<void> {
            JoinHandle<void> selector = spawn([](std::atomic<int> &count) -> Task<void> {
                (void)co_await select(longRunningWork(count), longRunningWork(count));
            }(l));
            co_await sleep(1s);
            selector.abort();
            co_await sleep(1ms);
        }(live));
        QCOMPARE(live.load(), 0);
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestSelect)
#include "tst_select.moc"
