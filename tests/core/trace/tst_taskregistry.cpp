#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/joinerror.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "sync/notify.h"
#include "time/sleep.h"
#include "trace/taskregistry.h"
#include "trace/tracerecorder.h"
#endif

#include <atomic>
#include <stdexcept>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <ctime>
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// A scripted run on the virtual clock, recorded and applied to a registry.
struct Recorded
{
    Runtime runtime{virtualConfig()};
    TraceRecorder recorder{1};
    TaskRegistry registry;

    Recorded() { runtime.setTraceSink(&recorder); }
    explicit Recorded(TaskRegistry::Options options)
        : registry(options)
    {
        runtime.setTraceSink(&recorder);
    }
    void apply() { registry.apply(recorder.drain(), recorder.takeTaskDescriptions()); }
    const TaskInfo *named(const QString &name) const
    {
        for (const TaskInfo *task : registry.tasks()) {
            if (task->name == name)
                return task;
        }
        return nullptr;
    }
};

/// The messages of the registry's warnings about @p task.
QStringList warningsAbout(const TaskRegistry &registry, TaskId task, TaskWarning::Kind *kind = nullptr)
{
    QStringList messages;
    for (const TaskWarning &warning : registry.warnings()) {
        if (warning.task == task) {
            messages << warning.message;
            if (kind)
                *kind = warning.kind;
        }
    }
    return messages;
}

/// One poll of @p task from @p startMs to @p endMs on worker 0, then the runtime's account of it.
std::vector<TraceEvent> longPoll(TaskId task, std::int64_t startMs, std::int64_t endMs, std::int64_t cpuMs,
                                 std::uint32_t waits, std::uint32_t preemptions)
{
    const std::int64_t ms = 1'000'000;
    return {
        {startMs * ms, task, 0, 0, 0, TraceKind::Spawn},
        {startMs * ms, task, 0, 0, 0, TraceKind::PollStart},
        {endMs * ms, task, 0, 0, 0, TraceKind::PollEnd}, // suspended (idle after it)
        {endMs * ms, task, std::uint64_t(waits) << 32 | preemptions, cpuMs * ms, 0, TraceKind::PollCpu},
    };
}

#if defined(__linux__)
std::int64_t threadCpuNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool pinToCpu(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return ::sched_setaffinity(0, sizeof(set), &set) == 0;
}
#endif

} // namespace

class TestTaskRegistry : public QObject
{
    Q_OBJECT

private slots:
    void figuresOfAScriptedRunMatchTheScript()
    {
        Recorded run;
        run.runtime.blockOn([]() -> Task<void> {
            JoinHandle<void> worker = spawn([]() -> Task<void> {
                busyFor(3ms);          // poll 1: 3 ms busy
                co_await sleep(10ms);  // 10 ms idle
                busyFor(2ms);          // poll 2: 2 ms busy
            }(), QStringLiteral("scripted"));
            co_await worker.join();
        }());
        run.runtime.setTraceSink(nullptr);
        run.apply();
        const TaskInfo *task = run.named(QStringLiteral("scripted"));
        QVERIFY(task);
        QCOMPARE(task->state, TaskState::Done);
        QCOMPARE(task->polls, 2u);
        QCOMPARE(task->busy, Duration(5ms));
        QCOMPARE(task->idle, Duration(10ms));
        QCOMPARE(task->longestPoll, Duration(3ms));
        QCOMPARE(task->pollPercentile(100), Duration(3ms));
        QCOMPARE(task->pollPercentile(0), Duration(2ms));
        QCOMPARE(task->wakes, 1u); // by the timer
        QCOMPARE(task->selfWakes, 0u);
        QCOMPARE(task->worker, 0);
        QVERIFY(task->spawnedAt.contains(QStringLiteral("tst_taskregistry.cpp:")));
        const TaskInfo *root = run.named(QStringLiteral("blockOn"));
        QVERIFY(root);
        QCOMPARE(task->parent, root->id);
        QCOMPARE(taskStateName(task->state), QStringLiteral("done"));
    }

