#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/circuitbreaker.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "time/sleep.h"
#endif

#include <stdexcept>

using namespace taskscope;
using namespace taskscope::test;

namespace {

Task<void> pauseFor(Duration duration)
{
    co_await sleep(duration);
}

/// Lets @p duration of virtual time pass.
void letTimePass(Runtime &runtime, Duration duration)
{
    runtime.blockOn(pauseFor(duration));
}

/// One call through @p breaker now, finishing at once with @p success; 'S', 'F' or 'R'.
QChar callNow(CircuitBreaker &breaker, bool success)
{
    const BreakerPermit permit = breaker.tryAcquire();
    if (!permit.admitted)
        return QLatin1Char('R');
    breaker.record(permit, success);
    return success ? QLatin1Char('S') : QLatin1Char('F');
}

/// Calls in the pattern of @p outcomes ('S' succeeds, 'F' fails), one at a time; what each got.
QString callPattern(CircuitBreaker &breaker, const QString &outcomes)
{
    QString got;
    for (QChar outcome : outcomes)
        got += callNow(breaker, outcome == QLatin1Char('S'));
    return got;
}

/// "from>to@ms" for each transition, times in runtime milliseconds.
QStringList transitionLog(const CircuitBreaker &breaker)
{
    QStringList log;
    for (const BreakerTransition &transition : breaker.stats().transitions) {
        log << QStringLiteral("%1>%2@%3")
                   .arg(breakerStateName(transition.from), breakerStateName(transition.to))
                   .arg(std::chrono::duration_cast<std::chrono::milliseconds>(transition.at.time_since_epoch()).count());
    }
    return log;
}

/// One caller every 50 ms, each call taking 20 ms, for @p until; the downstream fails until
/// @p healsAt and succeeds from then on.
Task<void> callerFailingUntil(CircuitBreaker &breaker, Instant healsAt, Instant until)
{
    Runtime &runtime = currentRuntime("test caller");
    while (runtime.now() < until) {
        (void)co_await breaker.call([](Runtime &rt, Instant heals) -> Task<bool> {
            co_await sleep(20ms);
            co_return rt.now() >= heals;
        }(runtime, healsAt));
        co_await sleep(50ms);
    }
}

CircuitBreakerOptions seedOptions(int threshold = 5)
{
    CircuitBreakerOptions options;
    options.variant = BreakerVariant::Seed;
    options.failureThreshold = threshold;
    return options;
}

CircuitBreakerOptions robustOptions(int window = 20, int minimum = 10, int probes = 1)
{
    CircuitBreakerOptions options;
    options.variant = BreakerVariant::Robust;
    options.windowSize = window;
    options.minimumCalls = minimum;
    options.halfOpenProbes = probes;
    return options;
}

/// Opens @p breaker with failures, then lets its recovery timeout pass.
void openAndWaitOutTheTimeout(Runtime &runtime, CircuitBreaker &breaker)
{
    while (breaker.state() != BreakerState::Open)
        (void)callNow(breaker, false);
    letTimePass(runtime, breaker.options().recoveryTimeout);
}

} // namespace

