#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/connectionpool.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// What a run of clients against one pool left behind.
struct PoolOutcome
{
    std::uint64_t created = 0;
    std::size_t maxInUse = 0;
    std::size_t inUseAfter = 0;
    std::uint64_t acquisitions = 0;
    std::size_t permitsAfter = 0;
    QList<long long> waitsMs; ///< per request, in completion order
};

/// A client: @p requests acquisitions one after the other, each held for @p hold.
Task<QList<long long>> client(std::shared_ptr<ConnectionPool> pool, int requests, Duration hold)
{
    QList<long long> waits;
    for (int i = 0; i < requests; ++i) {
        PooledConnection connection = co_await pool->acquire();
        waits << std::chrono::duration_cast<std::chrono::milliseconds>(connection.waited()).count();
        co_await sleep(hold);
        co_await connection.release();
    }
    co_return waits;
}

/// Runs @p clients clients against a pool made from @p options, on @p runtime.
PoolOutcome runClients(Runtime &runtime, ConnectionPoolOptions options, int clients, int requests, Duration hold)
{
    return runtime.blockOn([](ConnectionPoolOptions poolOptions, int count, int each, Duration held) -> Task<PoolOutcome> {
        auto pool = std::make_shared<ConnectionPool>(poolOptions);
        PoolOutcome outcome;
        {
            JoinSet<QList<long long>> tasks;
            for (int i = 0; i < count; ++i)
                tasks.spawn(client(pool, each, held));
            while (auto finished = co_await tasks.joinNext())
                outcome.waitsMs << finished->value();
        }
        co_await sleep(1ms); // let detached return tasks (seed) finish
        outcome.created = pool->connectionsCreated();
        outcome.maxInUse = pool->maxInUse();
        outcome.inUseAfter = pool->inUse();
        outcome.acquisitions = pool->acquisitions();
        outcome.permitsAfter = pool->availablePermits();
        co_return outcome;
    }(options, clients, requests, hold));
}

ConnectionPoolOptions poolOptions(std::size_t size, Duration connect, PoolVariant variant)
{
    ConnectionPoolOptions options;
    options.poolSize = size;
    options.connectTime = connect;
    options.variant = variant;
    return options;
}

} // namespace

class TestConnectionPool : public QObject
{
    Q_OBJECT

private slots:
    void aReturnedConnectionIsReusedInsteadOfReopened()
    {
        Runtime runtime(virtualConfig());
        const std::pair<std::uint64_t, std::uint64_t> result = runtime.blockOn([]() -> Task<std::pair<std::uint64_t, std::uint64_t>> {
            ConnectionPool pool(poolOptions(2, 50ms, PoolVariant::Robust));
            std::uint64_t lastUses = 0;
            for (int i = 0; i < 5; ++i) {
                PooledConnection connection = co_await pool.acquire();
                lastUses = connection->uses;
                co_await connection.release();
            }
            co_return std::pair{pool.connectionsCreated(), lastUses};
        }());
        QCOMPARE(result.first, std::uint64_t(1));
        QCOMPARE(result.second, std::uint64_t(5));
        QCOMPARE(elapsedMs(runtime), 50); // connected once
    }

    void connectingTakesConnectTimeAndCountsAsWaiting()
    {
        Runtime runtime(virtualConfig());
        const long long waited = runtime.blockOn([]() -> Task<long long> {
            ConnectionPool pool(poolOptions(1, 30ms, PoolVariant::Robust));
            PooledConnection connection = co_await pool.acquire();
            co_return std::chrono::duration_cast<std::chrono::milliseconds>(connection.waited()).count();
        }());
        QCOMPARE(waited, 30);
    }

    void connectingHoldsTheWorkerAsTheGuidesSynchronousFactoryDoes()
    {
        // One worker: a task that is ready while a client connects cannot run until the
        // connect is over, because the factory blocks the worker instead of awaiting.
        for (PoolVariant variant : {PoolVariant::Seed, PoolVariant::Robust}) {
            Runtime runtime(virtualConfig(1));
            const long long tickerRanAtMs = runtime.blockOn([](PoolVariant chosen) -> Task<long long> {
                auto pool = std::make_shared<ConnectionPool>(poolOptions(1, 40ms, chosen));
                Runtime &here = currentRuntime("test");
                const Instant start = here.now();
                JoinHandle<void> user = spawn([](std::shared_ptr<ConnectionPool> shared) -> Task<void> {
                    PooledConnection connection = co_await shared->acquire();
                    co_await connection.release();
                }(pool));
                JoinHandle<long long> ticker = spawn([](Instant since) -> Task<long long> {
                    co_await yieldNow(); // behind the client, whichever of the two ran first
                    co_return std::chrono::duration_cast<std::chrono::milliseconds>(currentRuntime("ticker").now() - since).count();
                }(start));
                co_await user.join();
                co_return co_await ticker.join();
            }(variant));
            QCOMPARE(tickerRanAtMs, 40LL);
        }
    }

    void waitersGetTheConnectionInTurnWhenThePoolHasOne()
    {
        Runtime runtime(virtualConfig());
        const PoolOutcome outcome = runClients(runtime, poolOptions(1, 0ms, PoolVariant::Robust), 3, 1, 10ms);
        QCOMPARE(outcome.waitsMs, (QList<long long>{0, 10, 20}));
        QCOMPARE(outcome.created, std::uint64_t(1));
        QCOMPARE(outcome.maxInUse, std::size_t(1));
    }