    void aTaskKeepsItsLatestPollSamples()
    {
        // 1500 polls of 1, 2, … 1500 µs: the window keeps the latest 1024 (477 … 1500 µs).
        std::vector<TraceEvent> events{{0, 9, 0, 0, -1, TraceKind::Spawn}};
        std::int64_t now = 0;
        for (std::int64_t poll = 1; poll <= 1500; ++poll) {
            events.push_back({now, 9, 0, 0, 0, TraceKind::PollStart});
            now += poll * 1000;
            events.push_back({now, 9, 0, 0, 0, TraceKind::PollEnd});
        }
        TaskRegistry registry;
        registry.apply(events, {});
        const TaskInfo *task = registry.task(9);
        QVERIFY(task);
        QCOMPARE(task->polls, 1500u);
        QCOMPARE(task->pollSamples.size(), TaskInfo::maxSamples);
        std::vector<std::int64_t> kept = task->pollSamples;
        std::sort(kept.begin(), kept.end());
        QCOMPARE(kept.front(), std::int64_t(1500 - 1024 + 1) * 1000);
        QCOMPARE(kept.back(), std::int64_t(1500) * 1000);
        QVERIFY(std::adjacent_find(kept.begin(), kept.end()) == kept.end()); // each once
        QCOMPARE(task->pollPercentile(100), Duration(1500 * 1000));
    }

    void stateShowsWhereAnIdleTaskAwaits()
    {
        Recorded run;
        Notify never;
        JoinHandle<void> waiter;
        run.runtime.blockOn([](Notify &n, JoinHandle<void> &out) -> Task<void> {
            out = spawn([](Notify &m) -> Task<void> { co_await m.notified(); }(n), QStringLiteral("waiter"));
            co_await sleep(1ms);
        }(never, waiter));
        run.apply();
        const TaskInfo *task = run.named(QStringLiteral("waiter"));
        QVERIFY(task);
        QCOMPARE(task->state, TaskState::Idle);
        QVERIFY2(task->awaitingAt.contains(QStringLiteral("tst_taskregistry.cpp:")), qPrintable(task->awaitingAt));
        waiter.abort();
        run.runtime.blockOn([](JoinHandle<void> &h) -> Task<void> {
            try {
                co_await h.join();
            } catch (const JoinError &) {
            }
        }(waiter));
        run.runtime.setTraceSink(nullptr);
        run.apply();
        QCOMPARE(run.named(QStringLiteral("waiter"))->state, TaskState::Cancelled);
    }

    void warningsNameTheTaskAndSayWhy()
    {
        Recorded run(TaskRegistry::Options{.longPollThreshold = 10ms});
        run.runtime.blockOn([]() -> Task<void> {
            JoinHandle<void> hog = spawn([]() -> Task<void> {
                busyFor(25ms);
                co_return;
            }(), QStringLiteral("hog"));
            JoinHandle<void> spinner = spawn([]() -> Task<void> {
                for (int i = 0; i < 20; ++i)
                    co_await yieldNow();
            }(), QStringLiteral("spinner"));
            co_await hog.join();
            co_await spinner.join();
        }());
        run.runtime.setTraceSink(nullptr);
        run.apply();
        QStringList messages;
        for (const TaskWarning &warning : run.registry.warnings())
            messages << warning.message;
        QVERIFY2(messages.size() == 2, qPrintable(messages.join('\n')));
        QVERIFY2(messages.filter(QStringLiteral("(hog) held worker 0 for 25.0 ms in one poll")).size() == 1,
                 qPrintable(messages.join('\n')));
        QVERIFY2(messages.filter(QStringLiteral("(spinner) woke itself 20 of 20 times")).size() == 1,
                 qPrintable(messages.join('\n')));
    }