class TestCircuitBreaker : public QObject
{
    Q_OBJECT

private slots:
    void theSeedCountsFailuresThatSuccessesNeverReset()
    {
        // Threshold 3: three failures open it even with many successes between them.
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, seedOptions(3));
        QCOMPARE(callPattern(breaker, QStringLiteral("FSSSSSSFSSSSSSF")), QStringLiteral("FSSSSSSFSSSSSSF"));
        QCOMPARE(breaker.state(), BreakerState::Open);
        QCOMPARE(callPattern(breaker, QStringLiteral("S")), QStringLiteral("R"));
    }

    void theRobustBreakerJudgesTheRateOverItsWindowOnly()
    {
        // The same pattern, window 4, minimum 4, threshold 50 %: never two failures in any
        // four consecutive outcomes, so it stays closed.
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, robustOptions(4, 4));
        QCOMPARE(callPattern(breaker, QStringLiteral("FSSSSSSFSSSSSSF")), QStringLiteral("FSSSSSSFSSSSSSF"));
        QCOMPARE(breaker.state(), BreakerState::Closed);
    }

    void theRobustBreakerWaitsForMinimumCallsThenOpensAtTheThreshold()
    {
        // Window 10, minimum 4, threshold 50 %: F F F are only 3 calls; the 4th outcome (a
        // success) makes 3/4 ≥ 50 %: open, and the next call is rejected.
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, robustOptions(10, 4));
        QCOMPARE(callPattern(breaker, QStringLiteral("FFF")), QStringLiteral("FFF"));
        QCOMPARE(breaker.state(), BreakerState::Closed);
        QCOMPARE(callPattern(breaker, QStringLiteral("SS")), QStringLiteral("SR"));
        QCOMPARE(breaker.state(), BreakerState::Open);

        // Exactly at the threshold: 2 of 4 opens (Resilience4j compares with ≥).
        CircuitBreaker exact(runtime, robustOptions(4, 4));
        QCOMPARE(callPattern(exact, QStringLiteral("SFSF")), QStringLiteral("SFSF"));
        QCOMPARE(exact.state(), BreakerState::Open);
    }

    void theTransitionSequenceForFailuresThenRecovery_data()
    {
        QTest::addColumn<BreakerVariant>("variant");
        QTest::addColumn<QStringList>("expected");
        // Calls at 0, 70, 140, 210, 280 ms fail 20 ms later; the 5th failure (300 ms) opens
        // it. Rejected calls take no time: 350, 400, … 1300 ms, when the timeout (1000 ms
        // after 300) has passed: half-open, and the probe succeeds at 1320 ms.
        QTest::newRow("seed, threshold 5") << BreakerVariant::Seed
                                           << QStringList{"closed>open@300", "open>half_open@1300",
                                                          "half_open>closed@1320"};
        // Robust, window 5, minimum 5: the same five failures, 100 % ≥ 50 %.
        QTest::newRow("robust, minimum 5") << BreakerVariant::Robust
                                           << QStringList{"closed>open@300", "open>half_open@1300",
                                                          "half_open>closed@1320"};
    }
    void theTransitionSequenceForFailuresThenRecovery()
    {
        QFETCH(BreakerVariant, variant);
        QFETCH(QStringList, expected);
        Runtime runtime(virtualConfig());
        CircuitBreakerOptions options = variant == BreakerVariant::Seed ? seedOptions(5) : robustOptions(5, 5);
        CircuitBreaker breaker(runtime, options);
        const Instant start = runtime.now();
        runtime.blockOn(callerFailingUntil(breaker, start + 1000ms, start + 2000ms));
        QCOMPARE(transitionLog(breaker), expected);
        QCOMPARE(breaker.state(), BreakerState::Closed);
        QCOMPARE(breaker.stats().failures, 5u);
    }

    void theRobustBreakerAdmitsOnlyItsProbesWhileHalfOpen_data()
    {
        QTest::addColumn<int>("probes");
        QTest::newRow("1 probe") << 1;
        QTest::newRow("3 probes") << 3;
    }
    void theRobustBreakerAdmitsOnlyItsProbesWhileHalfOpen()
    {
        QFETCH(int, probes);
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, robustOptions(4, 4, probes));
        openAndWaitOutTheTimeout(runtime, breaker);
        // Ten callers arrive at once, before any probe has answered.
        std::vector<BreakerPermit> admitted;
        int rejected = 0;
        for (int caller = 0; caller < 10; ++caller) {
            const BreakerPermit permit = breaker.tryAcquire();
            if (permit.admitted)
                admitted.push_back(permit);
            else
                ++rejected;
        }
        QCOMPARE(breaker.state(), BreakerState::HalfOpen);
        QCOMPARE(int(admitted.size()), probes);
        QCOMPARE(rejected, 10 - probes);
        QCOMPARE(breaker.stats().halfOpenAdmittedMax, std::uint64_t(probes));
        // All probes succeed: closed, with an empty window (three failures do not reopen it).
        for (const BreakerPermit &permit : admitted) {
            QCOMPARE(breaker.state(), BreakerState::HalfOpen);
            breaker.record(permit, true);
        }
        QCOMPARE(breaker.state(), BreakerState::Closed);
        QCOMPARE(callPattern(breaker, QStringLiteral("FFF")), QStringLiteral("FFF"));
        QCOMPARE(breaker.state(), BreakerState::Closed);
    }

    void theSeedLetsEveryCallerThroughWhileHalfOpen()
    {
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, seedOptions(2));
        openAndWaitOutTheTimeout(runtime, breaker);
        std::vector<BreakerPermit> admitted;
        for (int caller = 0; caller < 10; ++caller) {
            const BreakerPermit permit = breaker.tryAcquire();
            if (permit.admitted)
                admitted.push_back(permit);
        }
        QCOMPARE(breaker.state(), BreakerState::HalfOpen);
        QCOMPARE(admitted.size(), std::size_t(10));
        QCOMPARE(breaker.stats().halfOpenAdmitted, 10u);
        QCOMPARE(breaker.stats().halfOpenAdmittedMax, 10u);
        // The first answer decides: a success closes it and zeroes the count.
        breaker.record(admitted.front(), true);
        QCOMPARE(breaker.state(), BreakerState::Closed);
        // The other nine were let through a breaker that is closed now; one more failure does
        // not reopen it (threshold 2, the count was zeroed), two do.
        breaker.record(admitted.at(1), false);
        QCOMPARE(breaker.state(), BreakerState::Closed);
        breaker.record(admitted.at(2), false);
        QCOMPARE(breaker.state(), BreakerState::Open);
    }

    void anyProbeFailureReopensTheRobustBreaker()
    {
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, robustOptions(4, 4, 3));
        openAndWaitOutTheTimeout(runtime, breaker);
        const BreakerPermit first = breaker.tryAcquire();
        const BreakerPermit second = breaker.tryAcquire();
        const BreakerPermit third = breaker.tryAcquire();
        QVERIFY(first.admitted && second.admitted && third.admitted);
        breaker.record(first, true);
        QCOMPARE(breaker.state(), BreakerState::HalfOpen);
        breaker.record(second, false);
        QCOMPARE(breaker.state(), BreakerState::Open);
        // The third probe's late success belongs to the half-open period that ended: ignored.
        breaker.record(third, true);
        QCOMPARE(breaker.state(), BreakerState::Open);
        QCOMPARE(callNow(breaker, true), QLatin1Char('R'));
    }

    void aCallAdmittedWhileClosedIsNotTakenForAProbe()
    {
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, robustOptions(4, 4, 1));
        const BreakerPermit slow = breaker.tryAcquire(); // admitted while closed, answers late
        openAndWaitOutTheTimeout(runtime, breaker);
        const BreakerPermit probe = breaker.tryAcquire();
        QVERIFY(probe.probe);
        breaker.record(slow, true); // from the closed period: must not close the breaker
        QCOMPARE(breaker.state(), BreakerState::HalfOpen);
        breaker.record(probe, true);
        QCOMPARE(breaker.state(), BreakerState::Closed);
    }

    void aCancelledProbeGivesItsSlotBack()
    {
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, robustOptions(4, 4, 1));
        openAndWaitOutTheTimeout(runtime, breaker);
        const BreakerPermit probe = breaker.tryAcquire();
        QVERIFY(probe.admitted);
        QVERIFY(!breaker.tryAcquire().admitted);
        breaker.release(probe);
        const BreakerPermit next = breaker.tryAcquire();
        QVERIFY(next.admitted && next.probe);
    }

    void slowCallsCountAsFailuresInTheRobustBreaker()
    {
        // Calls that succeed but take 150 ms, with slow_call 100 ms: four of them open it.
        Runtime runtime(virtualConfig());
        CircuitBreakerOptions options = robustOptions(4, 4);
        options.slowCallDuration = 100ms;
        CircuitBreaker breaker(runtime, options);
        const QList<int> outcomes = runtime.blockOn([](CircuitBreaker &b) -> Task<QList<int>> {
            QList<int> got;
            for (int call = 0; call < 5; ++call) {
                got << int(co_await b.call([]() -> Task<bool> {
                    co_await sleep(150ms);
                    co_return true;
                }()));
            }
            co_return got;
        }(breaker));
        QCOMPARE(outcomes, (QList<int>{int(CallOutcome::Success), int(CallOutcome::Success),
                                       int(CallOutcome::Success), int(CallOutcome::Success),
                                       int(CallOutcome::Rejected)}));
        QCOMPARE(breaker.stats().failures, 4u);
        QCOMPARE(breaker.state(), BreakerState::Open);
    }

    void aThrowingCallCountsAsAFailureAndPropagates()
    {
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, seedOptions(1));
        const bool threw = runtime.blockOn([](CircuitBreaker &b) -> Task<bool> {
            try {
                (void)co_await b.call([]() -> Task<bool> {
                    throw std::runtime_error("downstream exploded");
                    co_return true;
                }());
            } catch (const std::runtime_error &) {
                co_return true;
            }
            co_return false;
        }(breaker));
        QVERIFY(threw);
        QCOMPARE(breaker.stats().failures, 1u);
        QCOMPARE(breaker.state(), BreakerState::Open);
    }

    void theSeedsLateFailuresWhileOpenPushTheRecoveryBack()
    {
        // Threshold 1: a failure opens it at 0 ms; a call admitted before that fails at 600 ms,
        // while open, and the seed stamps the last failure again: at 1000 ms it is still open,
        // half-open only from 1600 ms.
        Runtime runtime(virtualConfig());
        CircuitBreaker breaker(runtime, seedOptions(1));
        const BreakerPermit late = breaker.tryAcquire();
        (void)callNow(breaker, false);
        letTimePass(runtime, 600ms);
        breaker.record(late, false);
        letTimePass(runtime, 400ms);
        QCOMPARE(callNow(breaker, true), QLatin1Char('R'));
        letTimePass(runtime, 600ms);
        QCOMPARE(callNow(breaker, true), QLatin1Char('S'));
        QCOMPARE(transitionLog(breaker),
                 (QStringList{"closed>open@0", "open>half_open@1600", "half_open>closed@1600"}));
    }

    void onFourRealWorkersTheRobustBreakerNeverExceedsItsProbes()
    {
        // Real threads and real time: 32 callers hammer a breaker whose downstream always
        // fails for 10 ms, with a 5 ms recovery timeout, so it cycles open → half-open →
        // open about every 15 ms. However the threads interleave, no half-open period may
        // admit more than its 2 probes.
        RuntimeConfig config;
        config.workerThreads = 4;
        config.clockMode = ClockMode::Real;
        Runtime runtime(config);
        CircuitBreakerOptions options = robustOptions(4, 4, 2);
        options.recoveryTimeout = 5ms;
        CircuitBreaker breaker(runtime, options);
        runtime.blockOn([](CircuitBreaker &b) -> Task<void> {
            Runtime &rt = currentRuntime("test");
            const Instant end = rt.now() + 300ms;
            JoinSet<void> callers;
            for (int caller = 0; caller < 32; ++caller) {
                callers.spawn([](CircuitBreaker &cb, Instant until) -> Task<void> {
                    Runtime &r = currentRuntime("caller");
                    while (r.now() < until) {
                        (void)co_await cb.call([]() -> Task<bool> {
                            co_await sleep(10ms);
                            co_return false;
                        }());
                        co_await sleep(1ms);
                    }
                }(b, end));
            }
            while (co_await callers.joinNext()) {
            }
        }(breaker));
        const BreakerStats stats = breaker.stats();
        qInfo("%zu transitions, %llu admitted while half-open, at most %llu in one period", stats.transitions.size(),
              (unsigned long long)stats.halfOpenAdmitted, (unsigned long long)stats.halfOpenAdmittedMax);
        QVERIFY(stats.transitions.size() >= 2);
        QVERIFY(stats.halfOpenAdmitted > 0);
        QVERIFY(stats.halfOpenAdmittedMax <= 2);
    }

    void badOptionsAreRefused()
    {
        Runtime runtime(virtualConfig());
        auto with = [](auto change) {
            CircuitBreakerOptions options;
            change(options);
            return options;
        };
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 CircuitBreaker(runtime, with([](auto &o) { o.failureThreshold = 0; })));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CircuitBreaker(runtime, with([](auto &o) { o.windowSize = 0; })));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 CircuitBreaker(runtime, with([](auto &o) { o.failureRateThreshold = 0; })));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 CircuitBreaker(runtime, with([](auto &o) { o.halfOpenProbes = 0; })));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 CircuitBreaker(runtime, with([](auto &o) { o.minimumCalls = 0; })));
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
