#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "time/sleep.h"
#include "time/timeout.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

// The seed's slow_operation: three seconds of waiting, then a result.
Task<QString> slowOperation(Duration length, std::atomic<int> *live = nullptr)
{
    std::optional<LiveCounter> counter;
    if (live)
        counter.emplace(*live);
    co_await sleep(length);
    co_return QStringLiteral("Done!");
}

// The seed's timeout_example, returning what it would print and when.
Task<QString> timeoutExample(Duration limit, Duration work)
{
    auto result = co_await timeout(limit, slowOperation(work));
    if (result.timedOut())
        co_return QStringLiteral("Operation timed out");
    co_return QStringLiteral("Completed: %1").arg(result.value());
}

} // namespace

class TestTimeout : public QObject
{
    Q_OBJECT

private slots:
    void completesWhenTheWorkFinishesFirst()
    {
        Runtime runtime(virtualConfig());
        QCOMPARE(runtime.blockOn(timeoutExample(5s, 3s)), QStringLiteral("Completed: Done!"));
        QCOMPARE(elapsedMs(runtime), 3000); // the unfired 5 s timer did not hold anything up
    }

    void firesAtExactlyTheLimitOnTheVirtualClock()
    {
        Runtime runtime(virtualConfig());
        QCOMPARE(runtime.blockOn(timeoutExample(2s, 3s)), QStringLiteral("Operation timed out"));
        QCOMPARE(runtime.now().time_since_epoch(), Duration(2s));
    }

    void theCancelledWorkIsUnwound()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        const bool timedOut = runtime.blockOn([](std::atomic<int> &count) -> Task<bool> {
            auto result = co_await timeout(100ms, slowOperation(1h, &count));
            co_return result.timedOut() && result.elapsed().after == Duration(100ms);
        }(live));
        QVERIFY(timedOut);
        QCOMPARE(live.load(), 0);
        QCOMPARE(elapsedMs(runtime), 100);
    }

    void exceptionsOfTheWorkPassThrough()
    {
        Runtime runtime(virtualConfig());
        const QString message = runtime.blockOn([]() -> Task<QString> {
            try {
                co_await timeout(1s, []() -> Task<int> {
                    co_await sleep(10ms);
                    throw std::runtime_error("bad input");
                }());
            } catch (const std::runtime_error &error) {
                co_return QString::fromUtf8(error.what());
            }
            co_return QString();
        }());
        QCOMPARE(message, QStringLiteral("bad input"));
    }

    void nestedTimeoutsEachReportTheirOwnDeadline()
    {
        Runtime runtime(virtualConfig());
        const QString outcome = runtime.blockOn([]() -> Task<QString> {
            // The inner limit is shorter: the inner timeout elapses, the outer completes.
            auto outer = co_await timeout(1s, []() -> Task<QString> {
                auto inner = co_await timeout(200ms, slowOperation(10s));
                co_return inner.timedOut() ? QStringLiteral("inner elapsed") : inner.value();
            }());
            // The outer limit is shorter: the outer one elapses, through the inner one.
            auto outer2 = co_await timeout(300ms, []() -> Task<QString> {
                auto inner = co_await timeout(5s, slowOperation(10s));
                co_return inner.timedOut() ? QStringLiteral("inner elapsed") : inner.value();
            }());
            co_return QStringLiteral("%1 / %2").arg(outer.value(), outer2.timedOut() ? QStringLiteral("outer elapsed")
                                                                                    : outer2.value());
        }());
        QCOMPARE(outcome, QStringLiteral("inner elapsed / outer elapsed"));
        QCOMPARE(elapsedMs(runtime), 500);
    }

    void workThatNeverAwaitsCompletesEvenPastTheDeadline()
    {
        Runtime runtime(virtualConfig());
        const bool completed = runtime.blockOn([]() -> Task<bool> {
            auto result = co_await timeout(10ms, []() -> Task<int> {
                busyFor(50ms); // holds the worker past the deadline without an await
                co_return 7;
            }());
            co_return result.hasValue() && result.value() == 7;
        }());
        QVERIFY(completed);
    }

    void anAbortedTaskInsideATimeoutIsCancelledNotElapsed()
    {
        Runtime runtime(virtualConfig());
        const bool cancelled = runtime.blockOn([]() -> Task<bool> {
            JoinHandle<void> victim = spawn([]() -> Task<void> {
                auto result = co_await timeout(10s, slowOperation(1h));
                (void)result;
            }());
            co_await sleep(1s);
            victim.abort();
            try {
                co_await victim.join();
            } catch (const JoinError &error) {
                co_return error.isCancelled();
            }
            co_return false;
        }());
        QVERIFY(cancelled);
        QCOMPARE(elapsedMs(runtime), 1000);
    }
};

QTEST_GUILESS_MAIN(TestTimeout)
#include "tst_timeout.moc"
