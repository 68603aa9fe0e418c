// The stream-pipeline and fan-out pages (ui/qml/pages/StreamPipelinePage.qml, FanOutPage.qml):
// each loads in the window's Pattern tab without a QML warning, runs its scenario
// deterministically (virtual clock; fan-out then uses the simulated transport), and shows what
// the engine traced — the stages' counts, the collected result, each request's bar, status and
// place in the completion order — checked against the trace's counters and the run's metrics.

#include "pagetest.h"

#include <QSet>

#include <algorithm>

using namespace taskscope::test;

namespace {

QList<qlonglong> longs(const QVariant &list)
{
    QList<qlonglong> out;
    for (const QVariant &item : list.toList())
        out << item.toLongLong();
    return out;
}

} // namespace

class TestStreamFanOutPages : public QObject, public PageFixture
{
    Q_OBJECT

    /// Runs the open scenario to its end and drains, so the page shows the final state.
    bool runToTheEnd()
    {
        controller()->run();
        if (!QTest::qWaitFor([this] { return !controller()->metrics().isEmpty(); }, 20000))
            return false;
        controller()->drain();
        return waitForFrame();
    }

    /// The value the page's stage box @p name shows as its count.
    qlonglong stageCount(const char *name) const
    {
        QQuickItem *stage = itemNamed(page(), QString::fromLatin1(name));
        return stage ? stage->property("count").toLongLong() : -2;
    }

private slots:
    void initTestCase() { setUpTestCase("tst_streamfanoutpages"); }
    void init() { setUpTest(); }
    void cleanup() { close(); }

