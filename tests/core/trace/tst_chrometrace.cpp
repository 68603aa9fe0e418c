#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "sync/mpsc.h"
#include "time/sleep.h"
#include "trace/chrometrace.h"
#include "trace/tracerecorder.h"
#endif

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

using namespace taskscope;
using namespace taskscope::test;

namespace {

TraceEvent traceEvent(std::int64_t timeNs, TraceKind kind, int worker, std::uint64_t task = 0, std::uint64_t object = 0,
                      std::int64_t value = 0)
{
    return TraceEvent{timeNs, task, object, value, std::int16_t(worker), kind};
}

constexpr std::uint64_t s_jobsChannel = 10;
constexpr std::uint64_t s_tokensCounter = 11;
constexpr std::uint64_t s_breakerInstant = 12;
constexpr std::uint64_t s_operationSpan = 13;

/// Two workers and the outside: every kind the export shows, a wake that a poll follows on
/// another worker, wakes no poll follows, and a poll the end of the trace cuts.
ChromeTraceInput syntheticInput()
{
    ChromeTraceInput input;
    input.workerNames = {QStringLiteral("ts-worker-0"), QStringLiteral("ts-worker-1")};
    input.taskNames.insert(1, QStringLiteral("producer"));
    input.objectNames.insert(s_jobsChannel, QStringLiteral("jobs"));
    input.objectNames.insert(s_tokensCounter, QStringLiteral("tokens"));
    input.objectNames.insert(s_breakerInstant, QStringLiteral("breaker-open"));
    input.objectNames.insert(s_operationSpan, QStringLiteral("expensive_operation"));
    input.events = {
        traceEvent(0, TraceKind::Spawn, -1, 1),
        traceEvent(0, TraceKind::Spawn, -1, 2),
        traceEvent(1000, TraceKind::PollStart, 0, 1),
        traceEvent(1500, TraceKind::Send, 0, 1, s_jobsChannel, 1),
        traceEvent(2000, TraceKind::Wake, 0, 2, 1),
        traceEvent(2500, TraceKind::PollStart, 1, 2),
        traceEvent(3000, TraceKind::PollEnd, 0, 1),
        traceEvent(3000, TraceKind::PollCpu, 0, 1, std::uint64_t(2) << 32 | 3, 1200), // how it spent that poll
        traceEvent(3200, TraceKind::Counter, 1, 2, s_tokensCounter, 5),
        traceEvent(3300, TraceKind::Instant, 1, 2, s_breakerInstant, 2),
        traceEvent(3400, TraceKind::SpanBegin, 1, 2, s_operationSpan),
        traceEvent(3600, TraceKind::SpanEnd, 1, 2, s_operationSpan, 200),
        traceEvent(4000, TraceKind::PollEnd, 1, 2, 0, 1),
        traceEvent(4000, TraceKind::Complete, 1, 2, 0, 1),
        traceEvent(4100, TraceKind::Steal, 0, 1, 1, 1),
        traceEvent(4200, TraceKind::TimerFire, 0, 0, 0, 1),
        traceEvent(4250, TraceKind::Wake, 0, 1, 0, 1),
        traceEvent(4300, TraceKind::PollStart, 0, 1),
        traceEvent(4400, TraceKind::Receive, 0, 1, s_jobsChannel, 0),
        traceEvent(4500, TraceKind::Wake, -1, 3),    // task 3 is never polled again
        traceEvent(5000, TraceKind::Wake, 0, 1, 1),  // woken while running; the trace ends first
        traceEvent(6000, TraceKind::Counter, -1, 0, s_tokensCounter, 3),
    };
    return input;
}

/// The exported trace, parsed back.
struct ParsedTrace
{
    QString error; ///< empty when the text parsed and has the expected shape
    QJsonObject root;
    QList<QJsonObject> events;
    std::map<int, QString> threadNames; ///< tid → name
    QString processName;

    [[nodiscard]] QList<QJsonObject> withPhase(const QString &phase) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject &object : events) {
            if (object.value(QStringLiteral("ph")).toString() == phase)
                out << object;
        }
        return out;
    }
};

