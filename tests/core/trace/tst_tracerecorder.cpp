#include <QTest>

#include <set>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "sync/semaphore.h"
#include "runtime/yieldnow.h"
#include "time/sleep.h"
#include "trace/span.h"
#include "trace/taskregistry.h"
#include "trace/tracecounter.h"
#include "trace/tracerecorder.h"
#include "trace/tracering.h"

#include <thread>
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

TraceEvent eventAt(std::int64_t time, std::int16_t worker, std::uint64_t sequence)
{
    return TraceEvent{time, sequence, 0, 0, worker, TraceKind::PollStart};
}

} // namespace

class TestTraceRecorder : public QObject
{
    Q_OBJECT

private slots:
    void aRingWrapsAndCountsWhatItDrops()
    {
        detail::TraceRing ring(4);
        QCOMPARE(ring.capacity(), std::size_t(4));
        for (std::uint64_t i = 0; i < 6; ++i)
            ring.push(eventAt(std::int64_t(i), 0, i));
        QCOMPARE(ring.dropped(), 2u);
        std::vector<TraceEvent> out;
        QCOMPARE(ring.drainInto(out), std::size_t(4));
        QCOMPARE(out.back().task, 3u); // the first four were kept
        for (std::uint64_t i = 6; i < 9; ++i)
            ring.push(eventAt(std::int64_t(i), 0, i)); // wraps around the array
        out.clear();
        QCOMPARE(ring.drainInto(out), std::size_t(4));
        // The gap is marked where it was: two events lost, from the first one's time (4) to
        // the time of the first event kept after them (6).
        QCOMPARE(out.front().kind, TraceKind::Lost);
        QCOMPARE(out.front().timeNs, 4);
        QCOMPARE(out.front().object, 6u);
        QCOMPARE(out.front().value, 2);
        QCOMPARE(out.front().worker, 0);
        QCOMPARE(out.at(1).task, 6u);
        QCOMPARE(out.back().task, 8u);
        QCOMPARE(ring.dropped(), 2u); // the marker is not an event lost
    }

    void aGapIsMarkedEvenWhenTheRingHasRoomForOnlyOneEvent()
    {
        detail::TraceRing ring(4);
        for (std::uint64_t i = 0; i < 5; ++i)
            ring.push(eventAt(std::int64_t(i), 1, i)); // 4 dropped
        std::vector<TraceEvent> out;
        const detail::TraceRing::Pending pending = ring.pending();
        ring.release(pending.begin + 1); // the consumer frees one slot only
        ring.push(eventAt(5, 1, 5));     // no room for the marker and the event: lost too
        ring.release(pending.end);
        ring.push(eventAt(6, 1, 6));
        QCOMPARE(ring.drainInto(out), std::size_t(2));
        QCOMPARE(out.front().kind, TraceKind::Lost);
        QCOMPARE(out.front().timeNs, 4);
        QCOMPARE(out.front().value, 2);
        QCOMPARE(out.back().task, 6u);
    }

