#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "sync/notify.h"
#include "time/sleep.h"
#include "trace/taskregistry.h"
#include "trace/tracerecorder.h"
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
        QVERIFY2(messages.filter(QStringLiteral("(hog) blocked worker 0 for 25.0 ms in one poll")).size() == 1,
                 qPrintable(messages.join('\n')));
        QVERIFY2(messages.filter(QStringLiteral("(spinner) woke itself 20 of 20 times")).size() == 1,
                 qPrintable(messages.join('\n')));
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