ParsedTrace parse(const QByteArray &json)
{
    ParsedTrace trace;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        trace.error = QStringLiteral("not JSON: %1 at %2").arg(parseError.errorString()).arg(parseError.offset);
        return trace;
    }
    trace.root = document.object();
    if (!trace.root.value(QStringLiteral("traceEvents")).isArray()) {
        trace.error = QStringLiteral("no traceEvents array");
        return trace;
    }
    for (const QJsonValue value : trace.root.value(QStringLiteral("traceEvents")).toArray()) {
        const QJsonObject object = value.toObject();
        trace.events << object;
        if (object.value(QStringLiteral("ph")).toString() != QStringLiteral("M"))
            continue;
        const QString name = object.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
        if (object.value(QStringLiteral("name")).toString() == QStringLiteral("thread_name"))
            trace.threadNames[object.value(QStringLiteral("tid")).toInt(-1)] = name;
        else if (object.value(QStringLiteral("name")).toString() == QStringLiteral("process_name"))
            trace.processName = name;
    }
    return trace;
}

/// A time field ("ts", "dur") back in nanoseconds.
qint64 nanoseconds(const QJsonObject &object, const QString &key)
{
    return qRound64(object.value(key).toDouble() * 1000.0);
}

qint64 argument(const QJsonObject &object, const QString &key)
{
    return object.value(QStringLiteral("args")).toObject().value(key).toInteger(-1);
}

/// The first two slices of one group (thread, task) that overlap in time, or empty.
QString firstOverlap(const QList<QJsonObject> &slices, const std::function<qint64(const QJsonObject &)> &groupOf)
{
    std::map<qint64, std::vector<std::pair<qint64, qint64>>> groups; // group → (start, end)
    for (const QJsonObject &slice : slices) {
        const qint64 start = nanoseconds(slice, QStringLiteral("ts"));
        groups[groupOf(slice)].emplace_back(start, start + nanoseconds(slice, QStringLiteral("dur")));
    }
    for (auto &[group, intervals] : groups) {
        std::sort(intervals.begin(), intervals.end());
        for (std::size_t i = 1; i < intervals.size(); ++i) {
            if (intervals[i].first < intervals[i - 1].second) {
                return QStringLiteral("group %1: [%2, %3] and [%4, %5] ns")
                    .arg(group)
                    .arg(intervals[i - 1].first)
                    .arg(intervals[i - 1].second)
                    .arg(intervals[i].first)
                    .arg(intervals[i].second);
            }
        }
    }
    return {};
}

qint64 tidOf(const QJsonObject &object)
{
    return object.value(QStringLiteral("tid")).toInt(-1);
}

qint64 taskOf(const QJsonObject &object)
{
    return argument(object, QStringLiteral("task"));
}

/// Each "s" has exactly one "f" with its id, no earlier than it; empty when so.
QString flowProblem(const ParsedTrace &trace)
{
    std::map<qint64, qint64> startNs; // id → ts
    for (const QJsonObject &start : trace.withPhase(QStringLiteral("s"))) {
        const qint64 id = start.value(QStringLiteral("id")).toInteger(-1);
        if (!startNs.emplace(id, nanoseconds(start, QStringLiteral("ts"))).second)
            return QStringLiteral("two flow starts with id %1").arg(id);
    }
    std::map<qint64, int> ends;
    for (const QJsonObject &end : trace.withPhase(QStringLiteral("f"))) {
        const qint64 id = end.value(QStringLiteral("id")).toInteger(-1);
        const auto start = startNs.find(id);
        if (start == startNs.end())
            return QStringLiteral("flow end %1 without a start").arg(id);
        if (nanoseconds(end, QStringLiteral("ts")) < start->second)
            return QStringLiteral("flow %1 ends before it starts").arg(id);
        if (end.value(QStringLiteral("bp")).toString() != QStringLiteral("e"))
            return QStringLiteral("flow end %1 does not bind to its enclosing slice").arg(id);
        ++ends[id];
    }
    for (const auto &[id, start] : startNs) {
        Q_UNUSED(start);
        if (ends[id] != 1)
            return QStringLiteral("flow %1 has %2 ends").arg(id).arg(ends[id]);
    }
    return {};
}

/// A task that sleeps, computes and yields a few times, then reports to the channel.
Task<void> workItem(int index, mpsc::Sender<int> results)
{
    for (int round = 0; round < 3; ++round) {
        co_await sleep(std::chrono::milliseconds(1 + (index * 7 + round) % 5));
        if ((index + round) % 3 == 0)
            busyFor(std::chrono::microseconds(300 * (1 + index % 4)));
        co_await yieldNow();
    }
    co_await results.send(index);
}

