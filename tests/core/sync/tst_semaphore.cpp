#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/joinerror.h"
#include "runtime/runtime.h"
#include "sync/semaphore.h"
#include "time/sleep.h"

#include <atomic>
#include <thread>
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

// Spins until @p turn reads @p value. Relaxed on purpose: the tests that take turns this way
// must not give ThreadSanitizer a happens-before edge of their own.
void waitForTurn(const std::atomic<int> &turn, int value)
{
    while (turn.load(std::memory_order_relaxed) != value)
        std::this_thread::yield();
}

// Lives in a frame; when the frame is destroyed, gives another thread its turn (1) and waits
// until that thread is done (2).
struct TurnOnDestroy
{
    std::atomic<int> &turn;
    ~TurnOnDestroy()
    {
        turn.store(1, std::memory_order_relaxed);
        waitForTurn(turn, 2);
    }
};

// Waits (after `delay`) for `n` permits, holds them for `hold`, and logs when it got them.
Task<void> acquirer(Semaphore &semaphore, QStringList &log, QString name, std::size_t n, Duration delay,
                    Duration hold)
{
    co_await sleep(delay);
    SemaphorePermit permit = co_await semaphore.acquire(n);
    log << name;
    co_await sleep(hold);
}

} // namespace

class TestSemaphore : public QObject
{
    Q_OBJECT

private slots:
    void acquirersAreServedInTheOrderTheyBeganToWait()
    {
        Runtime runtime(virtualConfig());
        Semaphore semaphore(1);
        QStringList order;
        runtime.blockOn([](Semaphore &s, QStringList &log) -> Task<void> {
            std::vector<JoinHandle<void>> tasks;
            // Spawned in reverse, queued by start delay: d (0 ms) holds it, then c, b, a wait.
            tasks.push_back(spawn(acquirer(s, log, QStringLiteral("a"), 1, 3ms, 1ms)));
            tasks.push_back(spawn(acquirer(s, log, QStringLiteral("b"), 1, 2ms, 1ms)));
            tasks.push_back(spawn(acquirer(s, log, QStringLiteral("c"), 1, 1ms, 1ms)));
            tasks.push_back(spawn(acquirer(s, log, QStringLiteral("d"), 1, 0ms, 10ms)));
            for (auto &task : tasks)
                co_await task.join();
        }(semaphore, order));
        QCOMPARE(order, QStringList({"d", "c", "b", "a"}));
        QCOMPARE(semaphore.availablePermits(), std::size_t(1));
    }

    void aLargeRequestAtTheHeadBlocksSmallerOnesBehindIt()
    {
        Runtime runtime(virtualConfig());
        Semaphore semaphore(3);
        QStringList order;
        runtime.blockOn([](Semaphore &s, QStringList &log) -> Task<void> {
            JoinHandle<void> holder = spawn(acquirer(s, log, QStringLiteral("holder"), 2, 0ms, 10ms));
            JoinHandle<void> big = spawn(acquirer(s, log, QStringLiteral("big"), 3, 1ms, 1ms));
            // One permit is free, but `small` queues behind `big` instead of taking it.
            JoinHandle<void> small = spawn(acquirer(s, log, QStringLiteral("small"), 1, 2ms, 1ms));
            co_await sleep(5ms);
            log << QStringLiteral("waiters=%1 free=%2").arg(s.waiterCount()).arg(s.availablePermits());
            co_await holder.join();
            co_await big.join();
            co_await small.join();
        }(semaphore, order));
        // The head got the free permit as a partial assignment, so none shows as free.
        QCOMPARE(order, QStringList({"holder", "waiters=2 free=0", "big", "small"}));
    }

    void aCancelledAcquireLeavesTheQueueHoldingNothing()
    {
        Runtime runtime(virtualConfig());
        Semaphore semaphore(2);
        QStringList order;
        runtime.blockOn([](Semaphore &s, QStringList &log) -> Task<void> {
            JoinHandle<void> holder = spawn(acquirer(s, log, QStringLiteral("holder"), 1, 0ms, 10ms));
            // `big` wants 2: it takes the one free permit as a partial assignment and waits.
            JoinHandle<void> big = spawn(acquirer(s, log, QStringLiteral("big"), 2, 1ms, 1ms));
            JoinHandle<void> next = spawn(acquirer(s, log, QStringLiteral("next"), 1, 2ms, 1ms));
            co_await sleep(3ms);
            big.abort();
            try {
                co_await big.join();
            } catch (const JoinError &) {
                log << QStringLiteral("big cancelled");
            }
            co_await next.join(); // got the permit big gave back, before holder finished
            log << QStringLiteral("free=%1").arg(s.availablePermits());
            co_await holder.join();
        }(semaphore, order));
        // `next` runs as soon as big gives its permit back, before the joining task hears of it.
        QCOMPARE(order, QStringList({"holder", "next", "big cancelled", "free=1"}));
        QCOMPARE(semaphore.availablePermits(), std::size_t(2));
        QCOMPARE(semaphore.waiterCount(), std::size_t(0));
    }

