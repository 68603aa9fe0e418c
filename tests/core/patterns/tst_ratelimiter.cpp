#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/ratelimiter.h"
#include "runtime/runtime.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Takes every token there is; gives how many requests of @p cost got through.
int drain(TokenBucket &bucket, std::int64_t cost = 1)
{
    int taken = 0;
    while (bucket.tryAcquire(cost))
        ++taken;
    return taken;
}

/// Drains @p bucket, then tries once per millisecond until @p until; gives the runtime
/// milliseconds at which a request was admitted.
Task<QList<long long>> pollEveryMillisecond(TokenBucket &bucket, Duration until)
{
    Runtime &runtime = currentRuntime("test");
    drain(bucket);
    QList<long long> admittedAt;
    const Instant end = runtime.now() + until;
    while (runtime.now() < end) {
        if (bucket.tryAcquire(1))
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
        drain(bucket);
    co_await sleep(wait);
    co_return bucket.tokens();
}

/// Runs @p body on a bucket made inside the run. A seed bucket spawns its refill loop when it
/// is made; made before blockOn, that loop alone would move virtual time on (every worker idle
/// but for its sleep) until the test's task arrives, by however long the test thread took.
template <typename Body>
auto withBucket(Runtime &runtime, std::int64_t capacity, double rate, BucketVariant variant, Body body)
{
    return runtime.blockOn([](std::int64_t c, double r, BucketVariant v, Body b) -> decltype(b(std::declval<TokenBucket &>())) {
        TokenBucket bucket(currentRuntime("test"), c, r, v);
        co_return co_await b(bucket);
    }(capacity, rate, variant, std::move(body)));
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
        QCOMPARE(drain(bucket, 3), 3);
        QCOMPARE(bucket.tokens(), 1);
        QVERIFY(!bucket.tryAcquire(2));
        QVERIFY(bucket.tryAcquire(1));
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
        drain(bucket);
        // Empty at 0; 3 tokens at 5/s exist 600 ms later.
        auto [admitted, waitedNs] = runtime.blockOn(timedAcquire(bucket, 3, 0ms));
        QVERIFY(admitted);
        QCOMPARE(waitedNs, 600'000'000LL);
        QCOMPARE(bucket.tokens(), 0);

        // 3 tokens/s, one token: ceil(10^9 / 3) ns, not a 10 ms poll later.
        TokenBucket odd(runtime, 10, 3, BucketVariant::Robust);
        drain(odd);
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
        drain(bucket);
        auto [late, lateNs] = runtime.blockOn(timedAcquire(bucket, 1, 0ms, 100ms)); // needs 200 ms
        QVERIFY(!late);
        QCOMPARE(lateNs, 100'000'000LL);
    }

    void theSeedBucketRefillsOnlyInHundredMillisecondSteps()
    {
        // 100 tokens/s: the seed adds 10 at each 100 ms step, so admissions come in bursts of
        // 10 at 100, 200, 300, 400 ms; the robust bucket admits one every 10 ms.
        Runtime runtime(virtualConfig());
        const QList<long long> seedTimes = withBucket(runtime, 10, 100, BucketVariant::Seed, [](TokenBucket &seed) {
            return pollEveryMillisecond(seed, 450ms);
        });
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

    void theSeedBucketLosesTheFractionOfEachStepAndNeverRefillsBelowTenPerSecond()
    {
        // 5 tokens/s × 100 ms = 0.5 token, truncated to 0 at every step.
        Runtime runtime(virtualConfig());
        QCOMPARE(withBucket(runtime, 10, 5, BucketVariant::Seed, [](TokenBucket &seed) { return tokensAfter(seed, 2s); }), 0);
        TokenBucket robust(runtime, 10, 5, BucketVariant::Robust);
        QCOMPARE(runtime.blockOn(tokensAfter(robust, 2s)), 10);
    }

    void theSeedWaitPollsEveryTenMilliseconds()
    {
        // One token per 100 ms. A waiter that starts at 5 ms polls at 5, 15, …, 95, 105: the
        // seed hands it the token refilled at 100 ms only at 105 ms; the robust one at 100 ms.
        Runtime runtime(virtualConfig());
        auto [seedAdmitted, seedNs] = withBucket(runtime, 1, 10, BucketVariant::Seed, [](TokenBucket &seed) {
            drain(seed);
            return timedAcquire(seed, 1, 5ms);
        });
        QVERIFY(seedAdmitted);
        QCOMPARE(seedNs, 100'000'000LL);

        Runtime robustRuntime(virtualConfig());
        TokenBucket robust(robustRuntime, 1, 10, BucketVariant::Robust);
        drain(robust);
        auto [robustAdmitted, robustNs] = robustRuntime.blockOn(timedAcquire(robust, 1, 5ms));
        QVERIFY(robustAdmitted);
        QCOMPARE(robustNs, 95'000'000LL);
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