/// Fifty work items, their results gathered through a channel.
Task<int> workload(int items)
{
    auto [sender, receiver] = mpsc::channel<int>(8, QStringLiteral("results"));
    JoinSet<void> set;
    for (int index = 0; index < items; ++index)
        set.spawn(workItem(index, sender));
    int sum = 0;
    for (int index = 0; index < items; ++index)
        sum += (co_await receiver.recv()).value_or(0);
    while (co_await set.joinNext()) {
    }
    co_return sum;
}

/// Runs the workload on two workers with a recorder installed, and gives what it recorded.
ChromeTraceInput recordedRun(int items)
{
    Runtime runtime(virtualConfig(2));
    TraceRecorder recorder(runtime.config().workerThreads);
    runtime.setTraceSink(&recorder);
    const int sum = runtime.blockOn(workload(items));
    runtime.setTraceSink(nullptr);

    ChromeTraceInput input;
    input.events = recorder.drain();
    for (int worker = 0; worker < runtime.config().workerThreads; ++worker)
        input.workerNames << runtime.config().workerName(worker);
    input.objectNames = recorder.objectNames();
    if (sum != items * (items - 1) / 2 || recorder.eventsDropped() != 0)
        input.events.clear(); // the caller sees an empty trace and fails
    return input;
}

} // namespace

class TestChromeTrace : public QObject
{
    Q_OBJECT

private slots:
    void everyPollBecomesACompleteSliceOnANamedThread()
    {
        const ParsedTrace trace = parse(toChromeTraceJson(syntheticInput()));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        QCOMPARE(trace.root.value(QStringLiteral("displayTimeUnit")).toString(), QStringLiteral("ms"));
        QCOMPARE(trace.processName, QStringLiteral("taskscope"));
        QCOMPARE(trace.threadNames, (std::map<int, QString>{{0, QStringLiteral("outside")},
                                                            {1, QStringLiteral("ts-worker-0")},
                                                            {2, QStringLiteral("ts-worker-1")}}));
        const QList<QJsonObject> slices = trace.withPhase(QStringLiteral("X"));
        QCOMPARE(slices.size(), 3);
        for (const QJsonObject &slice : slices) {
            QVERIFY(slice.value(QStringLiteral("ts")).isDouble());
            QVERIFY(slice.value(QStringLiteral("dur")).toDouble(-1) >= 0);
            QCOMPARE(slice.value(QStringLiteral("pid")).toInt(), 1);
            QVERIFY(trace.threadNames.count(slice.value(QStringLiteral("tid")).toInt(-1)) == 1);
        }
        QCOMPARE(slices[0].value(QStringLiteral("name")).toString(), QStringLiteral("producer"));
        QCOMPARE(nanoseconds(slices[0], QStringLiteral("ts")), 1000);
        QCOMPARE(nanoseconds(slices[0], QStringLiteral("dur")), 2000);
        QCOMPARE(tidOf(slices[0]), 1);
        QCOMPARE(slices[1].value(QStringLiteral("name")).toString(), QStringLiteral("task 2"));
        QCOMPARE(taskOf(slices[1]), 2);
        QCOMPARE(slices[1].value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("task 2"));
        QCOMPARE(tidOf(slices[1]), 2);
    }

    void timesAreMicrosecondsWithThreeDecimals()
    {
        ChromeTraceInput input;
        input.workerNames = {QStringLiteral("w")};
        input.events = {traceEvent(1'234'567, TraceKind::PollStart, 0, 1), traceEvent(1'236'000, TraceKind::PollEnd, 0, 1)};
        const QByteArray json = toChromeTraceJson(input);
        QVERIFY2(json.contains("\"ts\":1234.567,\"dur\":1.433,"), json.constData());
    }

    void aPollCutByTheTraceEndClosesAtTheLastEvent()
    {
        const ParsedTrace trace = parse(toChromeTraceJson(syntheticInput()));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        const QJsonObject cut = trace.withPhase(QStringLiteral("X")).at(2);
        QCOMPARE(taskOf(cut), 1);
        QCOMPARE(nanoseconds(cut, QStringLiteral("ts")), 4300);
        QCOMPARE(nanoseconds(cut, QStringLiteral("dur")), 6000 - 4300);
        QCOMPARE(cut.value(QStringLiteral("args")).toObject().value(QStringLiteral("cut")).toBool(), true);
    }

