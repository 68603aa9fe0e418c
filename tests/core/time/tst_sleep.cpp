#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "time/interval.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

class TestSleep : public QObject
{
    Q_OBJECT

private slots:
    void sleepsWakeInDeadlineOrderOnTheVirtualClock()
    {
        Runtime runtime(virtualConfig());
        const QList<long long> wakeTimes = runtime.blockOn([](Runtime &rt) -> Task<QList<long long>> {
            QList<long long> times;
            std::vector<JoinHandle<void>> sleepers;
            for (int ms : {300, 100, 200, 100}) {
                sleepers.push_back(spawn([](Runtime &r, QList<long long> &out, int delay) -> Task<void> {
                    co_await sleep(std::chrono::milliseconds(delay));
                    out << elapsedMs(r);
                }(rt, times, ms)));
            }
            for (auto &sleeper : sleepers)
                co_await sleeper.join();
            co_return times;
        }(runtime));
        QCOMPARE(wakeTimes, QList<long long>({100, 100, 200, 300}));
    }

    void sleepUntilAPastInstantDoesNotSuspend()
    {
        Runtime runtime(virtualConfig());
        const long long at = runtime.blockOn([](Runtime &rt) -> Task<long long> {
            co_await sleep(50ms);
            co_await sleepUntil(Instant(Duration(10ms))); // already passed
            co_await sleepUntil(Instant(Duration(80ms)));
            co_return elapsedMs(rt);
        }(runtime));
        QCOMPARE(at, 80);
    }

    void sleepOutsideATaskIsALogicError()
    {
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)sleep(1ms).await_ready());
    }

    void busyForAdvancesVirtualTimeAndHoldsTheWorker()
    {
        Runtime runtime(virtualConfig());
        RecordingSink sink;
        runtime.setTraceSink(&sink);
        runtime.blockOn([]() -> Task<void> {
            busyFor(250ms);
            co_return;
        }());
        runtime.setTraceSink(nullptr);
        QCOMPARE(elapsedMs(runtime), 250);
        // One poll that lasted the whole 250 ms.
        std::int64_t start = -1, end = -1;
        for (const TraceEvent &event : sink.events()) {
            if (event.kind == TraceKind::PollStart)
                start = event.timeNs;
            if (event.kind == TraceKind::PollEnd)
                end = event.timeNs;
        }
        QCOMPARE(end - start, std::int64_t(250'000'000));
    }

    void busyForOnTheRealClockSpinsForThatLong()
    {
        RuntimeConfig config;
        config.workerThreads = 1;
        config.timeScale = 10.0; // 10 runtime ms per wall ms: the spin is short
        Runtime runtime(config);
        const Duration took = runtime.blockOn([](Runtime &rt) -> Task<Duration> {
            const Instant start = rt.now();
            busyFor(20ms);
            co_return rt.now() - start;
        }(runtime));
        QVERIFY(took >= Duration(20ms));
    }

    void intervalBurstCatchesUpMissedTicksAtOnce()
    {
        Runtime runtime(virtualConfig());
        const QList<long long> ticks = runtime.blockOn([](Runtime &rt) -> Task<QList<long long>> {
            Interval every(100ms); // Burst by default
            QList<long long> out;
            for (int i = 0; i < 6; ++i) {
                const Instant scheduled = co_await every.tick();
                out << std::chrono::duration_cast<std::chrono::milliseconds>(scheduled.time_since_epoch()).count()
                    << elapsedMs(rt);
                if (i == 1)
                    busyFor(250ms); // miss the ticks at 200 and 300
            }
            co_return out;
        }(runtime));
        // pairs of (scheduled, completed): 200 and 300 complete late, at 350; 400 on time
        QCOMPARE(ticks, QList<long long>({0, 0, 100, 100, 200, 350, 300, 350, 400, 400, 500, 500}));
    }

    void intervalDelayAndSkipHandleMissedTicks_data()
    {
        QTest::addColumn<int>("behavior");
        QTest::addColumn<QList<long long>>("expected");
        // The tick due at 200 completes late, at 350, in both. Delay: the next is one period
        // after that. Skip: 300 is dropped and the schedule is back on the grid at 400.
        QTest::newRow("delay") << int(MissedTickBehavior::Delay) << QList<long long>({0, 100, 350, 450});
        QTest::newRow("skip") << int(MissedTickBehavior::Skip) << QList<long long>({0, 100, 350, 400});
    }

    void intervalDelayAndSkipHandleMissedTicks()
    {
        QFETCH(int, behavior);
        QFETCH(QList<long long>, expected);
        Runtime runtime(virtualConfig());
        const QList<long long> ticks = runtime.blockOn([](Runtime &rt, MissedTickBehavior missed) -> Task<QList<long long>> {
            Interval every(100ms, missed);
            QList<long long> out;
            for (int i = 0; i < 4; ++i) {
                co_await every.tick();
                out << elapsedMs(rt);
                if (i == 1)
                    busyFor(250ms); // miss the tick due at 200
            }
            co_return out;
        }(runtime, MissedTickBehavior(behavior)));
        QCOMPARE(ticks, expected);
    }

    void intervalRejectsANonPositivePeriod()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Interval(Duration::zero()));
    }
};

QTEST_GUILESS_MAIN(TestSleep)
#include "tst_sleep.moc"
