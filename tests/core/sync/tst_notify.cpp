#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "sync/notify.h"
#include "time/sleep.h"
#include "time/timeout.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

Task<void> waitAndLog(Notify &notify, QStringList &log, QString name, Duration delay)
{
    co_await sleep(delay);
    co_await notify.notified();
    log << name;
}

// Spawns on @p runtime a task that waits for @p notify, and returns once it waits.
JoinHandle<void> spawnWaiter(Runtime &runtime, Notify &notify)
{
    const std::size_t before = notify.waiterCount();
    JoinHandle<void> waiter = runtime.spawn([](Notify &n) -> Task<void> { co_await n.notified(); }(notify));
    runtime.blockOn([](Notify &n, std::size_t count) -> Task<void> {
        while (n.waiterCount() == count)
            co_await sleep(1ms);
    }(notify, before));
    return waiter;
}

// Pauses @p runtime (one worker) from inside a poll, so its worker is held by the time this
// returns: a task woken from now on stays queued and never runs.
void holdTheWorker(Runtime &runtime)
{
    runtime.blockOn([](Runtime &rt) -> Task<void> {
        rt.pause();
        co_return;
    }(runtime));
}

// True when @p waiter finishes within a second of @p runtime's (virtual) time.
bool finishesSoon(Runtime &runtime, JoinHandle<void> &waiter)
{
    return !runtime
                .blockOn(timeout(1s, [](JoinHandle<void> &handle) -> Task<void> { co_await handle.join(); }(waiter)))
                .timedOut();
}

} // namespace

class TestNotify : public QObject
{
    Q_OBJECT

private slots:
    void notifyOneWakesWaitersInFifoOrder()
    {
        Runtime runtime(virtualConfig());
        Notify notify;
        QStringList log;
        runtime.blockOn([](Notify &n, QStringList &out) -> Task<void> {
            std::vector<JoinHandle<void>> waiters;
            waiters.push_back(spawn(waitAndLog(n, out, QStringLiteral("second"), 2ms)));
            waiters.push_back(spawn(waitAndLog(n, out, QStringLiteral("first"), 1ms)));
            waiters.push_back(spawn(waitAndLog(n, out, QStringLiteral("third"), 3ms)));
            co_await sleep(5ms);
            out << QStringLiteral("waiting=%1").arg(n.waiterCount());
            for (int i = 0; i < 3; ++i) {
                n.notifyOne();
                co_await sleep(1ms);
            }
            for (auto &waiter : waiters)
                co_await waiter.join();
        }(notify, log));
        QCOMPARE(log, QStringList({"waiting=3", "first", "second", "third"}));
    }

    void aNotifyWithNobodyWaitingIsStoredOnce()
    {
        Runtime runtime(virtualConfig());
        Notify notify;
        const QString outcome = runtime.blockOn([](Notify &n, Runtime &rt) -> Task<QString> {
            n.notifyOne();
            n.notifyOne(); // permits do not add up
            co_await n.notified(); // consumes the stored permit at once
            JoinHandle<void> late = spawn([](Notify &m) -> Task<void> { co_await m.notified(); }(n));
            co_await sleep(10ms);
            const bool stillWaiting = !late.isFinished();
            n.notifyOne();
            co_await late.join();
            co_return QStringLiteral("%1 at %2").arg(stillWaiting).arg(elapsedMs(rt));
        }(notify, runtime));
        QCOMPARE(outcome, QStringLiteral("1 at 10"));
    }

    void notifyWaitersWakesEveryoneWaitingAndStoresNothing()
    {
        Runtime runtime(virtualConfig());
        Notify notify;
        QStringList log;
        runtime.blockOn([](Notify &n, QStringList &out) -> Task<void> {
            JoinHandle<void> a = spawn(waitAndLog(n, out, QStringLiteral("a"), 0ms));
            JoinHandle<void> b = spawn(waitAndLog(n, out, QStringLiteral("b"), 0ms));
            co_await sleep(1ms);
            n.notifyWaiters();
            co_await a.join();
            co_await b.join();
            JoinHandle<void> c = spawn(waitAndLog(n, out, QStringLiteral("c"), 0ms));
            co_await sleep(1ms);
            out << QStringLiteral("c waiting=%1").arg(!c.isFinished());
            c.abort();
        }(notify, log));
        QCOMPARE(log, QStringList({"a", "b", "c waiting=1"}));
    }

