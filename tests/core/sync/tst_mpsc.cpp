#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "sync/mpsc.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

struct Tracked
{
    Tracked(int value, std::atomic<int> &live)
        : value(value)
        , live(&live)
    {
        live.fetch_add(1);
    }
    Tracked(Tracked &&other) noexcept
        : value(other.value)
        , live(std::exchange(other.live, nullptr))
    {
    }
    Tracked &operator=(Tracked &&) = delete;
    ~Tracked()
    {
        if (live)
            live->fetch_sub(1);
    }
    int value;
    std::atomic<int> *live;
};

} // namespace

class TestMpsc : public QObject
{
    Q_OBJECT

private slots:
    void valuesArriveInOrderAndRecvEndsWhenSendersAreGone()
    {
        Runtime runtime(virtualConfig(2));
        const QList<int> received = runtime.blockOn([]() -> Task<QList<int>> {
            auto [tx, rx] = mpsc::channel<int>(4);
            JoinHandle<void> producer = spawn([](mpsc::Sender<int> sender) -> Task<void> {
                for (int i = 0; i < 20; ++i)
                    (void)co_await sender.send(i);
            }(std::move(tx)));
            QList<int> out;
            while (std::optional<int> value = co_await rx.recv())
                out << *value;
            co_await producer.join();
            co_return out;
        }());
        QList<int> expected;
        for (int i = 0; i < 20; ++i)
            expected << i;
        QCOMPARE(received, expected);
    }

    void waitingSendersAreServedInTheOrderTheyBeganToWait()
    {
        Runtime runtime(virtualConfig());
        const QList<int> received = runtime.blockOn([]() -> Task<QList<int>> {
            auto [tx, rx] = mpsc::channel<int>(1);
            (void)co_await tx.send(0); // full now
            std::vector<JoinHandle<void>> senders;
            for (int i = 1; i <= 4; ++i) {
                senders.push_back(spawn([](mpsc::Sender<int> s, int value) -> Task<void> {
                    co_await sleep(std::chrono::milliseconds(value)); // begin waiting in order
                    (void)co_await s.send(value);
                }(tx, i)));
            }
            co_await sleep(10ms);
            QList<int> out{int(rx.waitingSenders()), int(rx.len())};
            for (int i = 0; i < 5; ++i)
                out << *(co_await rx.recv());
            for (auto &sender : senders)
                co_await sender.join();
            co_return out;
        }());
        QCOMPARE(received, QList<int>({4, 1, 0, 1, 2, 3, 4}));
    }

    void aCancelledSendLosesItsPlaceAndItsValueIsNeverDelivered()
    {
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        const QList<int> received = runtime.blockOn([](std::atomic<int> &count) -> Task<QList<int>> {
            auto [tx, rx] = mpsc::channel<Tracked>(1);
            (void)co_await tx.send(Tracked(0, count));
            JoinHandle<void> doomed = spawn([](mpsc::Sender<Tracked> s, std::atomic<int> &c) -> Task<void> {
                (void)co_await s.send(Tracked(1, c));
            }(tx, count));
            JoinHandle<void> next = spawn([](mpsc::Sender<Tracked> s, std::atomic<int> &c) -> Task<void> {
                co_await sleep(1ms);
                (void)co_await s.send(Tracked(2, c));
            }(tx, count));
            co_await sleep(2ms);
            doomed.abort();
            try {
                co_await doomed.join();
            } catch (const JoinError &) {
            }
            QList<int> out{count.load()}; // 0 (queued) and 2 (waiting): the doomed value is gone
            out << (co_await rx.recv())->value << (co_await rx.recv())->value;
            co_await next.join();
            out << int(rx.tryRecv().has_value());
            co_return out;
        }(live));
        QCOMPARE(received, QList<int>({2, 0, 2, 0}));
        QCOMPARE(live.load(), 0);
    }

    void trySendReportsFullAndClosedAndGivesTheValueBack()
    {
        Runtime runtime(virtualConfig());
        const QStringList outcomes = runtime.blockOn([]() -> Task<QStringList> {
            auto [tx, rx] = mpsc::channel<QString>(1);
            QStringList out;
            out << (tx.trySend(QStringLiteral("a")).isSent() ? "sent" : "?");
            auto full = tx.trySend(QStringLiteral("b"));
            out << (full.isFull() ? QStringLiteral("full:") + full.takeValue() : QStringLiteral("?"));
            rx.close();
            auto closed = tx.trySend(QStringLiteral("c"));
            out << (closed.isClosed() ? QStringLiteral("closed:") + closed.takeValue() : QStringLiteral("?"));
            auto awaited = co_await tx.send(QStringLiteral("d"));
            out << (awaited.isClosed() ? QStringLiteral("closed:") + awaited.takeValue() : QStringLiteral("?"));
            // What was queued before close() is still delivered, then the stream ends.
            out << *(co_await rx.recv()) << QString::number(int((co_await rx.recv()).has_value()));
            out << QString::number(int(tx.isClosed()));
            co_return out;
        }());
        QCOMPARE(outcomes, QStringList({"sent", "full:b", "closed:c", "closed:d", "a", "0", "1"}));
    }

