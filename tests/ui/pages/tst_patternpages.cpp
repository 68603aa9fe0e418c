// The live pattern pages (ui/qml/pages/): each loads in the window's Pattern tab without a
// QML warning, runs its scenario deterministically (one worker, virtual clock paced at 4×)
// for a stretch of scenario time, and then shows what the engine's counters say.

#include "pagetest.h"

#ifndef Q_MOC_RUN
#include "items/levelplot.h"
#endif

using namespace taskscope::test;

class TestPatternPages : public QObject, public PageFixture
{
    Q_OBJECT

private slots:
    void initTestCase() { setUpTestCase("tst_patternpages"); }
    void init() { setUpTest(); }
    void cleanup() { close(); }

    void thePatternTabIsSelectedFirst()
    {
        QVERIFY(open(QStringLiteral("ratelimit"), QStringLiteral("robust"), {}));
        QCOMPARE(window()->findChild<QObject *>(QStringLiteral("bottomTabs"))->property("currentIndex").toInt(), 0);
        QTRY_VERIFY(page() != nullptr);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theBucketsLevelIsTheLimitersTokens()
    {
        QVERIFY(open(QStringLiteral("ratelimit"), QStringLiteral("robust"), {{"capacity", 10}, {"refill_per_s", 5}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("RateLimiterPage.qml")));
        QVERIFY(runUntil(1500));
        QQuickItem *level = itemNamed(page(), QStringLiteral("bucketLevel"));
        QVERIFY(level);
        QVERIFY(counter("bucket tokens") >= 0);
        QCOMPARE(level->property("value").toLongLong(), counter("bucket tokens"));
        // Once its 150 ms animation is over, the vessel's fill stands at that level.
        QQuickItem *vessel = level->parentItem();
        const double full = vessel->height() - 6;
        QTRY_VERIFY2(qAbs(level->height() - full * double(counter("bucket tokens")) / 10) < 1,
                     qPrintable(QStringLiteral("%1 of %2 for %3 tokens").arg(level->height()).arg(full).arg(counter("bucket tokens"))));
        // Eight clients asking as fast as they can: the bucket ran dry and requests were refused.
        QVERIFY(counter("admitted") >= 10);
        QVERIFY(counter("rejected") > 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("admittedCount"))->property("value").toLongLong(), counter("admitted"));
        QCOMPARE(itemNamed(page(), QStringLiteral("rejectedCount"))->property("value").toLongLong(), counter("rejected"));
        // The robust bucket never admits more than capacity + rate × elapsed.
        QCOMPARE(counter("over admitted"), -1);
        auto *plot = window()->findChild<taskscope::LevelPlot *>(QStringLiteral("tokensPlot"));
        QVERIFY(plot);
        QVERIFY(plot->sampleCount() > 1);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theSeedBucketStaysEmptyWhileAskedAndTheMagnifierIsOffByDefault()
    {
        // The seed refills inside a request, at most every 100 ms: 0.5 token at 5 tokens/s,
        // truncated to none while eight clients keep asking. The level stays at 0 while the
        // refusals climb.
        QVERIFY(open(QStringLiteral("ratelimit"), QStringLiteral("seed"), {}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runUntil(1500));
        QCOMPARE(counter("bucket tokens"), 0);
        QCOMPARE(counter("admitted"), 10);
        QVERIFY(counter("rejected") > 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("rejectedCount"))->property("value").toLongLong(), counter("rejected"));
        QCOMPARE(counter("over admitted"), -1);
        auto *plot = window()->findChild<taskscope::LevelPlot *>(QStringLiteral("tokensPlot"));
        QVERIFY(plot);
        QVERIFY(plot->sampleCount() > 10);
        QCOMPARE(itemNamed(page(), QStringLiteral("magnifierNote")), nullptr); // only visible items are found
        // No task-view warning: a refused client waits 1 ms instead of spinning.
        QVERIFY2(controller()->warnings().isEmpty(), qPrintable(controller()->warnings().join(QLatin1Char('\n'))));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theSeedPageNamesTheRaceMagnifierWhenItIsOn()
    {
        QVERIFY(open(QStringLiteral("ratelimit"), QStringLiteral("seed"), {{"magnify_race_us", 200}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runUntil(300));
        QQuickItem *note = itemNamed(page(), QStringLiteral("magnifierNote")); // visible, or not found
        QVERIFY(note);
        QVERIFY2(note->property("text").toString().contains(QStringLiteral("200 µs")), qPrintable(note->property("text").toString()));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theBreakerReadsOpenOnceEveryCallFails()
    {
        // Every call fails; the window of 10 fills within a few hundred ms and trips it, and a
        // long recovery timeout keeps it open.
        QVERIFY(open(QStringLiteral("breaker"), QStringLiteral("robust"),
                     {{"downstream_failure_rate", 1.0}, {"recovery_timeout_ms", 60000}, {"duration_ms", 5000}}));
        QTRY_VERIFY(page() != nullptr);
        QQuickItem *label = itemNamed(page(), QStringLiteral("breakerStateLabel"));
        QVERIFY(label);
        QCOMPARE(label->property("text").toString(), QStringLiteral("Closed"));
        QVERIFY(runUntil(2000));
        QCOMPARE(counter("breaker state"), 1);
        QCOMPARE(label->property("text").toString(), QStringLiteral("Open"));
        QCOMPARE(counter("breaker succeeded"), -1); // never traced: nothing succeeded
        QVERIFY(counter("breaker failed") >= 10);
        QVERIFY(counter("breaker rejected") > 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("failedCount"))->property("value").toLongLong(), counter("breaker failed"));
        QCOMPARE(itemNamed(page(), QStringLiteral("rejectedCount"))->property("value").toLongLong(), counter("breaker rejected"));
        QQuickItem *recovery = itemNamed(page(), QStringLiteral("recoveryLabel"));
        QVERIFY(recovery);
        QVERIFY2(recovery->property("text").toString().startsWith(QStringLiteral("Half-open in ")),
                 qPrintable(recovery->property("text").toString()));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theSeedBreakerOpensAtItsFailureThresholdAndTheSliderIsLive()
    {
        QVERIFY(open(QStringLiteral("breaker"), QStringLiteral("seed"),
                     {{"downstream_failure_rate", 1.0}, {"failure_threshold", 3}, {"recovery_timeout_ms", 60000}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runUntil(500));
        QCOMPARE(itemNamed(page(), QStringLiteral("breakerStateLabel"))->property("text").toString(), QStringLiteral("Open"));
        QVERIFY(counter("breaker failures") >= 3);
        // The slider sets the live parameter.
        QQuickItem *slider = itemNamed(page(), QStringLiteral("failureRateSlider"));
        QVERIFY(slider);
        QCOMPARE(slider->property("value").toDouble(), 1.0);
        QVERIFY(controller()->setParameter(QStringLiteral("downstream_failure_rate"), 0.25));
        QCOMPARE(slider->property("value").toDouble(), 0.25);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void thePoolsInUseSlotsAreTheInUseCounter()
    {
        QVERIFY(open(QStringLiteral("pool"), QStringLiteral("robust"), {{"pool_size", 4}, {"clients", 16}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runUntil(300));
        const QList<QQuickItem *> slots_ = itemsNamed(page(), QStringLiteral("poolSlot"));
        QCOMPARE(slots_.size(), 4); // robust: never more than pool_size connections
        QVERIFY(counter("pool in use") > 0);
        QCOMPARE(countWhere(slots_, "slotState", QStringLiteral("in use")), int(counter("pool in use")));
        // Sixteen clients on four connections: the others wait.
        QVERIFY(counter("pool waiting") > 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("waitingCount"))->property("text").toString(),
                 QString::number(counter("pool waiting")));
        QCOMPARE(itemNamed(page(), QStringLiteral("createdCount"))->property("value").toLongLong(), counter("pool connections"));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theQueueSlotsFilledAreTheQueueLength()
    {
        // 100 items/s in, 4 × 20 items/s out: the queue fills up and the producer waits.
        QVERIFY(open(QStringLiteral("backpressure"), QStringLiteral("robust"),
                     {{"producer_rate_per_s", 100.0}, {"queue_capacity", 16}, {"max_concurrent", 4}, {"work_ms", 50}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runUntil(1200));
        const QList<QQuickItem *> queue = itemsNamed(page(), QStringLiteral("queueSlot"));
        QCOMPARE(queue.size(), 16);
        QVERIFY(counter("queue length") > 0);
        QCOMPARE(countWhere(queue, "taken", true), int(counter("queue length")));
        const QList<QQuickItem *> workers = itemsNamed(page(), QStringLiteral("workerSlot"));
        QCOMPARE(workers.size(), 4);
        QCOMPARE(countWhere(workers, "taken", true), int(counter("in flight")));
        QVERIFY(counter("latency ms") >= 50); // at least the work
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theSeedsProcessorShowsItReturnedEarlyAndLostItsPanics()
    {
        // Four at a time, 3 s each: the last four items start at 6 s, when the channel has
        // closed, and the seed's processor returns then, 3 s before they end.
        QVERIFY(open(QStringLiteral("backpressure"), QStringLiteral("seed"),
                     {{"producer_rate_per_s", 100.0}, {"queue_capacity", 16}, {"max_concurrent", 4}, {"work_ms", 3000},
                      {"items", 12}, {"item_failure_rate", 0.5}}));
        QTRY_VERIFY(page() != nullptr);
        QQuickItem *processor = itemNamed(page(), QStringLiteral("processorState"));
        QVERIFY(processor);
        QCOMPARE(processor->property("value").toString(), QStringLiteral("–")); // nothing ran yet
        QVERIFY(runUntil(1000));
        QCOMPARE(processor->property("value").toString(), QStringLiteral("running"));
        // Nothing is traced between the return and the items' end: pause as soon as the return
        // is drained, with 3 s of paced runtime left before the items end.
        controller()->run();
        QVERIFY(QTest::qWaitFor([this] {
            controller()->drain();
            return counter("processor running") == 0;
        }, 20000));
        controller()->pause();
        QVERIFY(settleAndShow());
        QVERIFY2(counter("in flight") > 0, qPrintable(QStringLiteral("at %1 ms").arg(controller()->elapsedMs())));
        QCOMPARE(processor->property("value").toString(),
                 QStringLiteral("returned, %1 still running").arg(counter("in flight")));

        controller()->run();
        QTRY_VERIFY_WITH_TIMEOUT(!controller()->metrics().isEmpty(), 20000);
        controller()->drain();
        QVERIFY(waitForFrame());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("returned_before_done_ms").toInt(), 3000);
        QCOMPARE(processor->property("value").toString(), QStringLiteral("returned"));
        QCOMPARE(itemNamed(page(), QStringLiteral("returnedBeforeDone"))->property("value").toString(),
                 QStringLiteral("3000 ms"));
        const int failed = metrics.value("items_failed").toInt();
        QVERIFY(failed > 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("itemsFailed"))->property("value").toInt(), failed);
        QCOMPARE(itemNamed(page(), QStringLiteral("panicsReported"))->property("value").toInt(), 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("panicsUnreported"))->property("value").toInt(), failed);
        QCOMPARE(metrics.value("panics_lost").toInt(), failed);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theRobustProcessorReportsEveryPanicAndEndsWithItsItems()
    {
        QVERIFY(open(QStringLiteral("backpressure"), QStringLiteral("robust"),
                     {{"producer_rate_per_s", 100.0}, {"max_concurrent", 4}, {"work_ms", 300}, {"items", 40},
                      {"item_failure_rate", 0.5}}));
        QTRY_VERIFY(page() != nullptr);
        controller()->run();
        QTRY_VERIFY_WITH_TIMEOUT(!controller()->metrics().isEmpty(), 20000);
        controller()->drain();
        QVERIFY(waitForFrame());
        const QVariantMap metrics = controller()->metrics();
        const int failed = metrics.value("items_failed").toInt();
        QVERIFY(failed > 0);
        QCOMPARE(metrics.value("panics_reported").toInt(), failed);
        QCOMPARE(itemNamed(page(), QStringLiteral("panicsReported"))->property("value").toInt(), failed);
        QCOMPARE(itemNamed(page(), QStringLiteral("panicsUnreported"))->property("value").toInt(), 0);
        QCOMPARE(itemNamed(page(), QStringLiteral("returnedBeforeDone"))->property("value").toString(),
                 QStringLiteral("0 ms"));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestPatternPages)
#include "tst_patternpages.moc"