    void theStagesShowTheTracedCountsAndTheResultTheMetrics()
    {
        // 200 ms per item in the map: items pass one by one, and one sits in the map mid-run.
        QVERIFY(open(QStringLiteral("streams"), QStringLiteral("guide"),
                     {{"items", 20}, {"multiply", 2}, {"keep_above", 5}, {"stage_delay_ms", 200}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("StreamPipelinePage.qml")));

        QVERIFY(runUntil(1100));
        QVERIFY(counter("stage iter") > 0);
        QCOMPARE(stageCount("sourceStage"), counter("stage iter"));
        QCOMPARE(stageCount("mapStage"), counter("stage map"));
        QCOMPARE(stageCount("filterStage"), counter("stage filter"));
        QCOMPARE(stageCount("collectStage"), counter("stage collect"));
        QQuickItem *filter = itemNamed(page(), QStringLiteral("filterStage"));
        QCOMPARE(filter->property("extraCount").toLongLong(), counter("stage filter dropped"));
        // The source gave one more item than the map has finished: it is in the map now.
        QCOMPARE(counter("stage iter") - counter("stage map"), 1);
        QQuickItem *map = itemNamed(page(), QStringLiteral("mapStage"));
        QCOMPARE(map->property("holding").toString(), QString::number(counter("stage iter")));
        // The growing result shows traced values; the newest is the collect stage's last item.
        const QStringList growing = itemNamed(page(), QStringLiteral("resultFlow"))->property("shown").toStringList();
        QVERIFY(!growing.isEmpty());
        QCOMPARE(growing.constLast(), QString::number(counter("stage collect last")));

        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(counter("stage iter"), 20);
        QCOMPARE(stageCount("sourceStage"), counter("stage iter"));
        QCOMPARE(stageCount("mapStage"), counter("stage map"));
        QCOMPARE(stageCount("filterStage"), counter("stage filter"));
        QCOMPARE(filter->property("extraCount").toLongLong(), counter("stage filter dropped"));
        QCOMPARE(stageCount("collectStage"), counter("stage collect"));
        QCOMPARE(counter("stage collect"), metrics.value("count").toLongLong());
        QCOMPARE(counter("stage filter") + counter("stage filter dropped"), counter("stage map"));
        QCOMPARE(map->property("holding").toString(), QString());
        // The strip now shows the run's result, and what it showed while growing was part of it
        // (in order; "…" only where values went by between two frames).
        QStringList result;
        for (const QVariant &value : metrics.value("result").toList())
            result << value.toString();
        QVERIFY(!result.isEmpty());
        QCOMPARE(itemNamed(page(), QStringLiteral("resultFlow"))->property("shown").toStringList(), result);
        qsizetype from = 0;
        for (const QString &value : growing) {
            if (value == QStringLiteral("…"))
                continue;
            from = result.indexOf(value, from);
            QVERIFY2(from >= 0, qPrintable(growing.join(QLatin1Char(' '))));
        }
        QVERIFY(itemNamed(page(), QStringLiteral("resultSummary"))->property("text").toString().contains(
            metrics.value("sum").toString()));
        // Items flew while it ran; once nothing moves, every token has landed and faded.
        const QList<QQuickItem *> tokens = itemsNamed(page(), QStringLiteral("flyingToken"));
        QCOMPARE(tokens.size(), 24);
        QVERIFY(std::any_of(tokens.begin(), tokens.end(), [](QQuickItem *token) { return !token->property("label").toString().isEmpty(); }));
        // A token that flew is an image of its pill and value (image://token/), loaded.
        for (QQuickItem *token : tokens) {
            if (token->property("label").toString().isEmpty())
                continue;
            QVERIFY(token->property("source").toUrl().toString().startsWith(QStringLiteral("image://token/")));
            QCOMPARE(token->property("status").toInt(), 1); // Image.Ready
        }
        QTRY_VERIFY(std::all_of(tokens.begin(), tokens.end(), [](QQuickItem *token) { return token->opacity() == 0.0; }));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theTokensCarryTheTracedValuesNotOnesWorkedOutFromTheParameters()
    {
        QVERIFY(open(QStringLiteral("streams"), QStringLiteral("guide"),
                     {{"items", 12}, {"multiply", 3}, {"keep_above", 10}, {"stage_delay_ms", 200}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runUntil(500));
        // A new factor waits for Reset: the running pipeline still multiplies by 3, and the
        // page must label its items with what the stages traced.
        QVERIFY(controller()->setParameter(QStringLiteral("multiply"), 1000));
        QVERIFY(runToTheEnd());
        QSet<QString> traced;
        for (int item = 1; item <= 12; ++item)
            traced << QString::number(item) << QString::number(3 * item);
        bool sawAMappedValue = false;
        for (QQuickItem *token : itemsNamed(page(), QStringLiteral("flyingToken"))) {
            const QString label = token->property("label").toString();
            if (label.isEmpty() || label.startsWith(QLatin1Char('+')))
                continue;
            QVERIFY2(traced.contains(label), qPrintable(label));
            sawAMappedValue = sawAMappedValue || label.toInt() > 12;
        }
        QVERIFY(sawAMappedValue);
        QCOMPARE(counter("stage map last"), 36);
        QCOMPARE(counter("stage filter dropped last"), 9);
        // Then the guide's NumberStream(5), printed as the trace marked it.
        QVERIFY(itemNamed(page(), QStringLiteral("numberStreamLine"))->property("text").toString().endsWith(
            QStringLiteral(": 0 1 2 3 4")));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theFanOutBarsLandInCompletionOrderWithTheirStatuses()
    {
        // Six requests, slowest first, half of them asking for a 500: mid-run the fast ones
        // have landed (from the back) and the slow ones are still out.
        QVERIFY(open(QStringLiteral("fanout"), QStringLiteral("robust"),
                     {{"requests", 6}, {"base_delay_ms", 300}, {"delay_order", "descending"}, {"failure_rate", 0.5}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(pageSource().endsWith(QStringLiteral("FanOutPage.qml")));

        QVERIFY(runUntil(1000));
        QList<QQuickItem *> bars = itemsNamed(page(), QStringLiteral("requestBar"));
        QCOMPARE(bars.size(), 6); // all went out at once
        QSet<int> barsInFlight;
        QSet<int> tracedInFlight;
        QList<int> rankedMidRun;
        for (QQuickItem *bar : bars) {
            const int index = bar->property("index").toInt();
            const qlonglong traced = counter(qPrintable(QStringLiteral("request %1").arg(index)));
            if (bar->property("inFlight").toBool())
                barsInFlight << index;
            if (traced == -1)
                tracedInFlight << index;
            else
                QCOMPARE(bar->property("status").toLongLong(), traced);
            if (bar->property("rank").toInt() > 0)
                rankedMidRun << index;
        }
        // Still in flight: exactly the requests whose trace has no answer yet.
        QCOMPARE(barsInFlight, tracedInFlight);
        QVERIFY(!barsInFlight.isEmpty());
        QVERIFY(barsInFlight.size() < 6);
        QCOMPARE(itemNamed(page(), QStringLiteral("inFlightCount"))->property("value").toLongLong(), counter("requests in flight"));
        QCOMPARE(counter("requests in flight"), qlonglong(barsInFlight.size()));
        // The completion list so far: the "completion <k>" counters, in order.
        QList<QQuickItem *> entries = itemsNamed(page(), QStringLiteral("completionEntry"));
        QCOMPARE(entries.size(), rankedMidRun.size());
        for (QQuickItem *entry : entries) {
            const int place = entry->property("index").toInt() + 1;
            QCOMPARE(entry->property("request").toLongLong(), counter(qPrintable(QStringLiteral("completion %1").arg(place))));
        }

        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        QCOMPARE(metrics.value("transport").toString(), QStringLiteral("simulated"));
        bars = itemsNamed(page(), QStringLiteral("requestBar"));
        QCOMPARE(bars.size(), 6);
        // Sorted by the place each bar shows, the bars give the run's completion order.
        std::sort(bars.begin(), bars.end(), [](QQuickItem *a, QQuickItem *b) { return a->property("rank").toInt() < b->property("rank").toInt(); });
        QList<qlonglong> byRank;
        QList<qlonglong> statuses(6, -1);
        for (QQuickItem *bar : bars) {
            QVERIFY(!bar->property("inFlight").toBool());
            QVERIFY(bar->property("rank").toInt() > 0);
            byRank << bar->property("index").toLongLong();
            statuses[bar->property("index").toInt()] = bar->property("status").toLongLong();
        }
        QCOMPARE(byRank, longs(metrics.value("completion_order")));
        QCOMPARE(statuses, longs(metrics.value("statuses")));
        // The list on the right, top to bottom, is the same order.
        entries = itemsNamed(page(), QStringLiteral("completionEntry"));
        std::sort(entries.begin(), entries.end(), [](QQuickItem *a, QQuickItem *b) { return a->property("index").toInt() < b->property("index").toInt(); });
        QList<qlonglong> listed;
        for (QQuickItem *entry : entries)
            listed << entry->property("request").toLongLong();
        QCOMPARE(listed, longs(metrics.value("completion_order")));
        // The numbers beside: the scenario's total and its max in flight.
        QCOMPARE(page()->property("totalMs").toLongLong(), metrics.value("total_ms").toLongLong());
        QCOMPARE(page()->property("maxInFlight").toInt(), metrics.value("max_in_flight").toInt());
        QCOMPARE(counter("requests in flight"), 0);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theSeedPageCountsTheRequestsItsResultDrops()
    {
        QVERIFY(open(QStringLiteral("fanout"), QStringLiteral("seed"),
                     {{"requests", 8}, {"base_delay_ms", 100}, {"drop_rate", 0.3}, {"concurrency", 2}}));
        QTRY_VERIFY(page() != nullptr);
        QVERIFY(runToTheEnd());
        const QVariantMap metrics = controller()->metrics();
        const int dropped = metrics.value("answers_dropped").toInt();
        QVERIFY2(dropped > 0 && dropped < 8, qPrintable(QString::number(dropped)));
        QCOMPARE(itemNamed(page(), QStringLiteral("unansweredCount"))->property("value").toInt(), dropped);
        QCOMPARE(itemNamed(page(), QStringLiteral("unansweredCount"))->property("caption").toString(),
                 QStringLiteral("Dropped unseen"));
        // No limit in the seed: the concurrency knob is the robust variant's. Every answered
        // request was out at once (the dropped ones end as they start).
        QVERIFY(metrics.value("max_in_flight").toInt() >= 8 - dropped);
        QVERIFY(metrics.value("max_in_flight").toInt() > 2);
        QCOMPARE(itemNamed(page(), QStringLiteral("inFlightCount"))->property("caption").toString(),
                 QStringLiteral("In flight (no limit)"));
        // The bars, in the order they landed, give the guide's result once the dropped are left out.
        QList<QQuickItem *> bars = itemsNamed(page(), QStringLiteral("requestBar"));
        QCOMPARE(bars.size(), 8);
        std::sort(bars.begin(), bars.end(), [](QQuickItem *a, QQuickItem *b) { return a->property("rank").toInt() < b->property("rank").toInt(); });
        QList<qlonglong> answered;
        for (QQuickItem *bar : bars) {
            if (bar->property("status").toInt() != 0)
                answered << bar->property("status").toLongLong();
        }
        QCOMPARE(answered, longs(metrics.value("statuses")));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestStreamFanOutPages)
#include "tst_streamfanoutpages.moc"