    void aCancelledWaiterLeavesTheQueue()
    {
        Runtime runtime(virtualConfig());
        Notify notify;
        QStringList log;
        runtime.blockOn([](Notify &n, QStringList &out) -> Task<void> {
            JoinHandle<void> doomed = spawn(waitAndLog(n, out, QStringLiteral("doomed"), 0ms));
            JoinHandle<void> next = spawn(waitAndLog(n, out, QStringLiteral("next"), 1ms));
            co_await sleep(2ms);
            doomed.abort();
            try {
                co_await doomed.join();
            } catch (const JoinError &) {
            }
            out << QStringLiteral("waiting=%1").arg(n.waiterCount());
            n.notifyOne(); // goes to `next`, not to the cancelled waiter
            co_await next.join();
        }(notify, log));
        QCOMPARE(log, QStringList({"waiting=1", "next"}));
    }

    void aWaitLoopThatAlwaysFindsAPermitStillLetsItsWorkersOtherTasksRun()
    {
        // One worker; each wait finds the permit stored just before it. Without the
        // cooperative budget the loop would run 1000 times in one poll.
        Runtime runtime(virtualConfig(1));
        Notify notify;
        auto woken = std::make_shared<int>(0);
        const int neighbourSawAt = runtime.blockOn(stepsBeforeTheNeighbourRan(
            [](Notify &m, std::shared_ptr<int> c) -> Task<void> {
                for (int i = 0; i < 1000; ++i) {
                    m.notifyOne();
                    co_await m.notified();
                    ++*c;
                }
            }(notify, woken),
            woken));
        QCOMPARE(*woken, 1000);
        QCOMPARE(neighbourSawAt, int(detail::TaskHeader::coopBudgetPerPoll));
    }

    void aNotificationPickedForAWaiterDestroyedBeforeItRanGoesToTheNextWaiter()
    {
        // The two waiters live on two runtimes, so that the first one's frame can be destroyed
        // (its runtime shut down) while the second one still waits.
        Notify notify;
        Runtime survivor(virtualConfig());
        JoinHandle<void> next;
        {
            Runtime doomed(virtualConfig());
            JoinHandle<void> picked = spawnWaiter(doomed, notify);
            next = spawnWaiter(survivor, notify);
            holdTheWorker(doomed); // `picked` is woken but never runs
            notify.notifyOne();
            QCOMPARE(notify.waiterCount(), std::size_t(1));
        }
        QVERIFY(finishesSoon(survivor, next));
    }

    void aNotificationPickedForAWaiterDestroyedBeforeItRanIsStoredWhenNobodyElseWaits()
    {
        Notify notify;
        {
            Runtime doomed(virtualConfig());
            JoinHandle<void> picked = spawnWaiter(doomed, notify);
            holdTheWorker(doomed);
            notify.notifyOne();
        }
        Runtime later(virtualConfig());
        JoinHandle<void> waiter = later.spawn([](Notify &n) -> Task<void> { co_await n.notified(); }(notify));
        QVERIFY(finishesSoon(later, waiter));
    }

    void aNotifyWaitersWakeIsNotPassedOnByAWaiterDestroyedBeforeItRan()
    {
        // notifyWaiters() stores nothing, so a dying waiter has nothing to pass on (as in Tokio).
        Notify notify;
        {
            Runtime doomed(virtualConfig());
            JoinHandle<void> woken = spawnWaiter(doomed, notify);
            holdTheWorker(doomed);
            notify.notifyWaiters();
        }
        Runtime later(virtualConfig());
        JoinHandle<void> waiter = later.spawn([](Notify &n) -> Task<void> { co_await n.notified(); }(notify));
        QVERIFY(!finishesSoon(later, waiter));
    }

    void aPermitTakenBeforeTheBudgetYieldIsNotLostToACancellation()
    {
        // Like a waiter that notifyOne() had picked: the wait completes, and the cancellation
        // applies at the task's next await.
        Runtime runtime(virtualConfig(1));
        Notify notify;
        auto woken = std::make_shared<int>(0);
        const bool cancelled = runtime.blockOn([](Notify &n, std::shared_ptr<int> count) -> Task<bool> {
            JoinHandle<void> looper = spawn([](Notify &m, std::shared_ptr<int> c) -> Task<void> {
                for (int i = 0; i <= int(detail::TaskHeader::coopBudgetPerPoll); ++i) {
                    m.notifyOne();
                    co_await m.notified(); // the last one yields holding its permit
                    ++*c;
                }
                co_await sleep(1ms); // the next await: the cancellation lands here
                ++*c;
            }(n, count));
            co_return co_await abortFromBehind(looper);
        }(notify, woken));
        QVERIFY(cancelled);
        QCOMPARE(*woken, int(detail::TaskHeader::coopBudgetPerPoll) + 1);
    }
};

QTEST_GUILESS_MAIN(TestNotify)
#include "tst_notify.moc"