    void slicesOnOneThreadNeverOverlapEvenWhenPollEventsAreLost()
    {
        ChromeTraceInput input = syntheticInput();
        // Worker 1: a PollEnd whose start was lost, then a PollStart whose end was lost.
        input.events.insert(input.events.end() - 1,
                            {traceEvent(5100, TraceKind::PollEnd, 1, 4), traceEvent(5200, TraceKind::PollStart, 1, 5),
                             traceEvent(5300, TraceKind::PollStart, 1, 6), traceEvent(5400, TraceKind::PollEnd, 1, 6)});
        const ParsedTrace trace = parse(toChromeTraceJson(input));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        const QList<QJsonObject> slices = trace.withPhase(QStringLiteral("X"));
        QCOMPARE(slices.size(), 6);
        const QString overlap = firstOverlap(slices, tidOf);
        QVERIFY2(overlap.isEmpty(), qPrintable(overlap));
        for (const QJsonObject &slice : slices)
            QVERIFY(nanoseconds(slice, QStringLiteral("dur")) >= 0);
    }

    void noSliceSpansEventsTheRingLost()
    {
        ChromeTraceInput input = syntheticInput();
        // Worker 1's ring lost 40 events from 5100 to 5800 ns: its poll open at the gap (task
        // 4, from 5050) ends there, cut, and the PollEnd after the gap (whose start was lost)
        // starts where the gap ends.
        input.events.insert(input.events.end() - 1,
                            {traceEvent(5050, TraceKind::PollStart, 1, 4), traceEvent(5100, TraceKind::Lost, 1, 0, 5800, 40),
                             traceEvent(5900, TraceKind::PollEnd, 1, 5)});
        const ParsedTrace trace = parse(toChromeTraceJson(input));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        QList<QJsonObject> onWorker1;
        for (const QJsonObject &slice : trace.withPhase(QStringLiteral("X"))) {
            if (tidOf(slice) == 2 && nanoseconds(slice, QStringLiteral("ts")) >= 5000)
                onWorker1 << slice;
        }
        QCOMPARE(onWorker1.size(), 2);
        QCOMPARE(taskOf(onWorker1[0]), 4);
        QCOMPARE(nanoseconds(onWorker1[0], QStringLiteral("dur")), 50);
        QCOMPARE(onWorker1[0].value(QStringLiteral("args")).toObject().value(QStringLiteral("cut")).toBool(), true);
        QCOMPARE(taskOf(onWorker1[1]), 5);
        QCOMPARE(nanoseconds(onWorker1[1], QStringLiteral("ts")), 5800);
        QCOMPARE(nanoseconds(onWorker1[1], QStringLiteral("dur")), 100);
        bool marked = false;
        for (const QJsonObject &instant : trace.withPhase(QStringLiteral("i"))) {
            if (instant.value(QStringLiteral("name")).toString() != QStringLiteral("events lost"))
                continue;
            const QJsonObject args = instant.value(QStringLiteral("args")).toObject();
            marked = tidOf(instant) == 2 && nanoseconds(instant, QStringLiteral("ts")) == 5100
                && args.value(QStringLiteral("count")).toInteger() == 40
                && args.value(QStringLiteral("duration_ns")).toInteger() == 700;
        }
        QVERIFY(marked);
    }