    void aPollAcrossLostEventsIsNotMeasuredAndTheLossIsReported()
    {
        // Worker 0's ring lost 5000 events between 2 ms and 300 ms: task 1's PollStart at 1 ms
        // and a PollEnd at 301 ms are not one poll of 300 ms (its own end, and more polls, may
        // be among the lost). Task 2 was running on worker 1 when that worker's ring overflowed
        // and nothing of it came after: it is not "running without an await" either.
        const std::int64_t ms = 1'000'000;
        TaskRegistry registry(TaskRegistry::Options{.longPollThreshold = 10ms});
        registry.apply({
            {0, 1, 0, 0, 0, TraceKind::Spawn},
            {0, 2, 0, 0, 1, TraceKind::Spawn},
            {1 * ms, 1, 0, 0, 0, TraceKind::PollStart},
            {1 * ms, 2, 0, 0, 1, TraceKind::PollStart},
            {2 * ms, 0, std::uint64_t(300 * ms), 5000, 0, TraceKind::Lost},
            {3 * ms, 0, std::uint64_t(4 * ms), 70, 1, TraceKind::Lost},
            {301 * ms, 1, 0, 0, 0, TraceKind::PollEnd},
            {302 * ms, 1, 0, 0, 0, TraceKind::Wake},
            {303 * ms, 1, 0, 0, 0, TraceKind::PollStart}, // a poll seen whole: measured
            {305 * ms, 1, 0, 0, 0, TraceKind::PollEnd},
        });
        const TaskInfo *first = registry.task(1);
        QVERIFY(first);
        QCOMPARE(first->polls, 2u);
        QCOMPARE(first->busy, Duration(2 * ms));
        QCOMPARE(first->longestPoll, Duration(2 * ms));
        QCOMPARE(first->pollSamples.size(), std::size_t(1));
        QCOMPARE(first->scheduled, Duration(2 * ms)); // spawn → 1 ms, and wake at 302 → 303 ms
        QCOMPARE(registry.eventsLost(), 5070u);
        QCOMPARE(registry.gaps(), 2u);
        QVERIFY(warningsAbout(registry, 1).isEmpty());
        QVERIFY(warningsAbout(registry, 2).isEmpty()); // 304 ms "running", but across a gap
        const QStringList lost = warningsAbout(registry, 0);
        QCOMPARE(lost, QStringList{QStringLiteral("the trace lost 5070 events in 2 gaps (the drain fell behind and "
                                                  "a ring was full): polls, wakes and the timeline undercount there")});

        // A PollEnd whose PollStart never arrived (the trace began mid-poll) is not a poll either.
        registry.apply({{400 * ms, 3, 0, 0, 0, TraceKind::Wake}, {450 * ms, 3, 0, 0, 0, TraceKind::PollEnd}});
        QCOMPARE(registry.task(3)->busy, Duration::zero());
        QVERIFY(warningsAbout(registry, 3).isEmpty());
    }

