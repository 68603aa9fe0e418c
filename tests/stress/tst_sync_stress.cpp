// Stress for the sync primitives on 4 workers; also built and run under ThreadSanitizer.

#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "sync/mpsc.h"
#include "sync/semaphore.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

RuntimeConfig fourWorkers()
{
    RuntimeConfig config;
    config.workerThreads = 4;
    config.threadName = QStringLiteral("sync-stress");
    return config;
}

struct Message
{
    int producer;
    int sequence;
};

} // namespace

class TestSyncStress : public QObject
{
    Q_OBJECT

private slots:
    void eightProducersQuarterMillionEachThroughCapacity64()
    {
        constexpr int producers = 8;
        constexpr int perProducer = 250000;
        Runtime runtime(fourWorkers());
        const QString problem = runtime.blockOn([]() -> Task<QString> {
            auto [tx, rx] = mpsc::channel<Message>(64, QStringLiteral("stress"));
            std::vector<JoinHandle<void>> senders;
            for (int p = 0; p < producers; ++p) {
                senders.push_back(spawn([](mpsc::Sender<Message> out, int id) -> Task<void> {
                    for (int i = 0; i < perProducer; ++i) {
                        if (!co_await out.send(Message{id, i}))
                            throw std::logic_error("channel closed under a producer");
                    }
                }(tx, p)));
            }
            { auto dropped = std::move(tx); } // only the producers' copies remain
            std::vector<int> next(producers, 0);
            std::size_t maxLength = 0;
            long long received = 0;
            while (std::optional<Message> message = co_await rx.recv()) {
                maxLength = std::max(maxLength, rx.len());
                if (message->sequence != next[std::size_t(message->producer)])
                    co_return QStringLiteral("producer %1: got %2, expected %3")
                        .arg(message->producer).arg(message->sequence).arg(next[std::size_t(message->producer)]);
                ++next[std::size_t(message->producer)];
                ++received;
            }
            for (auto &sender : senders)
                co_await sender.join();
            if (received != (long long)producers * perProducer)
                co_return QStringLiteral("received %1").arg(received);
            if (maxLength > 64)
                co_return QStringLiteral("queue grew to %1").arg(maxLength);
            co_return QString();
        }());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void semaphoreOfEightNeverLendsMoreThanEight()
    {
        constexpr int tasks = 10000;
        Runtime runtime(fourWorkers());
        Semaphore semaphore(8, QStringLiteral("stress"));
        std::atomic<int> out{0};
        std::atomic<int> highWater{0};
        std::atomic<int> cancelled{0};
        runtime.blockOn([](Semaphore &s, std::atomic<int> &inUse, std::atomic<int> &high,
                           std::atomic<int> &aborted) -> Task<void> {
            std::vector<JoinHandle<void>> handles;
            for (int i = 0; i < tasks; ++i) {
                handles.push_back(spawn([](Semaphore &sem, std::atomic<int> &use, std::atomic<int> &hw,
                                           int n) -> Task<void> {
                    SemaphorePermit permit = co_await sem.acquire(std::size_t(1 + n % 3));
                    // Counted out while the permit is held, back in before it is released
                    // (also when an abort unwinds the task at the yield).
                    struct InUse
                    {
                        std::atomic<int> &counter;
                        int count;
                        ~InUse() { counter.fetch_sub(count); }
                    } inUse{use, int(permit.count())};
                    const int now = use.fetch_add(inUse.count) + inUse.count;
                    int seen = hw.load();
                    while (now > seen && !hw.compare_exchange_weak(seen, now)) {
                    }
                    if (n % 4 == 0)
                        co_await yieldNow();
                }(s, inUse, high, i)));
            }
            // Cancel every 10th acquirer while the line is long: none may leak permits.
            for (int i = 0; i < tasks; i += 10)
                handles[std::size_t(i)].abort();
            for (auto &handle : handles) {
                try {
                    co_await handle.join();
                } catch (const JoinError &) {
                    aborted.fetch_add(1);
                }
            }
        }(semaphore, out, highWater, cancelled));
        QVERIFY2(highWater.load() <= 8, qPrintable(QString::number(highWater.load())));
        QVERIFY(highWater.load() >= 3);
        QCOMPARE(out.load(), 0);
        QCOMPARE(semaphore.availablePermits(), std::size_t(8));
        QCOMPARE(semaphore.waiterCount(), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestSyncStress)
#include "tst_sync_stress.moc"
