#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/circuitbreaker.h"
#include "patterns/retry.h"
#include "runtime/runtime.h"
#include "time/sleep.h"
#endif

#include <stdexcept>

using namespace taskscope;
using namespace taskscope::test;

namespace {

RetryPolicy policy(int attempts, Duration base, Duration max, Jitter jitter)
{
    RetryPolicy p;
    p.attempts = attempts;
    p.baseBackoff = base;
    p.maxBackoff = max;
    p.jitter = jitter;
    return p;
}

/// What a retried call did, with the runtime time of each attempt.
struct Run
{
    RetryResult result;
    QList<long long> attemptAtMs;
};

/// Retries an attempt that fails @p failures times (then succeeds), on the virtual clock.
Run retryFailing(Runtime &runtime, const Retry &retry, int failures)
{
    return runtime.blockOn([](const Retry &r, int failing) -> Task<Run> {
        Runtime &rt = currentRuntime("test");
        Run run;
        int made = 0;
        run.result = co_await r.run([&]() -> Task<bool> {
            run.attemptAtMs << elapsedMs(rt);
            co_return made++ >= failing;
        });
        co_return run;
    }(retry, failures));
}

long long ms(Duration duration)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

} // namespace

class TestRetry : public QObject
{
    Q_OBJECT

private slots:
    void withoutJitterTheDelaysAreExactlyBaseTimesTwoToTheNCappedAtTheMax()
    {
        // 50 ms doubling, capped at 300 ms: 50, 100, 200, 300, 300 before retries 0–4.
        Runtime runtime(virtualConfig());
        const Retry retry(policy(6, 50ms, 300ms, Jitter::None));
        const Run run = retryFailing(runtime, retry, 100);
        QVERIFY(!run.result.succeeded);
        QCOMPARE(run.result.attempts, 6);
        QList<long long> delays;
        for (Duration wait : run.result.backoffs)
            delays << ms(wait);
        QCOMPARE(delays, (QList<long long>{50, 100, 200, 300, 300}));
        // The attempts really wait that long on the runtime clock.
        QCOMPARE(run.attemptAtMs, (QList<long long>{0, 50, 150, 350, 650, 950}));
        for (int n = 0; n < 5; ++n)
            QCOMPARE(retry.delay(n, 0xFFFF'FFFF'FFFF'FFFFull), retry.ceiling(n));
    }

    void theBackoffObserverHearsEachWaitBeforeItStarts()
    {
        Runtime runtime(virtualConfig());
        const Retry retry(policy(4, 10ms, 1000ms, Jitter::Full));
        struct Heard
        {
            int retry;
            Duration wait;
            Instant at;
        };
        const auto [result, heard] = runtime.blockOn([](const Retry &r) -> Task<std::pair<RetryResult, QList<Heard>>> {
            Runtime &rt = currentRuntime("test");
            QList<Heard> told;
            RetryResult outcome = co_await r.run([]() -> Task<bool> { co_return false; },
                                                 [&](int n, Duration wait) { told.append({n, wait, rt.now()}); });
            co_return std::pair{outcome, told};
        }(retry));
        QCOMPARE(result.attempts, 4);
        QCOMPARE(heard.size(), 3);
        Duration waited{};
        for (int n = 0; n < 3; ++n) {
            QCOMPARE(heard[n].retry, n);
            QVERIFY(heard[n].wait == result.backoffs[std::size_t(n)]); // the very wait the result lists
            // Told as that wait begins, after the earlier ones (the attempts take no time here).
            QVERIFY(heard[n].at - heard[0].at == waited);
            waited += heard[n].wait;
        }
    }

    void withFullJitterEachDelayLiesWithinZeroAndItsCeiling()
    {
        Runtime runtime(RuntimeConfig::deterministic(7));
        const Retry retry(policy(8, 50ms, 2000ms, Jitter::Full));
        bool someBelowTheCeiling = false;
        for (int call = 0; call < 50; ++call) {
            const Run run = retryFailing(runtime, retry, 100);
            QCOMPARE(run.result.backoffs.size(), std::size_t(7));
            for (std::size_t n = 0; n < run.result.backoffs.size(); ++n) {
                const Duration wait = run.result.backoffs[n];
                const Duration ceiling = std::min<Duration>(Duration(50ms) * (1 << n), Duration(2000ms));
                QCOMPARE(retry.ceiling(int(n)), ceiling);
                QVERIFY2(wait >= Duration::zero() && wait <= ceiling,
                         qPrintable(QStringLiteral("retry %1 waited %2 ns").arg(n).arg(wait.count())));
                someBelowTheCeiling = someBelowTheCeiling || wait < ceiling;
            }
        }
        QVERIFY(someBelowTheCeiling); // it is jittered, not the plain ceiling
        // The bounds of the draw itself: all-zero bits give 0, all-one bits give the ceiling.
        QCOMPARE(retry.delay(3, 0), Duration::zero());
        QCOMPARE(retry.delay(3, ~0ull), retry.ceiling(3));
    }

    void theSameSeedGivesTheSameJitteredDelays()
    {
        auto delaysWithSeed = [](std::uint64_t seed) {
            Runtime runtime(RuntimeConfig::deterministic(seed));
            const Retry retry(policy(5, 100ms, 10s, Jitter::Full));
            QList<long long> delays;
            for (Duration wait : retryFailing(runtime, retry, 100).result.backoffs)
                delays << wait.count();
            return delays;
        };
        QCOMPARE(delaysWithSeed(11), delaysWithSeed(11));
        QVERIFY(delaysWithSeed(11) != delaysWithSeed(12));
    }

    void aSuccessStopsTheRetries()
    {
        Runtime runtime(virtualConfig());
        const Retry retry(policy(5, 10ms, 1s, Jitter::None));
        const Run run = retryFailing(runtime, retry, 2);
        QVERIFY(run.result.succeeded);
        QCOMPARE(run.result.attempts, 3);
        QCOMPARE(run.attemptAtMs, (QList<long long>{0, 10, 30}));
        const Run first = retryFailing(runtime, retry, 0);
        QVERIFY(first.result.succeeded);
        QCOMPARE(first.result.attempts, 1);
        QVERIFY(first.result.backoffs.empty());
    }

    void aThrowingAttemptIsRetriedLikeAFailedOne()
    {
        Runtime runtime(virtualConfig());
        const Retry retry(policy(3, 10ms, 1s, Jitter::None));
        const RetryResult result = runtime.blockOn([](const Retry &r) -> Task<RetryResult> {
            int made = 0;
            co_return co_await r.run([&]() -> Task<bool> {
                if (made++ == 0)
                    throw std::runtime_error("connection reset");
                co_return true;
            });
        }(retry));
        QVERIFY(result.succeeded);
        QCOMPARE(result.attempts, 2);
    }

    void insideABreakerARejectedAttemptCountsAsFailed()
    {
        // A breaker that opens at the first failure and stays open for 10 s: after the first
        // attempt fails, the two retries are rejected without reaching the downstream.
        Runtime runtime(virtualConfig());
        CircuitBreakerOptions options;
        options.variant = BreakerVariant::Robust;
        options.minimumCalls = 1;
        options.recoveryTimeout = 10s;
        CircuitBreaker breaker(runtime, options);
        const Retry retry(policy(3, 10ms, 1s, Jitter::None));
        const auto [result, reached] = runtime.blockOn([](const Retry &r, CircuitBreaker &b) -> Task<std::pair<RetryResult, int>> {
            int reachedDownstream = 0;
            RetryResult got = co_await r.run([&]() -> Task<bool> {
                co_return co_await b.call([](int &reached) -> Task<bool> {
                    ++reached;
                    co_return false;
                }(reachedDownstream)) == CallOutcome::Success;
            });
            co_return std::pair{got, reachedDownstream};
        }(retry, breaker));
        QVERIFY(!result.succeeded);
        QCOMPARE(result.attempts, 3);
        QCOMPARE(reached, 1);
        QCOMPARE(breaker.stats().rejected, 2u);
    }

    void badPoliciesAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Retry(policy(0, 10ms, 1s, Jitter::None)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Retry(policy(3, -1ms, 1s, Jitter::None)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Retry(policy(3, 10ms, -1ms, Jitter::Full)));
    }
};

QTEST_GUILESS_MAIN(TestRetry)
#include "tst_retry.moc"
