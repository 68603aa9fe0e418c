#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "sync/oneshot.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

class TestOneshot : public QObject
{
    Q_OBJECT

private slots:
    void theValueReachesTheWaitingReceiver()
    {
        Runtime runtime(virtualConfig(2));
        const int value = runtime.blockOn([]() -> Task<int> {
            auto [tx, rx] = oneshot::channel<int>();
            JoinHandle<void> replier = spawn([](oneshot::Sender<int> reply) -> Task<void> {
                co_await sleep(5ms);
                if (reply.send(42))
                    throw std::logic_error("receiver gone");
            }(std::move(tx)));
            std::optional<int> answer = co_await rx;
            co_await replier.join();
            co_return answer.value_or(-1);
        }());
        QCOMPARE(value, 42);
    }

    void aSenderDroppedUnsentClosesTheReceiver()
    {
        Runtime runtime(virtualConfig());
        const bool closed = runtime.blockOn([]() -> Task<bool> {
            auto [tx, rx] = oneshot::channel<QString>();
            JoinHandle<void> dropper = spawn([](oneshot::Sender<QString> reply) -> Task<void> {
                co_await sleep(1ms);
                (void)reply; // dropped without sending
            }(std::move(tx)));
            const std::optional<QString> answer = co_await rx.recv();
            co_return !answer.has_value() && rx.isClosed();
        }());
        QVERIFY(closed);
    }

    void sendGivesTheValueBackWhenTheReceiverIsGone()
    {
        auto [tx, rx] = oneshot::channel<QString>();
        QVERIFY(!tx.isClosed());
        { auto gone = std::move(rx); }
        QVERIFY(tx.isClosed());
        QCOMPARE(tx.send(QStringLiteral("reply")), std::optional<QString>(QStringLiteral("reply")));
    }

    void aValueSentBeforeTheAwaitIsReadyAtOnce()
    {
        Runtime runtime(virtualConfig());
        auto [tx, rx] = oneshot::channel<int>();
        QVERIFY(!tx.send(7).has_value());
        QCOMPARE(tx.send(8), std::optional<int>(8)); // used up
        QCOMPARE(runtime.blockOn([](oneshot::Receiver<int> &r) -> Task<int> { co_return *(co_await r); }(rx)), 7);
    }

    void aCancelledReceiverLeavesNoWaiterBehind()
    {
        Runtime runtime(virtualConfig());
        const bool ok = runtime.blockOn([]() -> Task<bool> {
            auto [tx, rx] = oneshot::channel<int>();
            JoinHandle<void> waiter = spawn([](oneshot::Receiver<int> &r) -> Task<void> { (void)co_await r; }(rx));
            co_await sleep(1ms);
            waiter.abort();
            try {
                co_await waiter.join();
            } catch (const JoinError &) {
            }
            // The send after the cancelled wait wakes nobody and still lands in the slot.
            const bool kept = !tx.send(5).has_value();
            co_return kept && rx.tryRecv() == std::optional<int>(5);
        }());
        QVERIFY(ok);
    }

    void awaitingReadyRepliesStillLetsTheWorkersOtherTasksRun()
    {
        // One worker; 1000 replies all sent before they are awaited. Without the cooperative
        // budget the loop would take them all in one poll and the neighbour would run last.
        Runtime runtime(virtualConfig(1));
        auto taken = std::make_shared<int>(0);
        const int neighbourSawAt = runtime.blockOn(stepsBeforeTheNeighbourRan(
            [](std::shared_ptr<int> n) -> Task<void> {
                for (int i = 0; i < 1000; ++i) {
                    auto [tx, rx] = oneshot::channel<int>();
                    (void)tx.send(i);
                    if (co_await rx == std::optional<int>(i))
                        ++*n;
                }
            }(taken),
            taken));
        QCOMPARE(*taken, 1000);
        QCOMPARE(neighbourSawAt, int(detail::TaskHeader::coopBudgetPerPoll));
    }

    void aReceiverCancelledDuringTheBudgetYieldLeavesTheValueInTheSlot()
    {
        Runtime runtime(virtualConfig(1));
        auto [lastTx, lastRx] = oneshot::channel<int>();
        auto count = std::make_shared<int>(0);
        const bool cancelled = runtime.blockOn(
            [](oneshot::Sender<int> &tx, oneshot::Receiver<int> &rx, std::shared_ptr<int> steps) -> Task<bool> {
                JoinHandle<void> looper = spawn(
                    [](std::shared_ptr<int> n, oneshot::Sender<int> &last, oneshot::Receiver<int> &lastRx) -> Task<void> {
                        for (int i = 0; i < int(detail::TaskHeader::coopBudgetPerPoll); ++i) {
                            auto [t, r] = oneshot::channel<int>();
                            (void)t.send(i);
                            (void)co_await r;
                            ++*n;
                        }
                        (void)last.send(99);
                        (void)co_await lastRx; // the budget is spent: this one yields first
                        ++*n;
                    }(steps, tx, rx));
                co_return co_await abortFromBehind(looper);
            }(lastTx, lastRx, count));
        QVERIFY(cancelled);
        QCOMPARE(*count, int(detail::TaskHeader::coopBudgetPerPoll));
        QCOMPARE(lastRx.tryRecv(), std::optional<int>(99)); // not taken by the cancelled await
    }
};

QTEST_GUILESS_MAIN(TestOneshot)
#include "tst_oneshot.moc"