    void closingTheReceiverWakesWaitingSenders()
    {
        Runtime runtime(virtualConfig());
        const QString outcome = runtime.blockOn([]() -> Task<QString> {
            auto [tx, rx] = mpsc::channel<int>(1);
            (void)co_await tx.send(1);
            JoinHandle<QString> blocked = spawn([](mpsc::Sender<int> s) -> Task<QString> {
                auto result = co_await s.send(2);
                co_return result.isClosed() ? QStringLiteral("closed, got %1 back").arg(result.takeValue())
                                            : QStringLiteral("sent");
            }(tx));
            co_await sleep(1ms);
            rx.close();
            co_return co_await blocked.join();
        }());
        QCOMPARE(outcome, QStringLiteral("closed, got 2 back"));
    }

    void unboundedSendNeverWaits()
    {
        Runtime runtime(virtualConfig());
        const int sum = runtime.blockOn([]() -> Task<int> {
            auto [tx, rx] = mpsc::unboundedChannel<int>();
            for (int i = 1; i <= 1000; ++i)
                (void)co_await tx.send(i);
            const int queued = int(rx.len());
            { auto dropped = std::move(tx); }
            int total = 0;
            while (auto value = co_await rx.recv())
                total += *value;
            co_return total + (queued == 1000 ? 0 : -1);
        }());
        QCOMPARE(sum, 500500);
    }

    void aReceiverThatNeverRunsDryStillLetsItsWorkersOtherTasksRun()
    {
        // One worker; 1000 values queued before the receiver starts. Without the cooperative
        // budget the receiver would take them all in one poll and the neighbour would run last.
        Runtime runtime(virtualConfig(1));
        const auto [neighbourSawAt, total] = runtime.blockOn([]() -> Task<std::pair<int, int>> {
            auto [tx, rx] = mpsc::unboundedChannel<int>();
            for (int i = 1; i <= 1000; ++i)
                (void)co_await tx.send(i);
            { auto dropped = std::move(tx); }
            auto taken = std::make_shared<int>(0);
            auto sum = std::make_shared<int>(0);
            const int sawAt = co_await stepsBeforeTheNeighbourRan(
                [](mpsc::Receiver<int> values, std::shared_ptr<int> count, std::shared_ptr<int> total) -> Task<void> {
                    while (auto value = co_await values.recv()) {
                        *total += *value;
                        ++*count;
                    }
                }(std::move(rx), taken, sum),
                taken);
            co_return std::pair(sawAt, *sum);
        }());
        QCOMPARE(total, 500500); // nothing lost or repeated across the yields
        // The neighbour ran after the first budget's worth, not after all 1000.
        QCOMPARE(neighbourSawAt, int(detail::TaskHeader::coopBudgetPerPoll));
    }

    void aSenderThatAlwaysFindsRoomStillLetsItsWorkersOtherTasksRun()
    {
        // A bounded send takes a permit of the channel's room: with room for all 1000, each
        // send is ready, and the cooperative budget is what makes the sender yield.
        Runtime runtime(virtualConfig(1));
        const auto [neighbourSawAt, received] = runtime.blockOn([]() -> Task<std::pair<int, int>> {
            auto [tx, rx] = mpsc::channel<int>(1000);
            auto sent = std::make_shared<int>(0);
            const int sawAt = co_await stepsBeforeTheNeighbourRan(
                [](mpsc::Sender<int> out, std::shared_ptr<int> n) -> Task<void> {
                    for (int i = 1; i <= 1000; ++i) {
                        (void)co_await out.send(i);
                        ++*n;
                    }
                }(std::move(tx), sent),
                sent);
            int sum = 0;
            while (auto value = co_await rx.recv())
                sum += *value;
            co_return std::pair(sawAt, sum);
        }());
        QCOMPARE(received, 500500);
        QCOMPARE(neighbourSawAt, int(detail::TaskHeader::coopBudgetPerPoll));
    }

    void aReceiverWaitingForeverIsCancelledCleanly()
    {
        Runtime runtime(virtualConfig());
        const bool cancelled = runtime.blockOn([]() -> Task<bool> {
            auto [tx, rx] = mpsc::channel<int>(2);
            JoinHandle<void> listener = spawn([](mpsc::Receiver<int> r) -> Task<void> {
                (void)co_await r.recv();
            }(std::move(rx)));
            co_await sleep(1ms);
            listener.abort();
            try {
                co_await listener.join();
            } catch (const JoinError &error) {
                co_return error.isCancelled() && tx.isClosed(); // the receiver went with its task
            }
            co_return false;
        }());
        QVERIFY(cancelled);
    }

    void zeroCapacityIsRejected()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, (void)mpsc::channel<int>(0));
    }
};

QTEST_GUILESS_MAIN(TestMpsc)
#include "tst_mpsc.moc"
