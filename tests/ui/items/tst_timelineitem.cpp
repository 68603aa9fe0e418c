#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "engine/timelinedata.h"
#include "items/timelineitem.h"
#endif

#include <QQuickWindow>
#include <QSignalSpy>

#include <algorithm>

using namespace taskscope;

class TestTimelineItem : public QObject
{
    Q_OBJECT

private slots:
    void slicesLandInTheirLaneAtTheirTime()
    {
        // A 1 s window ending at t = 2 s, 1000 px wide: 1 px per ms, the window starts at 1 s.
        const std::int64_t end = 2'000'000'000;
        const QRectF first = TimelineItem::sliceRect({1'200'000'000, 1'250'000'000, 3, 0}, end, 1.0, 1000, 20);
        QCOMPARE(first, QRectF(200, 0, 50, 20));
        const QRectF second = TimelineItem::sliceRect({1'900'000'000, 2'000'000'000, 4, 2}, end, 1.0, 1000, 20);
        QCOMPARE(second, QRectF(900, 2 * (20 + 4), 100, 20)); // lane 2, below two lanes and their gaps
    }

    void stealsAreNarrowFlagsAndParksThinLinesOverTheirSpan()
    {
        const std::int64_t end = 2'000'000'000; // 1 s window, 1000 px: 1 px per ms
        const TimelineMark steal{1'500'000'000, 1'500'000'000, 1, 0, 7, TimelineMark::Kind::Steal};
        const QRectF flag = TimelineItem::markRect(steal, end, 1.0, 1000, 20);
        QCOMPARE(flag.center().x(), 500.0);
        QCOMPARE(flag.top(), 24.0);      // lane 1
        QCOMPARE(flag.height(), 10.0);   // the upper half: the poll under it stays visible
        QVERIFY(flag.width() <= 3.0);
        const TimelineMark park{800'000'000, 1'300'000'000, 2, -1, 0, TimelineMark::Kind::Park};
        const QRectF line = TimelineItem::markRect(park, end, 1.0, 1000, 20);
        QCOMPARE(line.left(), 0.0);      // clipped at the window's start
        QCOMPARE(line.right(), 300.0);
        QCOMPARE(line.center().y(), 2 * 24.0 + 10.0); // through the middle of lane 2
        QVERIFY(line.height() <= 3.0);
    }

    void timeAtIsTheInverseOfTheSlicePosition()
    {
        const std::int64_t end = 2'000'000'000;
        QCOMPARE(TimelineItem::timeAt(1000, end, 1.0, 1000), end);
        QCOMPARE(TimelineItem::timeAt(0, end, 1.0, 1000), 1'000'000'000);
        QCOMPARE(TimelineItem::timeAt(250, end, 0.5, 1000), 1'625'000'000);
        const QRectF rect = TimelineItem::sliceRect({1'625'000'000, 1'700'000'000, 1, 0}, end, 0.5, 1000, 20);
        QCOMPARE(rect.left(), 250.0);
    }

    void aClickSelectsTheTaskUnderThePointerAndZoomKeepsThatTimeInPlace()
    {
        // Two workers, one poll each: task 3 on lane 0 from 1.2 to 1.3 s, task 5 on lane 1 from
        // 1.6 to 1.9 s; the data ends at 2 s.
        EngineController controller;
        const auto ms = [](std::int64_t t) { return t * 1'000'000; };
        controller.applyEvents({{ms(1200), 3, 0, 0, 0, TraceKind::PollStart}, {ms(1300), 3, 0, 0, 0, TraceKind::PollEnd},
                                {ms(1600), 5, 0, 0, 1, TraceKind::PollStart}, {ms(1900), 5, 0, 0, 1, TraceKind::PollEnd},
                                {ms(2000), 0, 0, 0, -1, TraceKind::TimerFire}},
                               {});
        TimelineItem item;
        item.setSize(QSizeF(1000, 100));
        item.setLaneHeight(20);
        item.setWindowSeconds(1.0);
        item.setController(&controller);
        QCOMPARE(item.taskAt(QPointF(250, 10)), 3);   // lane 0 at 1.25 s
        QCOMPARE(item.taskAt(QPointF(700, 30)), 5);   // lane 1 at 1.7 s
        QCOMPARE(item.taskAt(QPointF(700, 10)), 0);   // lane 0 is idle then
        QCOMPARE(item.taskAt(QPointF(700, 22)), 0);   // the gap between the lanes
        QSignalSpy selected(&item, &TimelineItem::selectedTaskChanged);
        item.setSelectedTask(item.taskAt(QPointF(250, 10)));
        QCOMPARE(item.selectedTask(), 3);
        QCOMPARE(selected.count(), 1);

        // Following the live edge, zooming keeps the right edge: 0.5 s now ends at 2 s.
        item.zoomAt(250, 0.5);
        QCOMPARE(item.windowSeconds(), 0.5);
        QCOMPARE(item.panSeconds(), 0.0);
        QCOMPARE(item.taskAt(QPointF(400, 30)), 5); // 1.7 s is now at x = 400

        // Panned back, zooming keeps the time under the pointer in place.
        item.setWindowSeconds(1.0);
        item.setPanSeconds(0.5); // the window is 0.5 – 1.5 s
        QCOMPARE(item.taskAt(QPointF(750, 10)), 3); // 1.25 s
        item.zoomAt(750, 0.5);
        QCOMPARE(item.windowSeconds(), 0.5);
        QCOMPARE(TimelineItem::timeAt(750, 2'000'000'000 - std::int64_t(item.panSeconds() * 1e9), 0.5, 1000),
                 1'250'000'000);
        QCOMPARE(item.taskAt(QPointF(750, 10)), 3);
    }

    void aDrainThatChangedNothingDoesNotRepaint()
    {
        // A paused run still drains every frame; repainting its 100k slices for nothing cost
        // the software backend most of a frame.
        EngineController controller;
        const auto ms = [](std::int64_t t) { return t * 1'000'000; };
        controller.applyEvents({{ms(100), 3, 0, 0, 0, TraceKind::PollStart}, {ms(200), 3, 0, 0, 0, TraceKind::PollEnd}}, {});
        QQuickWindow window;
        window.resize(400, 60);
        TimelineItem item(window.contentItem());
        item.setSize(QSizeF(400, 60));
        item.setController(&controller);
        QSignalSpy frames(&window, &QQuickWindow::frameSwapped);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(frames.count() > 0); // the first frame
        QTest::qWait(50);
        frames.clear();
        for (int drain = 0; drain < 3; ++drain)
            emit controller.frameUpdated();
        QTest::qWait(100);
        QCOMPARE(frames.count(), 0);
        controller.applyEvents({{ms(300), 3, 0, 0, 0, TraceKind::PollStart}}, {});
        emit controller.frameUpdated();
        QTRY_VERIFY(frames.count() > 0); // new data: a new frame
    }

    void aNewSizeRepaintsWithoutNewData()
    {
        // Task 3 polls from 1 to 2 s; a 2 s window 400 px wide draws it at x 200–400. Narrowed
        // to 200 px while nothing new comes (a paused run), it must be drawn at 100–200.
        EngineController controller;
        const auto ms = [](std::int64_t t) { return t * 1'000'000; };
        controller.applyEvents({{ms(1000), 3, 0, 0, 0, TraceKind::PollStart}, {ms(2000), 3, 0, 0, 0, TraceKind::PollEnd}}, {});
        QQuickWindow window;
        window.resize(400, 40);
        window.setColor(Qt::black);
        TimelineItem item(window.contentItem());
        item.setSize(QSizeF(400, 40));
        item.setLaneHeight(20);
        item.setWindowSeconds(2.0);
        item.setController(&controller);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QRgb task = TimelineData::colorOf(3).rgb();
        QTRY_COMPARE(window.grabWindow().pixelColor(300, 10).rgb(), task);
        item.setWidth(200);
        QTRY_COMPARE(window.grabWindow().pixelColor(150, 10).rgb(), task);
        QCOMPARE(window.grabWindow().pixelColor(300, 10).rgb(), QColor(Qt::black).rgb());
    }

    void stealsAndParksWithinAPixelAreDrawnOnce()
    {
        // 1 px per ms: 400 steals within one millisecond on lane 1 draw one flag; 400 parks of
        // 0.5 ms back to back on lane 0 draw one line; a steal 100 px later gets its own flag.
        EngineController controller;
        const auto ms = [](std::int64_t t) { return t * 1'000'000; };
        std::vector<TraceEvent> events;
        for (std::int64_t i = 0; i < 400; ++i) {
            events.push_back({ms(500) + i * 2'000, 7, 0, 0, 1, TraceKind::Steal});
            events.push_back({ms(100) + i * 500'000, 0, 0, 0, 0, TraceKind::Park});
            events.push_back({ms(100) + i * 500'000 + 400'000, 0, 0, 0, 0, TraceKind::Unpark});
        }
        events.push_back({ms(600), 7, 0, 0, 1, TraceKind::Steal});
        events.push_back({ms(1000), 0, 0, 0, -1, TraceKind::TimerFire});
        std::sort(events.begin(), events.end(), [](const TraceEvent &a, const TraceEvent &b) { return a.timeNs < b.timeNs; });
        controller.applyEvents(events, {});
        QCOMPARE(controller.timeline().marks().size(), std::size_t(801));
        QQuickWindow window;
        window.resize(1000, 60);
        TimelineItem item(window.contentItem());
        item.setSize(QSizeF(1000, 60));
        item.setLaneHeight(20);
        item.setWindowSeconds(1.0);
        item.setController(&controller);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(item.shapeCount() > 0);
        // One park line, and two steals (a bar and a flag each).
        QCOMPARE(item.shapeCount(), 1 + 2 * 2);
        const QImage frame = window.grabWindow();
        QCOMPARE(frame.pixelColor(200, 10).rgb(), item.property("parkColor").value<QColor>().rgb()); // the merged line
    }

    void zoomMapsTheSameSliceToAWiderRect()
    {
        const TimelineSlice slice{1'900'000'000, 1'950'000'000, 1, 0};
        const QRectF wide = TimelineItem::sliceRect(slice, 2'000'000'000, 0.5, 1000, 20);   // zoomed in
        const QRectF narrow = TimelineItem::sliceRect(slice, 2'000'000'000, 2.0, 1000, 20); // zoomed out
        QCOMPARE(wide, QRectF(800, 0, 100, 20));
        QCOMPARE(narrow, QRectF(950, 0, 25, 20));
    }

    void slicesOutsideTheWindowAreClippedAndShortPollsStayVisible()
    {
        const std::int64_t end = 2'000'000'000;
        const QRectF clipped = TimelineItem::sliceRect({500'000'000, 1'100'000'000, 1, 0}, end, 1.0, 1000, 20);
        QCOMPARE(clipped.left(), 0.0);
        QCOMPARE(clipped.right(), 100.0);
        const QRectF tiny = TimelineItem::sliceRect({1'500'000'000, 1'500'000'100, 1, 1}, end, 1.0, 1000, 20);
        QCOMPARE(tiny.width(), 1.0);
    }

    void aSelectedTaskShowsItsWakeArrowAndStealsAreFlagged()
    {
        // Task 3 polls on lane 0 at 100–200 ms and wakes task 5 at 150 ms; task 5 polls on lane 1
        // at 300–400 ms; worker 1 steals at 600 ms. A 1 s window, 1000 px: 1 px per ms.
        EngineController controller;
        const auto ms = [](std::int64_t t) { return t * 1'000'000; };
        controller.applyEvents({{ms(100), 3, 0, 0, 0, TraceKind::PollStart}, {ms(150), 5, 3, 0, 0, TraceKind::Wake},
                                {ms(200), 3, 0, 0, 0, TraceKind::PollEnd}, {ms(300), 5, 0, 0, 1, TraceKind::PollStart},
                                {ms(400), 5, 0, 0, 1, TraceKind::PollEnd}, {ms(600), 7, 0, 1, 1, TraceKind::Steal},
                                {ms(1000), 0, 0, 0, -1, TraceKind::TimerFire}},
                               {});
        QQuickWindow window;
        window.resize(1000, 60);
        window.setColor(Qt::black);
        TimelineItem item(window.contentItem());
        item.setSize(QSizeF(1000, 60));
        item.setLaneHeight(20);
        item.setWindowSeconds(1.0);
        item.setProperty("highlightColor", QColor(Qt::magenta));
        item.setProperty("stealColor", QColor(Qt::green));
        item.setController(&controller);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        const auto colourNear = [](const QImage &image, QPoint at, QColor colour) {
            for (int dy = -2; dy <= 2; ++dy) {
                for (int dx = -2; dx <= 2; ++dx) {
                    if (image.pixelColor(at + QPoint(dx, dy)).rgb() == colour.rgb())
                        return true;
                }
            }
            return false;
        };
        // The arrow runs from (150, 10), the wake on lane 0, to task 5's poll at (300, 34).
        const QPoint midArrow(225, 22); // in the gap between the lanes
        QImage frame = window.grabWindow();
        QVERIFY(!colourNear(frame, midArrow, Qt::magenta));
        QVERIFY(colourNear(frame, QPoint(600, 26), Qt::green)); // the steal's flag on lane 1

        item.setSelectedTask(5);
        QTest::qWait(50);
        frame = window.grabWindow();
        QVERIFY(colourNear(frame, midArrow, Qt::magenta));
        QVERIFY(colourNear(frame, QPoint(350, 24), Qt::magenta)); // the outline of task 5's poll
        QVERIFY(!colourNear(frame, QPoint(500, 10), Qt::magenta));
    }

    void dataKeepsOpenPollsApartAndCapsItsMemory()
    {
        TimelineData data;
        data.pollStarted(0, 5, 100);
        QCOMPARE(data.openSlices().at(0).task, 5u);
        QVERIFY(data.slices().empty());
        data.pollEnded(0, 300);
        QCOMPARE(data.slices().size(), std::size_t(1));
        QCOMPARE(data.slices().front().endNs, 300);
        QCOMPARE(data.latestNs(), 300);
        // Filling it never moves the list to new memory (a drain that did stalled a frame), and
        // past its capacity the oldest slices go.
        const TimelineSlice *storage = data.slices().data();
        for (std::size_t i = 0; i < TimelineData::capacity + 10; ++i) {
            data.pollStarted(1, 6, std::int64_t(400 + i));
            data.pollEnded(1, std::int64_t(400 + i));
        }
        QCOMPARE(data.slices().data(), storage);
        QVERIFY(data.slices().size() <= TimelineData::capacity);
        QCOMPARE(data.slices().back().endNs, std::int64_t(400 + TimelineData::capacity + 9));
        data.parked(0, 10);
        QCOMPARE(data.openParks().at(0), 10);
        data.unparked(0, 50);
        QCOMPARE(data.openParks().at(0), -1);
        QCOMPARE(data.marks().back().kind, TimelineMark::Kind::Park);
        data.unparked(0, 60); // not parked: nothing to close
        QCOMPARE(data.marks().size(), std::size_t(1));
        QVERIFY(TimelineData::colorOf(1) != TimelineData::colorOf(2));
    }
};

QTEST_MAIN(TestTimelineItem)
#include "tst_timelineitem.moc"