    void fourConcurrentProducersLoseNothingUncounted()
    {
        constexpr int producers = 4;
        constexpr std::uint64_t perProducer = 200000;
        TraceRecorder recorder(producers, 256);
        std::atomic<int> running{producers};
        std::vector<std::thread> threads;
        for (int p = 0; p < producers; ++p) {
            threads.emplace_back([&, p] {
                for (std::uint64_t i = 0; i < perProducer; ++i)
                    recorder.record(eventAt(std::int64_t(i), std::int16_t(p), i));
                running.fetch_sub(1);
            });
        }
        std::vector<std::uint64_t> next(producers, 0);
        std::uint64_t drained = 0;
        std::uint64_t markedLost = 0;
        bool ordered = true;
        bool gapsMarked = true; // every jump in a producer's sequence has its Lost marker, of its size
        std::vector<std::uint64_t> lostBefore(producers, 0);
        const auto take = [&](const std::vector<TraceEvent> &events) {
            for (const TraceEvent &event : events) {
                const auto p = std::size_t(event.worker);
                if (event.kind == TraceKind::Lost) {
                    lostBefore[p] += std::uint64_t(event.value);
                    markedLost += std::uint64_t(event.value);
                    continue;
                }
                ordered = ordered && event.task >= next[p];
                gapsMarked = gapsMarked && event.task == next[p] + lostBefore[p];
                lostBefore[p] = 0;
                next[p] = event.task + 1;
                ++drained;
            }
        };
        // Drain while they produce: per producer, sequence numbers only grow.
        while (running.load() > 0 || drained + recorder.eventsDropped() < producers * perProducer) {
            take(recorder.drain());
            if (running.load() == 0 && drained + recorder.eventsDropped() >= producers * perProducer)
                break;
        }
        for (auto &thread : threads)
            thread.join();
        take(recorder.drain());
        QVERIFY(ordered);
        QVERIFY(gapsMarked);
        QCOMPARE(drained + recorder.eventsDropped(), producers * perProducer);
        // Every drop is marked, except those after a producer's last kept event: no later push
        // was there to mark them.
        std::uint64_t trailing = 0;
        for (std::uint64_t kept : next)
            trailing += perProducer - kept;
        QCOMPARE(markedLost + trailing, recorder.eventsDropped());
        QCOMPARE(recorder.eventsRecorded(), drained); // markers are not counted as events
    }

    void drainMergesTheRingsInTimeOrder()
    {
        TraceRecorder recorder(2, 64);
        recorder.record(eventAt(10, 0, 1));
        recorder.record(eventAt(30, 0, 2));
        recorder.record(eventAt(20, 1, 3));
        recorder.record(eventAt(30, 1, 6)); // same time as 2: worker 0 first
        recorder.record(eventAt(40, 1, 4));
        recorder.record(eventAt(25, -1, 5)); // from outside the workers
        QList<std::uint64_t> order;
        for (const TraceEvent &event : recorder.drain())
            order << event.task;
        QCOMPARE(order, QList<std::uint64_t>({1, 3, 5, 2, 6, 4}));
        recorder.record(eventAt(50, 0, 7));
        recorder.record(eventAt(50, -1, 8)); // equal times: outside first
        order.clear();
        for (const TraceEvent &event : recorder.drain())
            order << event.task;
        QCOMPARE(order, QList<std::uint64_t>({8, 7}));
        QVERIFY(recorder.drain().empty());
    }

    void threadsOutsideTheWorkersEachGetARingAndMergeInOrder()
    {
        // More recording threads than get rings of their own: the rest share the locked ring.
        const int threadsCount = int(TraceRecorder::maxOutsideThreads) + 8;
        constexpr int perThread = 500;
        TraceRecorder recorder(1, 1 << 12);
        std::vector<std::thread> threads;
        for (int t = 0; t < threadsCount; ++t) {
            threads.emplace_back([&recorder, t] {
                for (int i = 0; i < perThread; ++i) // times interleave across the threads
                    recorder.record(eventAt(std::int64_t(i) * 1000 + t, -1, std::uint64_t(t) * perThread + i));
            });
        }
        for (auto &thread : threads)
            thread.join();
        const std::vector<TraceEvent> events = recorder.drain();
        QCOMPARE(recorder.eventsDropped(), 0u);
        QCOMPARE(int(events.size()), threadsCount * perThread);
        for (std::size_t i = 1; i < events.size(); ++i)
            QVERIFY2(events[i - 1].timeNs < events[i].timeNs, "drain out of time order");
        // A second drain into a reused vector sees only what came after.
        std::vector<TraceEvent> reused = events;
        recorder.record(eventAt(5, -1, 1));
        recorder.drain(reused);
        QCOMPARE(int(reused.size()), 1);
        QCOMPARE(reused.front().task, 1u);
    }