    void aPoolOfOneNeverLendsOrOpensASecondConnectionInTheRobustVariant()
    {
        Runtime runtime(virtualConfig());
        const PoolOutcome outcome = runClients(runtime, poolOptions(1, 50ms, PoolVariant::Robust), 50, 3, 5ms);
        QCOMPARE(outcome.created, std::uint64_t(1));
        QCOMPARE(outcome.maxInUse, std::size_t(1));
        QCOMPARE(outcome.acquisitions, std::uint64_t(150));
        QCOMPARE(outcome.inUseAfter, std::size_t(0));
        QCOMPARE(outcome.permitsAfter, std::size_t(1));
    }

    void theRobustVariantStaysWithinPoolSizeOnSeveralWorkers()
    {
        Runtime runtime(virtualConfig(4));
        const PoolOutcome outcome = runClients(runtime, poolOptions(4, 5ms, PoolVariant::Robust), 200, 5, 1ms);
        QVERIFY2(outcome.created <= 4, qPrintable(QString::number(outcome.created)));
        QVERIFY(outcome.maxInUse <= 4);
        QCOMPARE(outcome.acquisitions, std::uint64_t(1000));
        QCOMPARE(outcome.permitsAfter, std::size_t(4));
    }

    void theSeedVariantReopensWhenAClientComesStraightBack()
    {
        // Pool of 1, one client, two requests. The first request opens connection 1. Its
        // release (the seed's Drop) spawns a task to push the connection back and drops the
        // permit at once. The client asks again in the same poll: the permit is free and so is
        // the lock, but the return task has not run yet, so the idle stack is empty and a
        // second connection is opened. The robust variant pushes first and reuses it.
        Runtime runtime(virtualConfig());
        const PoolOutcome seed = runClients(runtime, poolOptions(1, 50ms, PoolVariant::Seed), 1, 2, 20ms);
        QCOMPARE(seed.created, std::uint64_t(2));
        QCOMPARE(seed.maxInUse, std::size_t(1)); // still one lent at a time: the leak is in opening

        Runtime robustRuntime(virtualConfig());
        const PoolOutcome robust = runClients(robustRuntime, poolOptions(1, 50ms, PoolVariant::Robust), 1, 2, 20ms);
        QCOMPARE(robust.created, std::uint64_t(1));
    }

    void theSeedVariantOpensExtraConnectionsWhenClientsComeStraightBack()
    {
        // Four clients, four permits: nobody ever waits for a permit, so each release leaves
        // its permit free while the connection is still with the spawned return task, and
        // the client's next acquire (same poll) takes the permit and the free lock, finds the
        // stack empty and opens another connection. Each client ends up with two: eight.
        // (With more clients than permits, this engine's FIFO run queue runs the return task
        // before the waiter the release woke, so on one worker the defect needs free permits.)
        Runtime runtime(virtualConfig());
        const PoolOutcome seed = runClients(runtime, poolOptions(4, 50ms, PoolVariant::Seed), 4, 10, 20ms);
        QCOMPARE(seed.created, std::uint64_t(8));
        QVERIFY(seed.maxInUse <= 4);
        QCOMPARE(seed.acquisitions, std::uint64_t(40));

        Runtime robustRuntime(virtualConfig());
        const PoolOutcome robust = runClients(robustRuntime, poolOptions(4, 50ms, PoolVariant::Robust), 4, 10, 20ms);
        QCOMPARE(robust.created, std::uint64_t(4));
    }

    void theSeedVariantOpensOneConnectionPerRequestWhenNothingSuspends()
    {
        // No connect time and no hold time: a client's whole loop runs in one poll, so no
        // return task ever runs before the next acquire, and every request opens a connection.
        Runtime runtime(virtualConfig());
        const PoolOutcome seed = runClients(runtime, poolOptions(1, 0ms, PoolVariant::Seed), 3, 5, 0ms);
        QCOMPARE(seed.created, std::uint64_t(15));
        QCOMPARE(seed.maxInUse, std::size_t(1));
    }

    void aConnectionDroppedWithoutReleaseStillGoesBack()
    {
        Runtime runtime(virtualConfig());
        const std::pair<std::uint64_t, std::size_t> result = runtime.blockOn([]() -> Task<std::pair<std::uint64_t, std::size_t>> {
            ConnectionPool pool(poolOptions(1, 10ms, PoolVariant::Robust));
            {
                PooledConnection dropped = co_await pool.acquire();
            }
            PooledConnection again = co_await pool.acquire(); // waits for the return task
            co_return std::pair{pool.connectionsCreated(), pool.inUse()};
        }());
        QCOMPARE(result.first, std::uint64_t(1));
        QCOMPARE(result.second, std::size_t(1));
    }

    void aMovedConnectionIsReturnedOnlyOnce()
    {
        Runtime runtime(virtualConfig());
        const QList<std::size_t> result = runtime.blockOn([]() -> Task<QList<std::size_t>> {
            ConnectionPool pool(poolOptions(2, 0ms, PoolVariant::Robust));
            PooledConnection first = co_await pool.acquire();
            PooledConnection moved = std::move(first);
            const bool firstValid = first.isValid();
            co_await first.release(); // nothing to give back
            co_await moved.release();
            co_await sleep(1ms);
            co_return QList<std::size_t>{std::size_t(firstValid), pool.idleCount(), pool.availablePermits(),
                                         pool.inUse()};
        }());
        QCOMPARE(result, (QList<std::size_t>{0, 1, 2, 0}));
    }

    void aPoolOfZeroIsRejected()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ConnectionPool(poolOptions(0, 0ms, PoolVariant::Robust)));
    }
};

QTEST_GUILESS_MAIN(TestConnectionPool)
#include "tst_connectionpool.moc"
