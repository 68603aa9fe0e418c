#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "sync/cancellationtoken.h"
#include "sync/withcancellation.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

class TestCancellationToken : public QObject
{
    Q_OBJECT

private slots:
    void cancelReachesChildrenAndGrandchildrenButNotParents()
    {
        CancellationToken root;
        CancellationToken child = root.childToken();
        CancellationToken grandchild = child.childToken();
        CancellationToken sibling = root.childToken();
        child.cancel();
        QVERIFY(child.isCancelled());
        QVERIFY(grandchild.isCancelled());
        QVERIFY(!root.isCancelled());
        QVERIFY(!sibling.isCancelled());
        root.cancel();
        QVERIFY(sibling.isCancelled());
    }

    void aChildOfACancelledTokenStartsCancelled()
    {
        CancellationToken root;
        root.cancel();
        QVERIFY(root.childToken().isCancelled());
    }

    void copiesShareOneState()
    {
        CancellationToken token;
        CancellationToken copy = token;
        QVERIFY(copy == token);
        copy.cancel();
        QVERIFY(token.isCancelled());
        QVERIFY(!(token.childToken() == token));
    }

    void callbacksRunOnceAndCanBeUnregistered()
    {
        CancellationToken token;
        int calls = 0;
        auto kept = token.onCancel([&] { ++calls; });
        {
            auto dropped = token.onCancel([&] { calls += 100; });
        }
        token.cancel();
        token.cancel();
        QCOMPARE(calls, 1);
        auto late = token.onCancel([&] { calls += 10; }); // already cancelled: runs at once
        QCOMPARE(calls, 11);
    }

    void dropGuardCancelsUnlessDisarmed()
    {
        CancellationToken a;
        CancellationToken b;
        {
            auto guard = a.dropGuard();
            auto other = b.dropGuard();
            CancellationToken back = other.disarm();
            QVERIFY(back == b);
        }
        QVERIFY(a.isCancelled());
        QVERIFY(!b.isCancelled());
    }

    void cancelledCompletesWhenAnotherTaskCancels()
    {
        Runtime runtime(virtualConfig());
        CancellationToken token;
        const long long at = runtime.blockOn([](CancellationToken t, Runtime &rt) -> Task<long long> {
            JoinHandle<void> canceller = spawn([](CancellationToken c) -> Task<void> {
                co_await sleep(750ms);
                c.cancel();
            }(t));
            co_await t.childToken().cancelled();
            co_await canceller.join();
            co_return elapsedMs(rt);
        }(token, runtime));
        QCOMPARE(at, 750);
    }

    void cancelFromAnotherThreadWakesTheWaiter()
    {
        RuntimeConfig config;
        config.workerThreads = 2;
        Runtime runtime(config);
        CancellationToken token;
        JoinHandle<int> waiter = runtime.spawn([](CancellationToken t) -> Task<int> {
            co_await t.cancelled();
            co_return 1;
        }(token));
        token.cancel(); // from the test thread, whether or not the waiter is suspended yet
        QCOMPARE(runtime.blockOn([](JoinHandle<int> &h) -> Task<int> { co_return co_await h.join(); }(waiter)), 1);
    }

    void withCancellationStopsTheWorkAtItsAwait()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        const QString outcome = runtime.blockOn([](std::atomic<int> &count) -> Task<QString> {
            CancellationToken token;
            JoinHandle<void> canceller = spawn([](CancellationToken c) -> Task<void> {
                co_await sleep(2s);
                c.cancel();
            }(token));
            auto result = co_await withCancellation(token, [](std::atomic<int> &c) -> Task<int> {
                LiveCounter counter(c);
                co_await sleep(5s);
                co_return 1;
            }(count));
            co_await canceller.join();
            co_return result ? QStringLiteral("finished") : QStringLiteral("cancelled");
        }(live));
        QCOMPARE(outcome, QStringLiteral("cancelled"));
        QCOMPARE(live.load(), 0);
        QCOMPARE(elapsedMs(runtime), 2000);
    }

    void withCancellationGivesTheValueWhenNotCancelled()
    {
        Runtime runtime(virtualConfig());
        const int value = runtime.blockOn([]() -> Task<int> {
            CancellationToken token;
            auto result = co_await withCancellation(token, []() -> Task<int> {
                co_await sleep(1s);
                co_return 9;
            }());
            token.cancel(); // after the scope: no effect on what follows
            co_await sleep(1ms);
            co_return result.value_or(-1);
        }());
        QCOMPARE(value, 9);
    }

    void anAlreadyCancelledTokenCancelsAtTheFirstAwait()
    {
        Runtime runtime(virtualConfig());
        const bool cancelled = runtime.blockOn([]() -> Task<bool> {
            CancellationToken token;
            token.cancel();
            auto result = co_await withCancellation(token, []() -> Task<int> {
                co_await sleep(1s);
                co_return 1;
            }());
            co_return !result.has_value();
        }());
        QVERIFY(cancelled);
        QCOMPARE(elapsedMs(runtime), 0);
    }
};

QTEST_GUILESS_MAIN(TestCancellationToken)
#include "tst_cancellationtoken.moc"
