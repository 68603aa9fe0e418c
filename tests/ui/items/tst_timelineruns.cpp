#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/timelinedata.h"
#include "items/timelineruns.h"
#endif

#include <random>

using namespace taskscope;

namespace {

constexpr double s_nsPerPixel = 100; // 1 px = 100 ns

void poll(TimelineData &data, int worker, std::uint64_t task, std::int64_t startNs, std::int64_t endNs)
{
    data.pollStarted(worker, task, startNs);
    data.pollEnded(worker, endNs);
}

/// Runs as plain tuples, to compare two builds.
std::vector<std::tuple<std::size_t, std::int64_t, std::int64_t, std::uint64_t>> flatten(const TimelineRuns &runs)
{
    std::vector<std::tuple<std::size_t, std::int64_t, std::int64_t, std::uint64_t>> out;
    for (std::size_t lane = 0; lane < runs.lanes().size(); ++lane) {
        for (const TimelineRuns::Run &run : runs.lanes()[lane])
            out.emplace_back(lane, run.startNs, run.endNs, run.task);
    }
    return out;
}

} // namespace

class TestTimelineRuns : public QObject
{
    Q_OBJECT

private slots:
    void pollsWithinAPixelMergeSameTaskGrowsOthersStopAtFourPixels()
    {
        TimelineData data;
        // Task 1: three polls 50 ns apart (under a pixel): one run.
        poll(data, 0, 1, 0, 100);
        poll(data, 0, 1, 150, 250);
        poll(data, 0, 1, 300, 900);
        // A gap of 3 px, then tasks 2, 3, 4, 5, 6 of 150 ns each, touching: they merge until
        // the run is 4 px wide, then a new run starts.
        for (int i = 0; i < 5; ++i)
            poll(data, 0, 2 + std::uint64_t(i), 1200 + i * 150, 1350 + i * 150);
        // A 10 ns poll on lane 1: a pixel wide all the same.
        poll(data, 1, 9, 5000, 5010);
        TimelineRuns runs;
        runs.update(data, s_nsPerPixel, 0);
        const auto &lane0 = runs.lanes().at(0);
        QCOMPARE(lane0.size(), std::size_t(3));
        QCOMPARE(lane0[0].startNs, 0);
        QCOMPARE(lane0[0].endNs, 900);
        QCOMPARE(lane0[0].task, 1u);
        QCOMPARE(lane0[1].startNs, 1200); // tasks 2, 3, 4 (450 ns ≥ 4 px stops it)
        QCOMPARE(lane0[1].endNs, 1650);
        QCOMPARE(lane0[1].task, 2u);
        QCOMPARE(lane0[1].color, TimelineData::colorOf(2).rgb());
        QCOMPARE(lane0[2].startNs, 1650); // tasks 5, 6
        QCOMPARE(lane0[2].endNs, 1950);
        QCOMPARE(runs.lanes().at(1).front().endNs, 5100); // widened to one pixel
        QCOMPARE(runs.slicesMerged(), 9u);
    }

    void mergingFrameByFrameGivesWhatMergingAtOnceGives()
    {
        // A random trace fed in batches, the view scrolling with it, against one build at the end.
        std::mt19937 random(7);
        TimelineData data;
        TimelineRuns incremental;
        std::int64_t now = 0;
        std::vector<std::int64_t> free(3, 0);
        for (int frame = 0; frame < 200; ++frame) {
            for (int i = 0; i < 50; ++i) {
                const int worker = int(random() % 3);
                const std::int64_t start = free[std::size_t(worker)] + std::int64_t(random() % 300);
                const std::int64_t end = start + 1 + std::int64_t(random() % 400);
                poll(data, worker, 1 + random() % 5, start, end);
                free[std::size_t(worker)] = end;
                now = std::max(now, end);
            }
            incremental.update(data, s_nsPerPixel, std::max<std::int64_t>(0, now - 200000));
        }
        const std::int64_t viewStart = std::max<std::int64_t>(0, now - 200000);
        TimelineRuns atOnce;
        atOnce.update(data, s_nsPerPixel, 0);
        atOnce.update(data, s_nsPerPixel, viewStart); // drops what ended before the view
        QCOMPARE(flatten(incremental), flatten(atOnce));
        // Only the new slices were merged each frame: every slice once, none twice.
        QCOMPARE(incremental.slicesMerged(), std::uint64_t(200 * 50));
        for (const auto &lane : incremental.lanes()) {
            QVERIFY(!lane.empty());
            QVERIFY(lane.front().endNs >= viewStart);
        }
    }

    void aNewZoomAClearOrAPanBackStartsOver()
    {
        TimelineData data;
        for (int i = 0; i < 100; ++i)
            poll(data, 0, 1 + std::uint64_t(i % 2), i * 1000, i * 1000 + 600);
        TimelineRuns runs;
        runs.update(data, s_nsPerPixel, 50000);
        QCOMPARE(runs.lanes().at(0).size(), std::size_t(50)); // polls 50…99, a run each
        QCOMPARE(runs.slicesMerged(), 50u);
        runs.update(data, s_nsPerPixel * 10, 50000); // zoomed out: 1 px = 1000 ns, all touch
        QCOMPARE(runs.slicesMerged(), 50u);          // merged again from the start
        QVERIFY(runs.lanes().at(0).size() < 50);
        runs.update(data, s_nsPerPixel * 10, 20000); // panned back before what the runs cover
        QCOMPARE(runs.lanes().at(0).front().startNs, 20000);
        QCOMPARE(runs.slicesMerged(), 80u);
        data.clear();
        poll(data, 0, 7, 10, 20);
        runs.update(data, s_nsPerPixel * 10, 0);
        QCOMPARE(runs.lanes().at(0).size(), std::size_t(1));
        QCOMPARE(runs.lanes().at(0).front().task, 7u);
    }

    void slicesDroppedByTheDataAreNotMissed()
    {
        // More slices than the data keeps between two updates: it starts over from what is left.
        TimelineData data;
        TimelineRuns runs;
        poll(data, 0, 1, 0, 10);
        runs.update(data, s_nsPerPixel, 0);
        for (std::size_t i = 1; i <= TimelineData::capacity + 10; ++i)
            poll(data, 0, 1 + i % 2, std::int64_t(i) * 1000, std::int64_t(i) * 1000 + 500);
        QVERIFY(data.firstSliceSerial() > 0);
        runs.update(data, s_nsPerPixel, 0);
        QCOMPARE(runs.lanes().at(0).size(), data.slices().size());
        QCOMPARE(runs.lanes().at(0).front().startNs, data.slices().front().startNs);
    }
};

QTEST_MAIN(TestTimelineRuns)
#include "tst_timelineruns.moc"