    void aLongPollSaysWhetherItComputedWaitedOrWasPreempted()
    {
        // Scripted accounts of three 40 ms polls, as the runtime reports them (PollCpu).
        TaskRegistry registry(TaskRegistry::Options{.longPollThreshold = 10ms});
        std::vector<TraceEvent> events;
        for (const auto &poll : {longPoll(1, 0, 40, 38, 0, 2),    // on the CPU throughout
                                 longPoll(2, 50, 90, 1, 8, 0),    // slept 8 times
                                 longPoll(3, 100, 140, 3, 0, 9),  // other threads had the CPU
                                 longPoll(4, 150, 190, 40, 0, 0)}) // no account: see below
            events.insert(events.end(), poll.begin(), poll.end());
        events.pop_back(); // task 4's poll has no PollCpu (a virtual clock, or before recording)
        registry.apply(events);

        TaskWarning::Kind kind{};
        QStringList messages = warningsAbout(registry, 1, &kind);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(kind, TaskWarning::Kind::LongPoll);
        QVERIFY2(messages[0].contains(QStringLiteral("held worker 0 for 40.0 ms in one poll (threshold 10.0 ms): "
                                                     "CPU work between awaits (on the CPU for 38.0 ms of it)")),
                 qPrintable(messages[0]));

        // Mostly computing, but a quarter or more of it off the CPU: both are named.
        registry.apply(longPoll(6, 400, 440, 25, 1, 3));
        QVERIFY2(warningsAbout(registry, 6).value(0).contains(QStringLiteral(
                     "CPU work between awaits (on the CPU for 25.0 ms of it; off it for 15.0 ms: 3 preemptions, "
                     "1 wait in the kernel)")),
                 qPrintable(warningsAbout(registry, 6).value(0)));

        messages = warningsAbout(registry, 2, &kind);
        QCOMPARE(kind, TaskWarning::Kind::LongPoll);
        QVERIFY2(messages.value(0).contains(QStringLiteral("a blocking call between awaits (on the CPU for only "
                                                           "1.0 ms; it waited in the kernel 8 times")),
                 qPrintable(messages.value(0)));

        messages = warningsAbout(registry, 3, &kind);
        QCOMPARE(kind, TaskWarning::Kind::Preempted);
        QVERIFY2(messages.value(0).contains(QStringLiteral("the OS preempted worker 0 during a 40.0 ms poll of task 3: "
                                                           "the worker ran for only 3.0 ms of it (9 preemptions)")),
                 qPrintable(messages.value(0)));
        // For a status line, the preemptions fold into one line after the tasks' own warnings.
        registry.apply(longPoll(5, 300, 325, 2, 0, 1));
        const QStringList lines = warningLines(registry.warnings());
        QCOMPARE(lines.size(), 5);
        QVERIFY2(lines[4].startsWith(QStringLiteral("the OS preempted the workers during 2 long polls; the longest: "
                                                     "the OS preempted worker 0 during a 40.0 ms poll of task 3")),
                 qPrintable(lines[4]));
        QVERIFY2(warningsAbout(registry, 5).value(0).contains(QStringLiteral("(1 preemption)")),
                 qPrintable(warningsAbout(registry, 5).value(0)));

        messages = warningsAbout(registry, 4, &kind);
        QCOMPARE(kind, TaskWarning::Kind::LongPoll);
        QVERIFY2(messages.value(0).endsWith(QStringLiteral("CPU work or blocking calls between awaits")),
                 qPrintable(messages.value(0)));

        // A later, shorter poll's account does not replace the longest poll's.
        registry.apply({{200 * 1'000'000, 3, 0, 0, 0, TraceKind::PollStart},
                        {230 * 1'000'000, 3, 0, 0, 0, TraceKind::PollEnd},
                        {230 * 1'000'000, 3, 0, 30 * 1'000'000, 0, TraceKind::PollCpu}});
        warningsAbout(registry, 3, &kind);
        QCOMPARE(kind, TaskWarning::Kind::Preempted);
    }

#if defined(__linux__)
    void theRuntimeAccountsForLongPollsOnTheRealClock()
    {
        // One worker on the real clock. Each task below makes one long poll, spent differently;
        // what the OS reports varies with the machine's load, so the checks are on what must
        // hold under any load, and the registry's verdict is checked against the account.
        Runtime runtime(realConfig());
        TraceRecorder recorder(1);
        runtime.setTraceSink(&recorder);

        std::atomic<bool> competing{true};
        std::atomic<int> competitorCpu{-1};
        std::thread competitor; // started by the third task, on the worker's CPU
        TaskId sleeper = 0, computer = 0, crowded = 0, quick = 0;
        runtime.blockOn([&]() -> Task<void> {
            JoinHandle<void> a = spawn([]() -> Task<void> {
                for (int i = 0; i < 6; ++i)
                    std::this_thread::sleep_for(3ms); // a blocking call between awaits
                co_return;
            }(), QStringLiteral("sleeper"));
            sleeper = a.id();
            co_await a;
            JoinHandle<void> b = spawn([]() -> Task<void> {
                const std::int64_t until = threadCpuNs() + 20'000'000;
                while (threadCpuNs() < until) {
                }
                co_return;
            }(), QStringLiteral("computer"));
            computer = b.id();
            co_await b;
            // Coroutine parameters, not captures: the lambda object is gone when the body runs.
            JoinHandle<void> c = spawn([](std::atomic<bool> &competing, std::atomic<int> &competitorCpu,
                                          std::thread &competitor) -> Task<void> {
                // Share one CPU with a thread that spins at a higher priority: the OS gives
                // this worker a sliver of it.
                const int cpu = ::sched_getcpu();
                competitor = std::thread([run = &competing, pinned = &competitorCpu, cpu] {
                    *pinned = pinToCpu(cpu) ? cpu : -2;
                    while (run->load(std::memory_order_relaxed)) {
                    }
                });
                while (competitorCpu.load() == -1)
                    std::this_thread::yield();
                if (competitorCpu.load() >= 0 && pinToCpu(cpu)) {
                    ::setpriority(PRIO_PROCESS, id_t(::syscall(SYS_gettid)), 19);
                    const auto until = std::chrono::steady_clock::now() + 40ms;
                    while (std::chrono::steady_clock::now() < until) {
                    }
                }
                co_return;
            }(competing, competitorCpu, competitor), QStringLiteral("crowded"));
            crowded = c.id();
            co_await c;
            competing = false;
            JoinHandle<void> d = spawn([]() -> Task<void> { co_return; }(), QStringLiteral("quick"));
            quick = d.id();
            co_await d;
        }());
        competing = false;
        if (competitor.joinable())
            competitor.join();
        runtime.setTraceSink(nullptr);
        const std::vector<TraceEvent> events = recorder.drain();

        struct Account
        {
            std::int64_t pollNs = -1;
            std::int64_t cpuNs = -1;
            std::uint32_t waits = 0;
            std::uint32_t preemptions = 0;
        };
        auto accountOf = [&](TaskId task) {
            Account account;
            std::int64_t start = 0;
            for (const TraceEvent &event : events) {
                if (event.task != task)
                    continue;
                if (event.kind == TraceKind::PollStart)
                    start = event.timeNs;
                else if (event.kind == TraceKind::PollEnd)
                    account.pollNs = event.timeNs - start;
                else if (event.kind == TraceKind::PollCpu) {
                    account.cpuNs = event.value;
                    account.waits = pollCpuWaits(event);
                    account.preemptions = pollCpuPreemptions(event);
                }
            }
            return account;
        };

        const Account slept = accountOf(sleeper);
        QVERIFY2(slept.cpuNs >= 0, "no PollCpu for the sleeper's 18 ms poll");
        QVERIFY2(slept.waits >= 6, qPrintable(QStringLiteral("%1 waits").arg(slept.waits)));
        QVERIFY2(2 * slept.cpuNs < slept.pollNs, qPrintable(QStringLiteral("%1 of %2 ns on the CPU").arg(slept.cpuNs).arg(slept.pollNs)));

        const Account computed = accountOf(computer);
        QVERIFY2(computed.cpuNs >= 20'000'000, qPrintable(QStringLiteral("%1 ns on the CPU").arg(computed.cpuNs)));
        QVERIFY(computed.pollNs >= 20'000'000);

        QVERIFY2(accountOf(quick).cpuNs == -1, "a quick poll was explained");

        TaskRegistry registry(TaskRegistry::Options{.longPollThreshold = 10ms});
        registry.apply(events, recorder.takeTaskDescriptions());
        TaskWarning::Kind kind{};
        QVERIFY(warningsAbout(registry, sleeper).join(' ').contains(QStringLiteral("a blocking call between awaits")));
        const QString computerWarning = warningsAbout(registry, computer, &kind).join(' ');
        if (2 * computed.cpuNs >= computed.pollNs)
            QVERIFY2(computerWarning.contains(QStringLiteral("CPU work between awaits")), qPrintable(computerWarning));
        else // a machine this loaded keeps even a computing worker off the CPU half the time
            QCOMPARE(kind, TaskWarning::Kind::Preempted);

        if (competitorCpu.load() < 0)
            QSKIP("could not pin a thread to the worker's CPU: the preemption case is untested here");
        const Account squeezed = accountOf(crowded);
        QVERIFY2(squeezed.pollNs >= 40'000'000 && squeezed.preemptions >= 1 && 2 * squeezed.cpuNs < squeezed.pollNs,
                 qPrintable(QStringLiteral("%1 of %2 ns on the CPU, %3 preemptions, %4 waits")
                                .arg(squeezed.cpuNs).arg(squeezed.pollNs).arg(squeezed.preemptions).arg(squeezed.waits)));
        const QString crowdedWarning = warningsAbout(registry, crowded, &kind).join(' ');
        if (squeezed.waits < squeezed.preemptions) {
            QCOMPARE(kind, TaskWarning::Kind::Preempted);
            QVERIFY2(crowdedWarning.contains(QStringLiteral("The machine is busy")), qPrintable(crowdedWarning));
        }
    }
#endif