    void tryAcquireRespectsTheQueue()
    {
        Runtime runtime(virtualConfig());
        Semaphore semaphore(1);
        const QList<bool> results = runtime.blockOn([](Semaphore &s) -> Task<QList<bool>> {
            QList<bool> out;
            std::optional<SemaphorePermit> first = s.tryAcquire();
            out << first.has_value() << s.tryAcquire().has_value();
            JoinHandle<void> waiter = spawn([](Semaphore &sem) -> Task<void> {
                SemaphorePermit permit = co_await sem.acquire();
            }(s));
            co_await sleep(1ms);
            first.reset(); // released: goes to the waiter, not to tryAcquire
            out << s.tryAcquire().has_value();
            co_await waiter.join();
            out << s.tryAcquire().has_value();
            co_return out;
        }(semaphore));
        QCOMPARE(results, QList<bool>({true, false, false, true}));
    }

    void closeFailsWaitingAndFutureAcquires()
    {
        Runtime runtime(virtualConfig());
        Semaphore semaphore(0);
        const int closedCount = runtime.blockOn([](Semaphore &s) -> Task<int> {
            auto tryIt = [](Semaphore &sem) -> Task<bool> {
                try {
                    SemaphorePermit permit = co_await sem.acquire();
                } catch (const SemaphoreClosed &) {
                    co_return true;
                }
                co_return false;
            };
            JoinHandle<bool> waiting = spawn(tryIt(s));
            co_await sleep(1ms);
            s.close();
            int closed = co_await waiting.join();
            closed += co_await tryIt(s);
            co_return closed;
        }(semaphore));
        QCOMPARE(closedCount, 2);
        QVERIFY(semaphore.isClosed());
    }

    void addPermitsServesWaitersAndOwnedPermitsMoveAcrossTasks()
    {
        Runtime runtime(virtualConfig(2));
        auto semaphore = std::make_shared<Semaphore>(0, QStringLiteral("pool"));
        const std::size_t freeAfter = runtime.blockOn([](std::shared_ptr<Semaphore> s) -> Task<std::size_t> {
            JoinHandle<OwnedSemaphorePermit> taker = spawn([](Semaphore &sem) -> Task<OwnedSemaphorePermit> {
                co_return co_await sem.acquireOwned(2);
            }(*s));
            co_await sleep(1ms);
            s->addPermits(3);
            OwnedSemaphorePermit permit = co_await taker.join(); // moved out of another task
            const std::size_t held = permit.count();
            const std::size_t freeWhileHeld = s->availablePermits();
            permit.release();
            co_return held * 100 + freeWhileHeld * 10 + s->availablePermits();
        }(semaphore));
        QCOMPARE(freeAfter, std::size_t(2 * 100 + 1 * 10 + 3));
        QCOMPARE(semaphore->name(), QStringLiteral("pool"));
    }

