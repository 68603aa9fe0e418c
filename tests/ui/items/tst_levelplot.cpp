#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/patternstate.h"
#include "items/levelplot.h"
#endif

#include <QSignalSpy>

using namespace taskscope;

class TestLevelPlot : public QObject
{
    Q_OBJECT

private slots:
    void itCountsTheSamplesInItsWindowAndFollowsTheFeed()
    {
        PatternState state;
        LevelPlot plot;
        plot.setState(&state);
        plot.setCounter(QStringLiteral("level"));
        plot.setWindowMs(100);
        QCOMPARE(plot.sampleCount(), 0);
        const QHash<std::uint64_t, QString> names{{1, QStringLiteral("level")}};
        std::vector<TraceEvent> events;
        for (int ms = 0; ms <= 300; ms += 10) // 0, 10, …, 300
            events.push_back(TraceEvent{std::int64_t(ms) * 1'000'000, 0, 1, ms, 0, TraceKind::Counter});
        QSignalSpy shown(&plot, &LevelPlot::shownChanged);
        state.apply(events, names);
        QVERIFY(shown.count() >= 1);
        // The window ends at the latest event (300 ms): 210…300 and the level held from 200.
        QCOMPARE(plot.sampleCount(), 11);
        // No fixed maximum: the scale follows the peak with some headroom.
        QCOMPARE(plot.shownMaximum(), 330.0);

        plot.setEndMs(150); // looking back: 60…150 and the level from 50
        QCOMPARE(plot.sampleCount(), 11);
        plot.setMaximum(1000);
        QCOMPARE(plot.shownMaximum(), 1000.0);
        state.clear();
        QCOMPARE(plot.sampleCount(), 0);
    }
};

QTEST_MAIN(TestLevelPlot)
#include "tst_levelplot.moc"