    /// Fault table, "a pattern's task panics": the task's state says panicked, and one
    /// warning names it and the JoinError its awaiter gets, after the task is pruned too.
    void aTaskThatThrowsIsWarnedOfAsAPanicAndStaysWarnedOfAfterItIsPruned()
    {
        Recorded run(TaskRegistry::Options{.retention = 1s});
        TaskId thrower = 0;
        QString awaited;
        run.runtime.blockOn([](TaskId *id, QString *seen) -> Task<void> {
            JoinHandle<int> failing = spawn([]() -> Task<int> {
                co_await sleep(5ms);
                throw std::runtime_error("the downstream said no");
            }(), QStringLiteral("fetch-7"));
            *id = failing.id();
            try {
                (void)co_await failing.join();
            } catch (const JoinError &error) {
                *seen = QString::fromStdString(error.what());
            }
            co_await sleep(5s);
        }(&thrower, &awaited));
        run.runtime.setTraceSink(nullptr);
        QVERIFY2(awaited.contains(QStringLiteral("panicked: the downstream said no")), qPrintable(awaited));
        run.apply();
        // Pruned by now (5 s after it ended, 1 s retention); the warning stays.
        run.registry.prune(run.registry.lastEventTime());
        QCOMPARE(run.registry.task(thrower), nullptr);
        TaskWarning::Kind kind{};
        const QStringList warnings = warningsAbout(run.registry, thrower, &kind);
        QCOMPARE(kind, TaskWarning::Kind::Panicked);
        QCOMPARE(warnings, QStringList{QStringLiteral("task %1 (fetch-7) panicked (it threw): whoever awaits it gets a "
                                                      "JoinError").arg(thrower)});
    }

