#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/ratelimiter.h"
#include "runtime/runtime.h"
#include "sync/impl/tracedobject.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Takes every token there is; gives how many requests of @p cost got through.
Task<int> drain(TokenBucket &bucket, std::int64_t cost = 1)
{
    int taken = 0;
    while (co_await bucket.tryAcquire(cost))
        ++taken;
    co_return taken;
}

/// Lets @p duration of runtime time pass.
Task<void> idle(Duration duration)
{
    co_await sleep(duration);
}

/// Drains @p bucket, then tries once per millisecond until @p until; gives the runtime
/// milliseconds at which a request was admitted.
Task<QList<long long>> pollEveryMillisecond(TokenBucket &bucket, Duration until)
{
    Runtime &runtime = currentRuntime("test");
    co_await drain(bucket);
    QList<long long> admittedAt;
    const Instant end = runtime.now() + until;
    while (runtime.now() < end) {
        if (co_await bucket.tryAcquire(1))
            admittedAt << elapsedMs(runtime);
        else
            co_await sleep(1ms);
    }
    co_return admittedAt;
}

/// Waits for @p cost tokens from @p start; gives whether it got them and the nanoseconds it took.
Task<std::pair<bool, long long>> timedAcquire(TokenBucket &bucket, std::int64_t cost, Duration startAfter,
                                              std::optional<Duration> deadlineAfter = std::nullopt)
{
    Runtime &runtime = currentRuntime("test");
    co_await sleep(startAfter);
    const Instant start = runtime.now();
    std::optional<Instant> deadline;
    if (deadlineAfter)
        deadline = start + *deadlineAfter;
    const bool admitted = co_await bucket.acquire(cost, deadline);
    co_return std::pair{admitted, (runtime.now() - start).count()};
}

/// Drains @p bucket (unless told not to), waits @p wait and reads the level.
Task<std::int64_t> tokensAfter(TokenBucket &bucket, Duration wait, bool drainFirst = true)
{
    if (drainFirst)
        co_await drain(bucket);
    co_await sleep(wait);
    co_return bucket.tokens();
}