    void anObjectThatDiedBeforeTheDrainIsStillNamed()
    {
        // On the virtual clock a whole run can start and end between two drains: the
        // counter below is gone when the recorder first sees its events.
        Runtime runtime(virtualConfig());
        TraceRecorder recorder(1);
        runtime.setTraceSink(&recorder);
        const std::uint64_t counterId = runtime.blockOn([]() -> Task<std::uint64_t> {
            TraceCounter level(QStringLiteral("short-lived level"));
            level.set(3);
            co_return level.objectId();
        }());
        runtime.setTraceSink(nullptr);
        QVERIFY(!recorder.drain().empty());
        QCOMPARE(recorder.objectName(counterId), QStringLiteral("short-lived level"));
    }

    void objectIdsCarryTheirNamesAndStayUniqueAcrossThreads()
    {
        // An actor makes a named oneshot per request: ids must name themselves long after
        // their objects died, without a table per object, and stay exact as JSON numbers.
        QString dynamic = QStringLiteral("reply ");
        dynamic += QString::number(7); // not a literal: the name table compares contents
        const std::uint64_t first = detail::nextObjectId(dynamic);
        std::vector<std::vector<std::uint64_t>> ids(4);
        std::vector<std::thread> threads;
        for (std::size_t thread = 0; thread < ids.size(); ++thread) {
            threads.emplace_back([&ids, thread] {
                for (int index = 0; index < 20000; ++index) {
                    detail::TracedObject object(index % 2 == 0 ? QStringLiteral("kv reply") : QStringLiteral("reply 7"));
                    ids[thread].push_back(object.id());
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        std::set<std::uint64_t> unique{first};
        for (const auto &perThread : ids) {
            for (std::size_t index = 0; index < perThread.size(); ++index) {
                unique.insert(perThread[index]);
                QVERIFY(perThread[index] < (std::uint64_t(1) << 53));
                QCOMPARE(detail::objectNameOf(perThread[index]),
                         index % 2 == 0 ? QStringLiteral("kv reply") : QStringLiteral("reply 7"));
            }
        }
        QCOMPARE(unique.size(), std::size_t(4 * 20000 + 1));
        // One name, one index: "reply 7" from a literal and from a built string share it.
        QCOMPARE(ids[0][1] >> detail::objectSerialBits, first >> detail::objectSerialBits);
        QCOMPARE(detail::objectNameOf(first), QStringLiteral("reply 7"));
        QVERIFY(detail::objectNameOf(detail::nextObjectId()).isNull());
        // Explicit names come first; ids without a name give a null string.
        ObjectNames names(QHash<std::uint64_t, QString>{{first, QStringLiteral("renamed")}});
        QCOMPARE(names.value(first), QStringLiteral("renamed"));
        QCOMPARE(names.value(ids[1][0]), QStringLiteral("kv reply"));
        QVERIFY(names.value(42).isNull());
    }

    void aRealRunRecordsSpawnsPollsWakesAndNamedResources()
    {
        Runtime runtime(virtualConfig());
        TraceRecorder recorder(1);
        runtime.setTraceSink(&recorder);
        Semaphore semaphore(1, QStringLiteral("connections"));
        std::uint64_t spanId = 0;
        runtime.blockOn([](Semaphore &s, std::uint64_t &span) -> Task<void> {
            Span timed(QStringLiteral("expensive_operation"));
            span = timed.objectId();
            SemaphorePermit permit = co_await s.acquire();
            co_await sleep(100ms);
        }(semaphore, spanId));
        runtime.setTraceSink(nullptr);
        const auto events = recorder.drain();
        QStringList kinds;
        for (const TraceEvent &event : events) {
            if (event.kind != TraceKind::Park && event.kind != TraceKind::Unpark) // timing-dependent
                kinds << QString::fromLatin1(traceKindName(event.kind));
        }
        // The timer's wake is recorded while firing, before the count of timers fired.
        QCOMPARE(kinds, QStringList({"spawn", "poll-start", "span-begin", "acquire", "timer-arm", "poll-end", "wake",
                                     "timer-fire", "poll-start", "release", "span-end", "poll-end", "complete"}));
        QCOMPARE(recorder.objectName(semaphore.objectId()), QStringLiteral("connections"));
        QCOMPARE(recorder.objectName(spanId), QStringLiteral("expensive_operation"));
        const auto spanEnd = std::find_if(events.begin(), events.end(),
                                          [](const TraceEvent &e) { return e.kind == TraceKind::SpanEnd; });
        QCOMPARE(spanEnd->value, std::int64_t(100'000'000));
        const auto descriptions = recorder.takeTaskDescriptions();
        QCOMPARE(descriptions.size(), 1);
        QCOMPARE(descriptions.begin()->name, QStringLiteral("blockOn"));
        const auto spawn = std::find_if(events.begin(), events.end(), [](const TraceEvent &e) { return e.kind == TraceKind::Spawn; });
        const auto rootSite = spawnSiteOf(*spawn);
        QVERIFY(rootSite && QByteArray(rootSite->file_name()).endsWith("tst_tracerecorder.cpp"));
    }

    /// A Spawn event says where and by whom its task was spawned, so only a name is left to
    /// describe: an unnamed task is not described at all (describing takes a lock on the
    /// spawning thread), and the registry reads every task's site from the event.
    void aSpawnEventCarriesItsSiteAndOnlyANamedTaskIsDescribed()
    {
        Runtime runtime(virtualConfig());
        TraceRecorder recorder(1);
        runtime.setTraceSink(&recorder);
        std::uint64_t unnamedId = 0, namedId = 0;
        std::uint_least32_t unnamedLine = 0;
        runtime.blockOn([](std::uint64_t &unnamed, std::uint64_t &named, std::uint_least32_t &line) -> Task<void> {
            const auto nothing = []() -> Task<void> { co_return; };
            line = __LINE__; JoinHandle<void> first = spawn(nothing()); // on one line: the site is this line
            JoinHandle<void> second = spawn(nothing(), QStringLiteral("named child"));
            unnamed = first.id();
            named = second.id();
            co_await first;
            co_await second;
        }(unnamedId, namedId, unnamedLine));
        runtime.setTraceSink(nullptr);
        const std::vector<TraceEvent> events = recorder.drain();
        const auto spawnOf = [&](std::uint64_t task) {
            return std::find_if(events.begin(), events.end(),
                                [task](const TraceEvent &e) { return e.kind == TraceKind::Spawn && e.task == task; });
        };
        QVERIFY(spawnOf(unnamedId) != events.end() && spawnOf(namedId) != events.end());
        const std::optional<std::source_location> site = spawnSiteOf(*spawnOf(unnamedId));
        QVERIFY(site);
        QVERIFY(QByteArray(site->file_name()).endsWith("tst_tracerecorder.cpp"));
        QCOMPARE(site->line(), unnamedLine);
        const std::optional<std::source_location> namedSite = spawnSiteOf(*spawnOf(namedId));
        QVERIFY(namedSite);
        QCOMPARE(namedSite->line(), unnamedLine + 1);
        QCOMPARE(spawnOf(unnamedId)->object, spawnOf(namedId)->object); // both name the parent
        QVERIFY(spawnOf(unnamedId)->object != 0);

        const TraceRecorder::TaskDescriptions descriptions = recorder.takeTaskDescriptions();
        QStringList described;
        for (const TraceRecorder::TaskDescription &description : descriptions)
            described << description.name;
        QCOMPARE(described, QStringList({QStringLiteral("blockOn"), QStringLiteral("named child")}));

        TaskRegistry registry;
        registry.apply(events, descriptions);
        const TaskInfo *unnamed = registry.task(unnamedId);
        const TaskInfo *named = registry.task(namedId);
        QVERIFY(unnamed && named);
        QVERIFY(unnamed->name.isEmpty());
        QVERIFY2(unnamed->spawnedAt.endsWith(QStringLiteral("tst_tracerecorder.cpp:%1").arg(unnamedLine)),
                 qPrintable(unnamed->spawnedAt));
        QCOMPARE(unnamed->parent, named->parent);
        QCOMPARE(named->name, QStringLiteral("named child"));
        QVERIFY2(named->spawnedAt.endsWith(QStringLiteral("tst_tracerecorder.cpp:%1").arg(unnamedLine + 1)),
                 qPrintable(named->spawnedAt));
    }

    void aPollsEndItsCompletionAndTheWakeItCausesShareOneReadingAndNameTheWaker()
    {
        // On the real clock, where three readings nanoseconds apart would differ.
        Runtime runtime(realConfig());
        TraceRecorder recorder(1);
        runtime.setTraceSink(&recorder);
        std::uint64_t childId = 0;
        runtime.blockOn([](std::uint64_t &child) -> Task<void> {
            JoinHandle<void> handle = spawn([]() -> Task<void> {
                co_await yieldNow(); // the parent is waiting by the time this ends
            }());
            child = handle.id();
            co_await handle;
        }(childId));
        runtime.setTraceSink(nullptr);
        const auto events = recorder.drain();
        const auto spawned = std::find_if(events.begin(), events.end(), [&](const TraceEvent &event) {
            return event.kind == TraceKind::Spawn && event.task == childId;
        });
        QVERIFY(spawned != events.end());
        const std::uint64_t parentId = spawned->object;
        QVERIFY(parentId != 0);
        // The last such event's time, or -1.
        auto timeOf = [&](TraceKind kind, std::uint64_t task) {
            std::int64_t found = -1;
            for (const TraceEvent &event : events) {
                if (event.kind == kind && event.task == task)
                    found = event.timeNs;
            }
            return found;
        };
        const auto wake = std::find_if(events.rbegin(), events.rend(), [&](const TraceEvent &event) {
            return event.kind == TraceKind::Wake && event.task == parentId;
        });
        QVERIFY(wake != events.rend());
        QCOMPARE(wake->object, childId); // woken by the child's completion, not "from outside"

        const std::int64_t childStart = timeOf(TraceKind::PollStart, childId);
        const std::int64_t childEnd = timeOf(TraceKind::PollEnd, childId);
        QVERIFY(childStart >= 0 && childEnd >= childStart);
        QCOMPARE(timeOf(TraceKind::Complete, childId), childEnd);
        QCOMPARE(timeOf(TraceKind::Wake, parentId), childEnd); // the child's completion wakes it
        // The parent's own poll after the wake reads the clock afresh.
        QVERIFY(timeOf(TraceKind::PollStart, parentId) >= childEnd);
        QVERIFY(std::is_sorted(events.begin(), events.end(),
                               [](const TraceEvent &a, const TraceEvent &b) { return a.timeNs < b.timeNs; }));
    }

    void countersAndInstantsAreRecordedWithTheirNames()
    {
        Runtime runtime(virtualConfig());
        TraceRecorder recorder(1);
        runtime.setTraceSink(&recorder);
        TraceCounter tokens(QStringLiteral("bucket tokens"));
        TraceInstant breaker(QStringLiteral("breaker"));
        runtime.blockOn([](TraceCounter &level, TraceInstant &state) -> Task<void> {
            level.set(10);
            co_await sleep(5ms);
            level.set(7);
            state.mark(2);
        }(tokens, breaker));
        runtime.setTraceSink(nullptr);
        QStringList seen;
        for (const TraceEvent &event : recorder.drain()) {
            if (event.kind == TraceKind::Counter || event.kind == TraceKind::Instant)
                seen << QStringLiteral("%1 %2=%3@%4ms")
                            .arg(QString::fromLatin1(traceKindName(event.kind)), recorder.objectName(event.object))
                            .arg(event.value).arg(event.timeNs / 1000000);
        }
        QCOMPARE(seen, QStringList({"counter bucket tokens=10@0ms", "counter bucket tokens=7@5ms",
                                    "instant breaker=2@5ms"}));
    }
};

QTEST_GUILESS_MAIN(TestTraceRecorder)
#include "tst_tracerecorder.moc"
