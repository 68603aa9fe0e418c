#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "time/clock.h"
#include "time/impl/tscclock.h"
#include "time/sleep.h"

#include <thread>
#endif

using namespace taskscope;
using namespace taskscope::test;

class TestClock : public QObject
{
    Q_OBJECT

private slots:
    void counterClockIsMonotonicAndTracksTheSteadyClock()
    {
        // Whichever source it uses, the wall time under the real-mode Clock never goes back,
        // and it reads the steady clock's time: each reading lies between the steady readings
        // taken just before and just after it (give or take the calibration's error).
        constexpr std::int64_t tolerance = 50'000; // ns
        std::int64_t previous = detail::TscClock::nowNs();
        for (int i = 0; i < 200'000; ++i) {
            const std::int64_t before = detail::TscClock::steadyNs();
            const std::int64_t now = detail::TscClock::nowNs();
            const std::int64_t after = detail::TscClock::steadyNs();
            QVERIFY2(now >= previous, "the counter clock went back");
            QVERIFY2(now >= before - tolerance && now <= after + tolerance,
                     qPrintable(QStringLiteral("counter clock %1 ns outside the steady bracket [%2, %3] (counter: %4)")
                                    .arg(now).arg(before).arg(after).arg(detail::TscClock::usesCounter())));
            previous = now;
        }
    }

    void virtualTimeMovesOnlyForward()
    {
        Clock clock(ClockMode::Virtual, 1.0);
        QCOMPARE(clock.now(), Instant{});
        clock.advanceTo(Instant(Duration(5s)));
        clock.advanceTo(Instant(Duration(2s)));
        QCOMPARE(clock.now().time_since_epoch(), Duration(5s));
        QCOMPARE(clock.wallTimeUntil(Instant(Duration(6s))), std::chrono::steady_clock::duration::max());
    }

    void pausedRealTimeStandsStillAndCanBeStepped()
    {
        Clock clock(ClockMode::Real, 1.0);
        clock.pause();
        QVERIFY(clock.isPaused());
        const Instant frozen = clock.now();
        // Some wall time passes (as much as it takes, not a fixed sleep); the clock stays put.
        const auto wallStart = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - wallStart < 2ms)
            std::this_thread::yield();
        QCOMPARE(clock.now(), frozen);
        QCOMPARE(clock.wallTimeUntil(frozen + 1s), std::chrono::steady_clock::duration::max());
        clock.advanceTo(frozen + 3s); // the step button
        QCOMPARE(clock.now(), frozen + 3s);
        clock.resume();
        QVERIFY(clock.now() >= frozen + 3s);
    }

    void realTimeIsScaled()
    {
        // 1 s of runtime time ahead is 1 s / scale of wall time away, less the wall time that
        // passed between the two readings (a busy machine may preempt us in between), so the
        // bound is taken from the steady clock around them rather than assumed small.
        auto verifyWallTimeToOneSecondAhead = [](Clock &clock, double scale) {
            const auto before = std::chrono::steady_clock::now();
            const Instant target = clock.now() + 1s;
            const auto wall = clock.wallTimeUntil(target);
            const auto between = std::chrono::steady_clock::now() - before;
            const auto full = std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(1.0 / scale));
            const auto slack = std::chrono::microseconds(50); // the counter clock's calibration, as above
            QVERIFY2(wall <= full + slack && wall >= full - between - slack,
                     qPrintable(QStringLiteral("scale %1: %2 ns to wait, %3 ns passed between the readings")
                                    .arg(scale).arg(wall.count()).arg(between.count())));
        };
        Clock clock(ClockMode::Real, 0.5);
        verifyWallTimeToOneSecondAhead(clock, 0.5); // half speed: about 2 s away
        clock.setTimeScale(100);
        verifyWallTimeToOneSecondAhead(clock, 100); // about 10 ms away
    }

    void changingTheScaleNeverMovesTimeBack()
    {
        // now() is one fixed-point multiply from the anchor; each re-anchoring must carry the
        // time over exactly, at the extremes of the range too.
        Clock clock(ClockMode::Real, 1.0);
        Instant previous = clock.now();
        for (const double scale : {0.01, 100.0, 0.01, 1.0, 100.0, 0.5}) {
            clock.setTimeScale(scale);
            QCOMPARE(clock.timeScale(), scale);
            for (int read = 0; read < 1000; ++read) {
                const Instant now = clock.now();
                QVERIFY2(now >= previous, qPrintable(QStringLiteral("scale %1: %2 < %3").arg(scale).arg(now.time_since_epoch().count()).arg(previous.time_since_epoch().count())));
                previous = now;
            }
        }
        clock.pause();
        const Instant frozen = clock.now();
        QVERIFY(frozen >= previous);
        clock.setTimeScale(3.0); // a paused clock stays where it is
        QCOMPARE(clock.now(), frozen);
        clock.resume();
        QVERIFY(clock.now() >= frozen);
    }

    void timeScaleOutsideItsRangeIsRejected()
    {
        Clock clock(ClockMode::Real, 1.0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clock.setTimeScale(0.001));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, clock.setTimeScale(1000));
        QCOMPARE(clock.timeScale(), 1.0);
    }

    void timeScaleCanChangeWhileTheRuntimeRuns()
    {
        RuntimeConfig config;
        config.workerThreads = 1;
        config.timeScale = 0.01; // a 20 ms sleep would take 2 s of wall time...
        Runtime runtime(config);
        std::atomic<bool> done{false};
        JoinHandle<void> handle = runtime.spawn([](std::atomic<bool> &flag) -> Task<void> {
            co_await sleep(20ms);
            flag = true;
        }(done));
        QTest::qWait(20);
        QVERIFY(!done.load());
        runtime.setTimeScale(100); // ...until we speed up: the parked timekeeper re-arms
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), 1000);
    }

    void pacedVirtualTimeRunsNoFasterThanTheScale()
    {
        RuntimeConfig config = RuntimeConfig::deterministic();
        config.pacedVirtualTime = true;
        config.timeScale = 10.0; // 10 virtual ms per wall ms
        Runtime runtime(config);
        const auto wallStart = std::chrono::steady_clock::now();
        runtime.blockOn([]() -> Task<void> { co_await sleep(300ms); }());
        const auto wall = std::chrono::steady_clock::now() - wallStart;
        QCOMPARE(elapsedMs(runtime), 300);
        QVERIFY(wall >= std::chrono::milliseconds(30));
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