    void countersAndInstantsCarryTheirNames()
    {
        const ParsedTrace trace = parse(toChromeTraceJson(syntheticInput()));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));

        QStringList counters;
        for (const QJsonObject &counter : trace.withPhase(QStringLiteral("C"))) {
            const QJsonObject args = counter.value(QStringLiteral("args")).toObject();
            counters << QStringLiteral("%1 %2=%3")
                            .arg(counter.value(QStringLiteral("name")).toString(), args.keys().join(QLatin1Char(',')))
                            .arg(args.value(args.keys().value(0)).toInteger());
        }
        QCOMPARE(counters, QStringList({"jobs length=1", "tokens value=5", "jobs length=0", "tokens value=3"}));

        QStringList instants;
        for (const QJsonObject &instant : trace.withPhase(QStringLiteral("i"))) {
            QCOMPARE(instant.value(QStringLiteral("s")).toString(), QStringLiteral("t"));
            instants << instant.value(QStringLiteral("name")).toString();
        }
        QCOMPARE(instants, QStringList({"spawn", "spawn", "poll-cpu", "breaker-open", "complete", "steal", "timer-fire"}));
        const QJsonObject cpu = trace.withPhase(QStringLiteral("i")).at(2);
        QCOMPARE(taskOf(cpu), 1);
        QCOMPARE(argument(cpu, QStringLiteral("cpu_ns")), 1200);
        QCOMPARE(argument(cpu, QStringLiteral("waits")), 2);
        QCOMPARE(argument(cpu, QStringLiteral("preemptions")), 3);
        const QJsonObject complete = trace.withPhase(QStringLiteral("i")).at(4);
        QCOMPARE(complete.value(QStringLiteral("args")).toObject().value(QStringLiteral("outcome")).toString(),
                 QStringLiteral("ok"));
        QCOMPARE(taskOf(complete), 2);
    }

    void eachWakeFlowEndsAtTheNextPollOfItsTask()
    {
        const ParsedTrace trace = parse(toChromeTraceJson(syntheticInput()));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        const QString problem = flowProblem(trace);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // Two wakes were followed by a poll; the wake of task 3 and the last wake of task 1 were not.
        const QList<QJsonObject> starts = trace.withPhase(QStringLiteral("s"));
        const QList<QJsonObject> ends = trace.withPhase(QStringLiteral("f"));
        QCOMPARE(starts.size(), 2);
        QCOMPARE(ends.size(), 2);
        for (const QJsonObject &flow : starts + ends) {
            QCOMPARE(flow.value(QStringLiteral("cat")).toString(), QStringLiteral("wake"));
            QCOMPARE(flow.value(QStringLiteral("name")).toString(), QStringLiteral("wake"));
        }
        QCOMPARE(nanoseconds(starts[0], QStringLiteral("ts")), 2000);
        QCOMPARE(tidOf(starts[0]), 1);
        QCOMPARE(nanoseconds(ends[0], QStringLiteral("ts")), 2500);
        QCOMPARE(tidOf(ends[0]), 2);
        QCOMPARE(nanoseconds(ends[1], QStringLiteral("ts")), 4300);
        QCOMPARE(tidOf(ends[1]), 1);
    }

    void spansAreAsyncEventsKeyedByTheirId()
    {
        const ParsedTrace trace = parse(toChromeTraceJson(syntheticInput()));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        const QList<QJsonObject> begins = trace.withPhase(QStringLiteral("b"));
        const QList<QJsonObject> ends = trace.withPhase(QStringLiteral("e"));
        QCOMPARE(begins.size(), 1);
        QCOMPARE(ends.size(), 1);
        QCOMPARE(begins[0].value(QStringLiteral("name")).toString(), QStringLiteral("expensive_operation"));
        QCOMPARE(ends[0].value(QStringLiteral("name")).toString(), QStringLiteral("expensive_operation"));
        QCOMPARE(tidOf(begins[0]), 2);
        QCOMPARE(tidOf(ends[0]), 2);
        QCOMPARE(nanoseconds(ends[0], QStringLiteral("ts")) - nanoseconds(begins[0], QStringLiteral("ts")), 200);
        QCOMPARE(begins[0].value(QStringLiteral("id")), ends[0].value(QStringLiteral("id")));
    }

    void namesWithQuotesAndControlCharactersStayValidJson()
    {
        ChromeTraceInput input;
        const QString awkward = QStringLiteral("say \"hi\"\\\n\t\x01 – ünïcode");
        input.processName = awkward;
        input.workerNames = {awkward};
        input.taskNames.insert(1, awkward);
        input.events = {traceEvent(0, TraceKind::PollStart, 0, 1), traceEvent(10, TraceKind::PollEnd, 0, 1)};
        const ParsedTrace trace = parse(toChromeTraceJson(input));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        QCOMPARE(trace.processName, awkward);
        QCOMPARE(trace.threadNames.at(1), awkward);
        QCOMPARE(trace.withPhase(QStringLiteral("X")).at(0).value(QStringLiteral("name")).toString(), awkward);
    }

    void aRealRunExportsEveryPollAsOneSliceOnItsWorker()
    {
        const int items = 50;
        const ChromeTraceInput input = recordedRun(items);
        QVERIFY2(!input.events.empty(), "the workload gave a wrong result, or the recorder dropped events");

        std::multiset<std::tuple<qint64, qint64, qint64>> polls; // (task, start ns, tid)
        std::set<qint64> polledTasks;
        for (const TraceEvent &recorded : input.events) {
            if (recorded.kind == TraceKind::PollStart) {
                QVERIFY(recorded.worker >= 0);
                polls.emplace(qint64(recorded.task), recorded.timeNs, recorded.worker + 1);
                polledTasks.insert(qint64(recorded.task));
            }
        }
        QVERIFY(polledTasks.size() > std::size_t(items)); // the items and the workload itself

        const ParsedTrace trace = parse(toChromeTraceJson(input));
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        QCOMPARE(trace.threadNames.at(1), QStringLiteral("ts-worker-0"));
        QCOMPARE(trace.threadNames.at(2), QStringLiteral("ts-worker-1"));

        const QList<QJsonObject> slices = trace.withPhase(QStringLiteral("X"));
        std::multiset<std::tuple<qint64, qint64, qint64>> exported;
        for (const QJsonObject &slice : slices) {
            QVERIFY(nanoseconds(slice, QStringLiteral("dur")) >= 0);
            QVERIFY2(!slice.value(QStringLiteral("args")).toObject().contains(QStringLiteral("cut")),
                     "every poll of a finished run has its end");
            const int tid = slice.value(QStringLiteral("tid")).toInt(-1);
            QVERIFY2(tid >= 1 && trace.threadNames.count(tid) == 1, "a poll runs on a named worker thread");
            exported.emplace(taskOf(slice), nanoseconds(slice, QStringLiteral("ts")), tid);
        }
        QCOMPARE(exported.size(), polls.size());
        QVERIFY(exported == polls);

        const QString workerOverlap = firstOverlap(slices, tidOf);
        QVERIFY2(workerOverlap.isEmpty(), qPrintable(QStringLiteral("worker ") + workerOverlap));
        const QString taskOverlap = firstOverlap(slices, taskOf);
        QVERIFY2(taskOverlap.isEmpty(), qPrintable(QStringLiteral("task ") + taskOverlap));

        QVERIFY(!trace.withPhase(QStringLiteral("s")).isEmpty());
        const QString problem = flowProblem(trace);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(!trace.withPhase(QStringLiteral("C")).isEmpty()); // the channel's length
    }

    void theSameInputGivesTheSameBytes()
    {
        const ChromeTraceInput synthetic = syntheticInput();
        QCOMPARE(toChromeTraceJson(synthetic), toChromeTraceJson(syntheticInput()));

        ChromeTraceInput recorded = recordedRun(20);
        QVERIFY(!recorded.events.empty());
        // Names inserted in another order (another hash layout) must not change a byte.
        ChromeTraceInput reordered = recorded;
        for (std::uint64_t task = 1; task <= 40; ++task)
            recorded.taskNames.insert(task, QStringLiteral("item %1").arg(task));
        for (std::uint64_t task = 40; task >= 1; --task)
            reordered.taskNames.insert(task, QStringLiteral("item %1").arg(task));
        const QByteArray first = toChromeTraceJson(recorded);
        QCOMPARE(toChromeTraceJson(reordered), first);
        QCOMPARE(toChromeTraceJson(recorded), first);
    }

    void writingIntoAMissingDirectoryFailsAndLeavesNoFile()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString path = directory.filePath(QStringLiteral("missing/trace.json"));
        QString error;
        QVERIFY(!writeChromeTrace(path, syntheticInput(), &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY(error.endsWith(QLatin1Char('.')));
        QVERIFY(!QFileInfo::exists(path));
        QVERIFY(!QFileInfo::exists(directory.filePath(QStringLiteral("missing"))));
        QCOMPARE(QDir(directory.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList());
    }

    void writingIntoATemporaryDirectoryGivesAParsableFile()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString path = directory.filePath(QStringLiteral("trace.json"));
        QString error;
        QVERIFY2(writeChromeTrace(path, syntheticInput(), &error), qPrintable(error));
        QVERIFY(error.isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray written = file.readAll();
        QCOMPARE(written, toChromeTraceJson(syntheticInput()));
        const ParsedTrace trace = parse(written);
        QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
        QCOMPARE(trace.withPhase(QStringLiteral("X")).size(), 3);
        // Only the trace: QSaveFile's temporary file is gone.
        QCOMPARE(QDir(directory.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList({"trace.json"}));
    }
};

QTEST_GUILESS_MAIN(TestChromeTrace)
#include "tst_chrometrace.moc"