    void manyPanicsAreOneWarningThatNamesTheFirstFew()
    {
        Recorded run;
        run.runtime.blockOn([]() -> Task<void> {
            for (int i = 0; i < 5; ++i) {
                JoinHandle<void> failing = spawn([]() -> Task<void> {
                    throw std::runtime_error("no");
                    co_return;
                }(), QStringLiteral("item-%1").arg(i));
                try {
                    co_await failing.join();
                } catch (const JoinError &) {
                }
            }
        }());
        run.runtime.setTraceSink(nullptr);
        run.apply();
        QStringList panics;
        for (const TaskWarning &warning : run.registry.warnings()) {
            if (warning.kind == TaskWarning::Kind::Panicked)
                panics << warning.message;
        }
        QCOMPARE(panics.size(), 1);
        QVERIFY2(panics.at(0).startsWith(QStringLiteral("5 tasks panicked (they threw): whoever awaits one gets a "
                                                        "JoinError; task ")),
                 qPrintable(panics.at(0)));
        QVERIFY2(panics.at(0).contains(QStringLiteral("(item-0)")) && panics.at(0).contains(QStringLiteral("(item-2)"))
                     && !panics.at(0).contains(QStringLiteral("(item-3)")) && panics.at(0).endsWith(QStringLiteral(", …")),
                 qPrintable(panics.at(0)));
        QCOMPARE(warningLines(run.registry.warnings()), QStringList{panics.at(0)});
    }

    void finishedTasksArePrunedAfterTheRetention()
    {
        Recorded run(TaskRegistry::Options{.retention = 1s});
        run.runtime.blockOn([]() -> Task<void> {
            JoinHandle<void> quick = spawn([]() -> Task<void> { co_return; }(), QStringLiteral("quick"));
            co_await quick.join();
            co_await sleep(5s);
        }());
        run.runtime.setTraceSink(nullptr);
        run.apply();
        QVERIFY(run.named(QStringLiteral("quick")));
        run.registry.prune(run.runtime.now());
        QVERIFY(!run.named(QStringLiteral("quick")));
        QVERIFY(run.named(QStringLiteral("blockOn"))); // finished at 5 s: still within 1 s
    }
};

QTEST_GUILESS_MAIN(TestTaskRegistry)
#include "tst_taskregistry.moc"