/// The runtime milliseconds of the events of @p kind on the object named @p name.
QList<long long> eventTimesMs(const RecordingSink &sink, TraceKind kind, const QString &name)
{
    QList<long long> times;
    for (const TraceEvent &event : sink.events()) {
        if (event.kind == kind && detail::objectNameOf(event.object) == name)
            times << event.timeNs / 1'000'000;
    }
    return times;
}

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void aFullBucketAdmitsItsCapacityThenRefuses_data()
    {
        QTest::addColumn<BucketVariant>("variant");
        QTest::newRow("seed") << BucketVariant::Seed;
        QTest::newRow("robust") << BucketVariant::Robust;
    }
    void aFullBucketAdmitsItsCapacityThenRefuses()
    {
        QFETCH(BucketVariant, variant);
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 10, 0, variant);
        QCOMPARE(bucket.tokens(), 10);
        QCOMPARE(runtime.blockOn(drain(bucket, 3)), 3);
        QCOMPARE(bucket.tokens(), 1);
        QVERIFY(!runtime.blockOn(bucket.tryAcquire(2)));
        QVERIFY(runtime.blockOn(bucket.tryAcquire(1)));
        QCOMPARE(bucket.tokens(), 0);
        QCOMPARE(bucket.underflows(), 0u);
    }

    void theRobustBucketRefillsExactlyIncludingFractions()
    {
        // 3 tokens/s: the first token exists at 333.333334 ms, the third at exactly 1 s.
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 10, 3, BucketVariant::Robust);
        QCOMPARE(runtime.blockOn(tokensAfter(bucket, 333ms)), 0);
        QCOMPARE(runtime.blockOn(tokensAfter(bucket, 1ms, false)), 1);
        TokenBucket second(runtime, 10, 3, BucketVariant::Robust);
        QCOMPARE(runtime.blockOn(tokensAfter(second, 1s)), 3);
    }

    void aRobustWaitCompletesExactlyWhenEnoughTokensHaveRefilled()
    {
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 10, 5, BucketVariant::Robust);
        runtime.blockOn(drain(bucket));
        // Empty at 0; 3 tokens at 5/s exist 600 ms later.
        auto [admitted, waitedNs] = runtime.blockOn(timedAcquire(bucket, 3, 0ms));
        QVERIFY(admitted);
        QCOMPARE(waitedNs, 600'000'000LL);
        QCOMPARE(bucket.tokens(), 0);

        // 3 tokens/s, one token: ceil(10^9 / 3) ns, not a 10 ms poll later.
        TokenBucket odd(runtime, 10, 3, BucketVariant::Robust);
        runtime.blockOn(drain(odd));
        auto [oddAdmitted, oddWaitedNs] = runtime.blockOn(timedAcquire(odd, 1, 0ms));
        QVERIFY(oddAdmitted);
        QCOMPARE(oddWaitedNs, 333'333'334LL);
    }

    void aRobustWaitGivesUpAtItsDeadlineOrAtOnceWhenTokensCanNeverCome()
    {
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 10, 5, BucketVariant::Robust);
        auto [tooMuch, waitedNs] = runtime.blockOn(timedAcquire(bucket, 11, 0ms, 50ms));
        QVERIFY(!tooMuch);
        QCOMPARE(waitedNs, 50'000'000LL);
        auto [never, neverNs] = runtime.blockOn(timedAcquire(bucket, 11, 0ms));
        QVERIFY(!never);
        QCOMPARE(neverNs, 0LL);
        runtime.blockOn(drain(bucket));
        auto [late, lateNs] = runtime.blockOn(timedAcquire(bucket, 1, 0ms, 100ms)); // needs 200 ms
        QVERIFY(!late);
        QCOMPARE(lateNs, 100'000'000LL);
    }

    void theSeedBucketRefillsAtTheFirstRequestHundredMillisecondsAfterTheLastRefill()
    {
        // 100 tokens/s, a request every millisecond: the request at 100 ms is the first one
        // 100 ms after the bucket was made, and refills 10; the next refill is at 200 ms. So
        // admissions come in bursts of 10 at 100, 200, 300, 400 ms; the robust bucket admits
        // one every 10 ms.
        Runtime runtime(virtualConfig());
        TokenBucket seed(runtime, 10, 100, BucketVariant::Seed);
        const QList<long long> seedTimes = runtime.blockOn(pollEveryMillisecond(seed, 450ms));
        QCOMPARE(seedTimes.size(), 40);
        for (int index = 0; index < seedTimes.size(); ++index)
            QCOMPARE(seedTimes.at(index), (index / 10 + 1) * 100LL);

        Runtime robustRuntime(virtualConfig());
        TokenBucket robust(robustRuntime, 10, 100, BucketVariant::Robust);
        const QList<long long> robustTimes = robustRuntime.blockOn(pollEveryMillisecond(robust, 450ms));
        QCOMPARE(robustTimes.size(), 44); // 10, 20, …, 440 ms
        for (int index = 0; index < robustTimes.size(); ++index)
            QCOMPARE(robustTimes.at(index), (index + 1) * 10LL);
    }

    void seedRefillsOnAcquireAfterIdle()
    {
        // Left alone for 2 s at 5 tokens/s, the bucket gets 2 × 5 = 10 at the next request
        // (the seed's refill runs inside acquire, from the time since the last refill): it is
        // full again. After 1.5 s, 7.5 truncates to 7.
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 10, 5, BucketVariant::Seed);
        QCOMPARE(runtime.blockOn(drain(bucket)), 10);
        runtime.blockOn(idle(2s));
        QVERIFY(runtime.blockOn(bucket.tryAcquire(1)));
        QCOMPARE(bucket.tokens(), 9);
        QCOMPARE(runtime.blockOn(drain(bucket)), 9);

        runtime.blockOn(idle(1500ms));
        QCOMPARE(runtime.blockOn(drain(bucket)), 7);
        QCOMPARE(bucket.underflows(), 0u);
    }

    void seedHasNoBackgroundRefill()
    {
        // Nothing runs between requests: 2 s without one leave the level (and its trace) where
        // the last request left it, and the bucket keeps no task alive.
        RecordingSink sink; // outlives the runtime that records into it
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 10, 100, BucketVariant::Seed);
        QCOMPARE(runtime.blockOn(drain(bucket)), 10);
        runtime.setTraceSink(&sink);
        QCOMPARE(runtime.blockOn(tokensAfter(bucket, 2s, false)), 0);
        runtime.setTraceSink(nullptr);
        QCOMPARE(runtime.liveTasks(), 0u);
        QCOMPARE(eventTimesMs(sink, TraceKind::Counter, QStringLiteral("bucket tokens")), QList<long long>{});
        QCOMPARE(eventTimesMs(sink, TraceKind::Acquire, QStringLiteral("bucket last_refill")), QList<long long>{});
    }

    void aSeedBucketAskedWithoutPauseNeverRefillsBelowTenPerSecond()
    {
        // 5 tokens/s, a request every millisecond: the refill at 100 ms adds 0.5 → 0 tokens and
        // moves the last refill to 100 ms, and so on every 100 ms: nothing is ever admitted
        // again. The robust bucket admits one every 200 ms.
        Runtime runtime(virtualConfig());
        TokenBucket seed(runtime, 10, 5, BucketVariant::Seed);
        QCOMPARE(runtime.blockOn(pollEveryMillisecond(seed, 2s)), QList<long long>{});
        QCOMPARE(seed.tokens(), 0);

        Runtime robustRuntime(virtualConfig());
        TokenBucket robust(robustRuntime, 10, 5, BucketVariant::Robust);
        QCOMPARE(robustRuntime.blockOn(pollEveryMillisecond(robust, 2s)),
                 (QList<long long>{200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800}));
    }

    void seedWaitPollsEveryTenMilliseconds()
    {
        // One token per 100 ms, the bucket drained at 0. A waiter that starts at 5 ms tries at
        // 5, 15, …, 95 ms (each try locks last_refill once) and at 105 ms, the first try 100 ms
        // after the last refill: that try refills the token and takes it, so the level moves
        // at 105 ms, not at 100. The robust waiter gets its token at exactly 100 ms.
        RecordingSink sink; // outlives the runtime that records into it
        Runtime runtime(virtualConfig());
        TokenBucket seed(runtime, 1, 10, BucketVariant::Seed);
        QCOMPARE(runtime.blockOn(drain(seed)), 1);
        runtime.setTraceSink(&sink);
        auto [seedAdmitted, seedNs] = runtime.blockOn(timedAcquire(seed, 1, 5ms));
        runtime.setTraceSink(nullptr);
        QVERIFY(seedAdmitted);
        QCOMPARE(seedNs, 100'000'000LL);
        QCOMPARE(eventTimesMs(sink, TraceKind::Acquire, QStringLiteral("bucket last_refill")),
                 (QList<long long>{5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 105}));
        QCOMPARE(eventTimesMs(sink, TraceKind::Counter, QStringLiteral("bucket tokens")), (QList<long long>{105, 105}));
        QCOMPARE(seed.tokens(), 0);

        Runtime robustRuntime(virtualConfig());
        TokenBucket robust(robustRuntime, 1, 10, BucketVariant::Robust);
        robustRuntime.blockOn(drain(robust));
        auto [robustAdmitted, robustNs] = robustRuntime.blockOn(timedAcquire(robust, 1, 5ms));
        QVERIFY(robustAdmitted);
        QCOMPARE(robustNs, 95'000'000LL);
    }

    void theMagnifierHoldsTheSeedsWindowOpenWithoutAnAwait()
    {
        // On one worker nothing runs inside the window, so the magnifier cannot make the seed
        // race: each admission only takes 2 ms longer (virtual clock: simulated CPU work).
        Runtime runtime(virtualConfig());
        TokenBucket bucket(runtime, 3, 0, BucketVariant::Seed);
        bucket.setRaceMagnifier(2ms);
        QCOMPARE(runtime.blockOn(drain(bucket)), 3);
        QCOMPARE(elapsedMs(runtime), 6);
        QCOMPARE(bucket.tokens(), 0);
        QCOMPARE(bucket.underflows(), 0u);
    }

    void badArgumentsAreRefused()
    {
        Runtime runtime(virtualConfig());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TokenBucket(runtime, 0, 5, BucketVariant::Robust));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, TokenBucket(runtime, 1, -1, BucketVariant::Seed));
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
