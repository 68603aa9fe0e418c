#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/timelinedata.h"
#include "items/timelineitem.h"
#endif

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
        for (std::size_t i = 0; i < TimelineData::capacity + 10; ++i) {
            data.pollStarted(1, 6, std::int64_t(400 + i));
            data.pollEnded(1, std::int64_t(400 + i));
        }
        QVERIFY(data.slices().size() <= TimelineData::capacity);
        QVERIFY(TimelineData::colorOf(1) != TimelineData::colorOf(2));
    }
};

QTEST_GUILESS_MAIN(TestTimelineItem)
#include "tst_timelineitem.moc"