    void acquireOfZeroPermitsIsRejected()
    {
        Semaphore semaphore(1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)semaphore.acquire(0));
    }

    void anAcquireLoopThatNeverWaitsStillLetsItsWorkersOtherTasksRun()
    {
        // One worker, permits always free: without the cooperative budget the loop would take
        // and give back a permit 1000 times in one poll and the neighbour would run last.
        Runtime runtime(virtualConfig(1));
        Semaphore semaphore(1);
        auto taken = std::make_shared<int>(0);
        const int neighbourSawAt = runtime.blockOn(stepsBeforeTheNeighbourRan(
            [](Semaphore &sem, std::shared_ptr<int> n) -> Task<void> {
                for (int i = 0; i < 1000; ++i) {
                    SemaphorePermit permit = co_await sem.acquire();
                    ++*n;
                }
            }(semaphore, taken),
            taken));
        QCOMPARE(*taken, 1000);
        QCOMPARE(neighbourSawAt, int(detail::TaskHeader::coopBudgetPerPoll));
        QCOMPARE(semaphore.availablePermits(), std::size_t(1)); // every permit came back
    }

    void aTaskCancelledDuringTheBudgetYieldGivesItsPermitsBack()
    {
        Runtime runtime(virtualConfig(1));
        Semaphore semaphore(2);
        auto count = std::make_shared<int>(0);
        const bool cancelled = runtime.blockOn([](Semaphore &s, std::shared_ptr<int> steps) -> Task<bool> {
            JoinHandle<void> looper = spawn([](Semaphore &sem, std::shared_ptr<int> n) -> Task<void> {
                for (;;) {
                    SemaphorePermit permit = co_await sem.acquire();
                    ++*n; // the 129th acquire yields holding its permit
                }
            }(s, steps));
            co_return co_await abortFromBehind(looper);
        }(semaphore, count));
        QVERIFY(cancelled);
        QCOMPARE(*count, int(detail::TaskHeader::coopBudgetPerPoll));
        QCOMPARE(semaphore.availablePermits(), std::size_t(2));
    }

    void aServedWaiterDestroyedBeforeItRanGivesItsPermitsBack()
    {
        Semaphore semaphore(1);
        {
            Runtime runtime(virtualConfig());
            runtime.blockOn([](Semaphore &s, Runtime &rt) -> Task<void> {
                SemaphorePermit held = co_await s.acquire();
                JoinHandle<void> waiter = spawn([](Semaphore &sem) -> Task<void> {
                    SemaphorePermit permit = co_await sem.acquire();
                }(s));
                co_await sleep(1ms); // the waiter queues
                rt.pause(); // the worker stops after this poll: the waiter is woken but never runs
                held.release();
            }(semaphore, runtime));
            QCOMPARE(semaphore.availablePermits(), std::size_t(0)); // handed to the waiter
            QCOMPARE(semaphore.waiterCount(), std::size_t(0));
        } // shutdown destroys the waiter's frame
        QCOMPARE(semaphore.availablePermits(), std::size_t(1));
    }

    void aWaiterServedOnAnotherThreadWhileShutdownDestroysItRacesWithNothing()
    {
        // Under ThreadSanitizer this is the data-race test: the waiter's frame is destroyed on
        // this thread right after another thread served it, and the two are ordered only by
        // the semaphore's lock (the turns are relaxed), so reading the waiter's state outside
        // the lock is reported. In every build, the permit must come back.
        Semaphore semaphore(0);
        Semaphore never(0);
        std::atomic<int> turn{0};
        std::thread server([&] {
            waitForTurn(turn, 1);
            semaphore.addPermits(1);
            turn.store(2, std::memory_order_relaxed);
        });
        {
            Runtime runtime(virtualConfig());
            runtime.blockOn([](Semaphore &s, Semaphore &nobody, std::atomic<int> &t) -> Task<void> {
                // Spawned first, so the shutdown sweep destroys it first and lets the server in.
                JoinHandle<void> holder = spawn([](Semaphore &sem, std::atomic<int> &turns) -> Task<void> {
                    TurnOnDestroy handOver{turns};
                    SemaphorePermit permit = co_await sem.acquire();
                }(nobody, t));
                JoinHandle<void> waiter = spawn([](Semaphore &sem) -> Task<void> {
                    SemaphorePermit permit = co_await sem.acquire();
                }(s));
                while (s.waiterCount() == 0 || nobody.waiterCount() == 0)
                    co_await sleep(1ms);
            }(semaphore, never, turn));
        }
        server.join();
        QCOMPARE(turn.load(), 2);
        QCOMPARE(semaphore.availablePermits(), std::size_t(1));
        QCOMPARE(semaphore.waiterCount(), std::size_t(0));
    }

    void eventsAreTraced()
    {
        Runtime runtime(virtualConfig());
        RecordingSink sink;
        runtime.setTraceSink(&sink);
        Semaphore semaphore(1);
        runtime.blockOn([](Semaphore &s) -> Task<void> {
            SemaphorePermit held = co_await s.acquire();
            JoinHandle<void> waiter = spawn([](Semaphore &sem) -> Task<void> {
                SemaphorePermit permit = co_await sem.acquire();
            }(s));
            co_await sleep(1ms);
            held.release();
            co_await waiter.join();
        }(semaphore));
        runtime.setTraceSink(nullptr);
        QStringList kinds;
        for (const TraceEvent &event : sink.events()) {
            if (event.object == semaphore.objectId())
                kinds << QString::fromLatin1(traceKindName(event.kind));
        }
        QCOMPARE(kinds, QStringList({"acquire", "wait-begin", "release", "wait-end", "acquire", "release"}));
    }
};

QTEST_GUILESS_MAIN(TestSemaphore)
#include "tst_semaphore.moc"
