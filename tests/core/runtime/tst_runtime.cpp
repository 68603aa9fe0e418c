#include <QDir>

#include <algorithm>
#include <cerrno>
#include <QFile>
#include <QSet>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "runtime/spawnblocking.h"
#include "runtime/yieldnow.h"
#include "sync/cancellationtoken.h"
#include "time/sleep.h"
#include "time/timeout.h"

#include <pthread.h>
#include <sys/resource.h>
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

QSet<QString> threadNamesOfThisProcess()
{
    QSet<QString> names;
    const QDir tasks(QStringLiteral("/proc/self/task"));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(tasks.filePath(tid + QStringLiteral("/comm")));
        if (comm.open(QIODevice::ReadOnly))
            names.insert(QString::fromUtf8(comm.readAll()).trimmed());
    }
    return names;
}

Task<int> valueAfter(Duration delay, int value)
{
    co_await sleep(delay);
    co_return value;
}

Task<int> throwsAfter(Duration delay, const char *message)
{
    co_await sleep(delay);
    throw std::runtime_error(message);
}

Task<void> sleepsForever(std::atomic<int> &live)
{
    LiveCounter counter(live);
    co_await sleep(std::chrono::hours(24 * 365));
}

} // namespace

class TestRuntime : public QObject
{
    Q_OBJECT

private slots:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }

    void invalidConfigIsAClearError()
    {
        RuntimeConfig config;
        config.workerThreads = 65;
        try {
            Runtime runtime(config);
            QFAIL("a runtime with 65 workers started");
        } catch (const std::invalid_argument &error) {
            QCOMPARE(QString::fromUtf8(error.what()), QStringLiteral("workerThreads is 65; valid range is 1–64"));
        }
    }

    void workersCarryTheirNamesAsTheOsShowsThem()
    {
        RuntimeConfig config;
        config.workerThreads = 3;
        config.threadName = QStringLiteral("my-app");
        Runtime runtime(config);
        const QSet<QString> names = threadNamesOfThisProcess();
        for (int index = 0; index < 3; ++index)
            QVERIFY2(names.contains(QStringLiteral("my-app-%1").arg(index)), qPrintable(names.values().join(',')));
        QVERIFY(!names.contains(QStringLiteral("my-app-3")));
        const auto stats = runtime.workerStats();
        QCOMPARE(int(stats.size()), 3);
        QCOMPARE(stats[2].name, QStringLiteral("my-app-2"));
    }

    void workersRunAtTheirNiceness()
    {
#if defined(Q_OS_LINUX)
        RuntimeConfig config;
        config.workerThreads = 2;
        config.threadName = QStringLiteral("nice-w");
        config.workerNiceness = 4;
        Runtime runtime(config);
        errno = 0;
        const int base = ::getpriority(PRIO_PROCESS, 0);
        QCOMPARE(errno, 0);
        int checked = 0;
        const QDir tasks(QStringLiteral("/proc/self/task"));
        for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile stat(tasks.filePath(tid + QStringLiteral("/stat")));
            if (!stat.open(QIODevice::ReadOnly))
                continue;
            const QString line = QString::fromUtf8(stat.readAll());
            const qsizetype open = line.indexOf(QLatin1Char('('));
            const qsizetype close = line.lastIndexOf(QLatin1Char(')'));
            const QString name = line.mid(open + 1, close - open - 1);
            // Fields after the name start at field 3 (state); nice is field 19.
            const QStringList fields = line.mid(close + 2).split(QLatin1Char(' '));
            const int nice = fields.value(16).toInt();
            if (name.startsWith(QStringLiteral("nice-w-"))) {
                QCOMPARE(nice, std::min(base + 4, 19));
                ++checked;
            } else {
                QCOMPARE(nice, base); // the other threads keep the process's
            }
        }
        QCOMPARE(checked, 2);
#else
        QSKIP("thread niceness is Linux-only");
#endif
    }

    void stackSizeIsAppliedBeforeTheWorkersStart()
    {
        RuntimeConfig config;
        config.workerThreads = 1;
        // Larger than the 8 MiB default, so glibc cannot hand back a cached default stack.
        config.threadStackSize = 16 * 1024 * 1024;
        Runtime runtime(config);
        const std::size_t stackSize = runtime.blockOn([]() -> Task<std::size_t> {
            pthread_attr_t attributes;
            pthread_getattr_np(pthread_self(), &attributes);
            std::size_t size = 0;
            pthread_attr_getstacksize(&attributes, &size);
            pthread_attr_destroy(&attributes);
            co_return size;
        }());
        QVERIFY2(stackSize >= std::size_t(16 * 1024 * 1024) && stackSize < std::size_t(64 * 1024 * 1024),
                 qPrintable(QString::number(stackSize)));
    }

    void aStackTheOsRefusesIsAClearErrorNotACrash()
    {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
        QSKIP("the sanitizers reserve more address space than the limit below allows");
#else
        // Limit this process's address space so that a 1 GiB worker stack cannot be mapped.
        rlimit original{};
        QCOMPARE(getrlimit(RLIMIT_AS, &original), 0);
        rlimit limited = original;
        limited.rlim_cur = 768ull * 1024 * 1024 * 1024 / 1024; // 768 MiB
        QCOMPARE(setrlimit(RLIMIT_AS, &limited), 0);
        RuntimeConfig config;
        config.workerThreads = 2;
        config.threadName = QStringLiteral("refused");
        config.threadStackSize = 1024u * 1024 * 1024;
        QString message;
        QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("QThread::start: Thread creation error")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("worker thread \"refused-0\" did not start")));
        try {
            Runtime runtime(config);
        } catch (const std::runtime_error &error) {
            message = QString::fromUtf8(error.what());
        }
        setrlimit(RLIMIT_AS, &original);
        QCOMPARE(message, QStringLiteral("could not start worker thread \"refused-0\": the OS refused a thread "
                                         "with threadStackSize = 1073741824 bytes"));
#endif
    }

    void spawnGivesTheValueThroughTheHandle()
    {
        Runtime runtime(virtualConfig());
        JoinHandle<int> handle = runtime.spawn(valueAfter(100ms, 42), QStringLiteral("answer"));
        QVERIFY(handle.id() > 0);
        QCOMPARE(runtime.blockOn([](JoinHandle<int> &h) -> Task<int> { co_return co_await h.join(); }(handle)), 42);
        QVERIFY(handle.isFinished());
        QCOMPARE(elapsedMs(runtime), 100);
    }

    void aThrowBecomesJoinErrorPanickedAndTheWorkerSurvives()
    {
        Runtime runtime(virtualConfig());
        JoinHandle<int> bad = runtime.spawn(throwsAfter(5ms, "the disk is on fire"));
        const QString outcome = runtime.blockOn([](JoinHandle<int> &h) -> Task<QString> {
            try {
                co_await h.join();
            } catch (const JoinError &error) {
                co_return QStringLiteral("%1|%2").arg(error.isPanicked()).arg(error.message());
            }
            co_return QString();
        }(bad));
        QCOMPARE(outcome, QStringLiteral("1|the disk is on fire"));
        // The same (only) worker still runs tasks.
        QCOMPARE(runtime.blockOn(valueAfter(1ms, 7)), 7);
    }

    void abortWakesATaskWaitingInSleep()
    {
        // (On the virtual clock, time jumps whenever the workers are idle, so every test
        // starts its tasks from one root task instead of spawning from outside.)
        Runtime runtime(virtualConfig());
        std::atomic<int> live{0};
        const bool cancelled = runtime.blockOn([](std::atomic<int> &count) -> Task<bool> {
            JoinHandle<void> h = spawn(sleepsForever(count));
            co_await sleep(10ms);
            if (count.load() != 1)
                co_return false;
            h.abort();
            try {
                co_await h.join();
            } catch (const JoinError &error) {
                co_return error.isCancelled();
            }
            co_return false;
        }(live));
        QVERIFY(cancelled);
        QCOMPARE(live.load(), 0); // the frame was unwound: its destructors ran
        QCOMPARE(elapsedMs(runtime), 10); // and the year-long timer was removed, not waited out
    }

    void abortWakesATaskWaitingOnCancelledAndOnAJoin()
    {
        Runtime runtime(virtualConfig());
        CancellationToken token;
        std::atomic<int> live{0};
        auto waitsForToken = [](CancellationToken t, std::atomic<int> &count) -> Task<void> {
            LiveCounter counter(count);
            co_await t.cancelled();
        };
        auto joinsInner = [](JoinHandle<void> &h, std::atomic<int> &count) -> Task<void> {
            LiveCounter counter(count);
            co_await h.join();
        };
        JoinHandle<void> inner;
        const int results = runtime.blockOn([&]() -> Task<int> {
            inner = spawn(sleepsForever(live));
            JoinHandle<void> a = spawn(waitsForToken(token, live));
            JoinHandle<void> b = spawn(joinsInner(inner, live));
            co_await sleep(1ms);
            a.abort();
            b.abort();
            int cancelled = 0;
            for (JoinHandle<void> *h : {&a, &b}) {
                try {
                    co_await h->join();
                } catch (const JoinError &error) {
                    cancelled += error.isCancelled();
                }
            }
            // Checked here: once the workers go idle, virtual time jumps to inner's deadline.
            // Only `inner` is still alive: aborting its joiner did not abort it.
            if (live.load() != 1 || inner.isFinished())
                co_return -1;
            inner.abort();
            co_return cancelled;
        }());
        QCOMPARE(results, 2);
        QVERIFY(!token.isCancelled());
    }

    void aSecondJoinWhileTheFirstWaitsIsAnErrorAndTheFirstStillGetsTheValue()
    {
        Runtime runtime(virtualConfig());
        const QString outcome = runtime.blockOn([]() -> Task<QString> {
            auto joinOf = [](JoinHandle<int> &handle) -> Task<int> { co_return co_await handle.join(); };
            JoinHandle<int> target = spawn(valueAfter(10ms, 7));
            JoinHandle<int> first = spawn(joinOf(target));
            co_await sleep(1ms); // `first` waits for the target now
            QString second;
            try {
                second = QString::number(co_await target.join());
            } catch (const std::logic_error &error) {
                second = QString::fromUtf8(error.what());
            }
            TimeoutResult<int> firstGot = co_await timeout(1s, joinOf(first));
            co_return QStringLiteral("second: %1; first: %2")
                .arg(second, firstGot.timedOut() ? QStringLiteral("never woke") : QString::number(firstGot.value()));
        }());
        QVERIFY2(outcome.startsWith(QStringLiteral("second: taskscope: task ")), qPrintable(outcome));
        QVERIFY2(outcome.contains(QStringLiteral("one joiner at a time")), qPrintable(outcome));
        QVERIFY2(outcome.endsWith(QStringLiteral("; first: 7")), qPrintable(outcome));
    }

    void aJoinAfterTheFirstJoinWasCancelledIsAllowed()
    {
        Runtime runtime(virtualConfig());
        const int value = runtime.blockOn([]() -> Task<int> {
            JoinHandle<int> target = spawn(valueAfter(10ms, 7));
            const TimeoutResult<int> early = co_await timeout(1ms, [](JoinHandle<int> &handle) -> Task<int> {
                co_return co_await handle.join();
            }(target));
            if (!early.timedOut())
                co_return -1;
            co_return co_await target.join();
        }());
        QCOMPARE(value, 7);
    }

    void abortBeforeTheFirstPollNeverRunsTheBody()
    {
        Runtime runtime(virtualConfig());
        runtime.pause();
        std::atomic<bool> ran{false};
        JoinHandle<void> handle = runtime.spawn([](std::atomic<bool> &flag) -> Task<void> {
            flag = true;
            co_return;
        }(ran));
        handle.abort();
        runtime.resume();
        QTRY_VERIFY(handle.isFinished());
        QVERIFY(!ran.load());
        QVERIFY(!handle.result().isOk());
        QVERIFY(handle.result().error().isCancelled());
    }

    void aTaskWokenWhileRunningIsPolledExactlyOnceMore()
    {
        RuntimeConfig config = virtualConfig();
        Runtime runtime(config);
        RecordingSink sink;
        runtime.setTraceSink(&sink);
        std::atomic<bool> inPoll{false};
        std::atomic<bool> woken{false};
        CancellationToken token;
        // The task suspends on the token, but its first poll spins until another thread has
        // cancelled the token (a wake that arrives while the task is still Running).
        JoinHandle<int> handle = runtime.spawn([](CancellationToken t, std::atomic<bool> &started,
                                                  std::atomic<bool> &wake) -> Task<int> {
            auto awaiter = t.cancelled();
            started = true;
            while (!wake.load())
                std::this_thread::yield();
            co_await awaiter; // arms, and the cancel already happened: completes at once
            co_return 1;
        }(token, inPoll, woken));
        while (!inPoll.load())
            std::this_thread::yield();
        token.cancel();
        woken = true;
        QTRY_VERIFY(handle.isFinished());
        runtime.setTraceSink(nullptr);
        int polls = 0;
        for (const TraceEvent &event : sink.events())
            polls += event.kind == TraceKind::PollStart && event.task == handle.id();
        QCOMPARE(polls, 1);

        // Now the real case: wake arrives after the task armed its wait but before its poll ended.
        RecordingSink sink2;
        runtime.setTraceSink(&sink2);
        std::atomic<bool> armed{false};
        std::atomic<bool> release{false};
        CancellationToken second;
        struct SpinAfterArming
        {
            CancellationToken::Registration registration;
            std::atomic<bool> *armed;
            std::atomic<bool> *release;
            CancellationToken token;
            bool await_ready() const noexcept { return false; }
            bool await_suspend(std::coroutine_handle<> h)
            {
                auto &task = detail::requireCurrentTask("test");
                registration = token.onCancel([w = task.beginWait(h, std::source_location::current())] { w.wake(); });
                armed->store(true);
                while (!release->load())
                    std::this_thread::yield();
                return task.finishWait();
            }
            void await_resume() const noexcept {}
        };
        JoinHandle<int> racer = runtime.spawn([](SpinAfterArming awaiter) -> Task<int> {
            co_await awaiter;
            co_return 2;
        }(SpinAfterArming{{}, &armed, &release, second}));
        while (!armed.load())
            std::this_thread::yield();
        second.cancel(); // the task is Running: it is marked Notified, not queued
        release = true;
        QTRY_VERIFY(racer.isFinished());
        runtime.setTraceSink(nullptr);
        polls = 0;
        for (const TraceEvent &event : sink2.events())
            polls += event.kind == TraceKind::PollStart && event.task == racer.id();
        QCOMPARE(polls, 2);
        QCOMPARE(racer.result().value(), 2);
    }

    void shutdownWithPendingTasksCancelsThemAndDestroysTheirFrames()
    {
        std::atomic<int> live{0};
        std::vector<JoinHandle<void>> handles;
        {
            RuntimeConfig config;
            config.workerThreads = 2;
            Runtime runtime(config);
            for (int i = 0; i < 100000; ++i)
                handles.push_back(runtime.spawn(sleepsForever(live)));
            QTRY_COMPARE(live.load(), 100000); // all started and are sleeping
            QCOMPARE(runtime.liveTasks(), std::size_t(100000));
        }
        QCOMPARE(live.load(), 0);
        for (const auto &handle : handles) {
            QVERIFY(handle.isFinished());
            QVERIFY(handle.result().error().isCancelled());
        }
    }

    void blockOnFromAWorkerIsRefused()
    {
        Runtime runtime(virtualConfig());
        const bool refused = runtime.blockOn([](Runtime &rt) -> Task<bool> {
            try {
                rt.blockOn(valueAfter(1ms, 1));
            } catch (const std::logic_error &) {
                co_return true;
            }
            co_return false;
        }(runtime));
        QVERIFY(refused);
    }

    void yieldNowLetsTheOtherQueuedTasksRun()
    {
        Runtime runtime(virtualConfig());
        QStringList order;
        runtime.blockOn([](QStringList &log) -> Task<void> {
            auto worker = [](QStringList &out, QString name) -> Task<void> {
                for (int i = 0; i < 3; ++i) {
                    out << QStringLiteral("%1%2").arg(name).arg(i);
                    co_await yieldNow();
                }
            };
            JoinHandle<void> a = spawn(worker(log, QStringLiteral("a")));
            JoinHandle<void> b = spawn(worker(log, QStringLiteral("b")));
            co_await a.join();
            co_await b.join();
        }(order));
        QCOMPARE(order, QStringList({"a0", "b0", "a1", "b1", "a2", "b2"}));
    }

    void spawnBlockingRunsOffTheWorkerAndGivesItsResult()
    {
        Runtime runtime(virtualConfig()); // one worker
        std::atomic<bool> release{false};
        const QString result = runtime.blockOn([](std::atomic<bool> &gate) -> Task<QString> {
            // The closure blocks until another *task* opens the gate: with one worker, that
            // only works if the worker is free while the closure runs.
            JoinHandle<void> opener = spawn([](std::atomic<bool> &g) -> Task<void> {
                g = true;
                co_return;
            }(gate));
            const QString value = co_await spawnBlocking([&gate] {
                while (!gate.load())
                    std::this_thread::yield();
                return QStringLiteral("blocking done on %1").arg(QThread::currentThread()->objectName());
            });
            co_await opener.join();
            co_return value;
        }(release));
        QVERIFY2(result.startsWith(QStringLiteral("blocking done on")), qPrintable(result));
    }

    void spawnBlockingRethrowsTheClosuresException()
    {
        Runtime runtime(virtualConfig());
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, runtime.blockOn([]() -> Task<int> {
            co_return co_await spawnBlocking([]() -> int { throw std::out_of_range("index 9 of 3"); });
        }()));
    }

    void deterministicModeGivesIdenticalPollSequences()
    {
        auto run = [] {
            Runtime runtime(RuntimeConfig::deterministic(7));
            RecordingSink sink;
            runtime.setTraceSink(&sink);
            runtime.blockOn([](Runtime &rt) -> Task<void> {
                std::vector<JoinHandle<int>> handles;
                for (int i = 0; i < 50; ++i) {
                    handles.push_back(spawn([](int n, std::uint64_t jitter) -> Task<int> {
                        for (int step = 0; step < 3; ++step) {
                            co_await sleep(std::chrono::milliseconds(jitter % 17 + step));
                            co_await yieldNow();
                        }
                        co_return n;
                    }(i, rt.random())));
                }
                for (auto &handle : handles)
                    co_await handle.join();
            }(runtime));
            runtime.setTraceSink(nullptr);
            return sink.pollSequence();
        };
        const QStringList first = run();
        const QStringList second = run();
        QVERIFY(first.size() > 300);
        QCOMPARE(first, second);
    }

    void pauseHoldsWorkersAndStepRunsOnePoll()
    {
        RuntimeConfig config = virtualConfig();
        Runtime runtime(config);
        runtime.pause();
        std::atomic<int> progress{0};
        JoinHandle<void> handle = runtime.spawn([](std::atomic<int> &p) -> Task<void> {
            p = 1;
            co_await yieldNow();
            p = 2;
            co_await sleep(50ms);
            p = 3;
        }(progress));
        QTRY_VERIFY(runtime.isSettled());
        QCOMPARE(progress.load(), 0); // paused: nothing runs
        runtime.step();
        QTRY_COMPARE(progress.load(), 1);
        runtime.step();
        QTRY_COMPARE(progress.load(), 2);
        QCOMPARE(elapsedMs(runtime), 0);
        // Nothing runnable: time jumps to the sleep's deadline and fires it (once the poll
        // that armed the sleep has ended, if it was still running).
        runtime.step();
        QTRY_COMPARE(elapsedMs(runtime), 50);
        QTRY_VERIFY(runtime.isSettled());
        QCOMPARE(progress.load(), 2); // woken, but held until the next step
        runtime.step();
        QTRY_VERIFY(handle.isFinished());
        QCOMPARE(progress.load(), 3);
        runtime.resume();
    }

    void settledMeansTheSteppedPollHasEnded()
    {
        // isSettled() is what tests wait for instead of sleeping after pause() or step(): it
        // must not answer yes while a stepped poll is still to start or still running.
        Runtime runtime(virtualConfig());
        QVERIFY(!runtime.isSettled()); // running
        runtime.pause();
        std::atomic<bool> go{false};
        std::atomic<int> progress{0};
        JoinHandle<void> handle = runtime.spawn([](std::atomic<int> &p, std::atomic<bool> &g) -> Task<void> {
            p = 1;
            while (!g.load())
                std::this_thread::yield(); // the poll holds its worker until the test says go
            p = 2;
            co_return;
        }(progress, go));
        QTRY_VERIFY(runtime.isSettled()); // queued, not polled: paused
        QCOMPARE(progress.load(), 0);
        runtime.step();
        QVERIFY(!runtime.isSettled()); // granted at once, under the lock isSettled() takes
        QTRY_COMPARE(progress.load(), 1);
        QVERIFY(!runtime.isSettled()); // the poll runs
        go = true;
        QTRY_VERIFY(runtime.isSettled());
        QCOMPARE(progress.load(), 2);
        QVERIFY(handle.isFinished());
        runtime.resume();
        QVERIFY(!runtime.isSettled());
    }

    void stepDuringARunningPollIsKept()
    {
        // A step that comes while a poll still runs is carried out when the poll ends: it
        // grants the next poll if the running one queued a task, and otherwise moves time to
        // the deadline the running one armed. (Before, such a step was dropped.)
        Runtime runtime(virtualConfig());
        runtime.pause();
        std::atomic<int> progress{0};
        std::atomic<bool> go{false};
        JoinHandle<void> handle = runtime.spawn([](std::atomic<int> &p, std::atomic<bool> &g) -> Task<void> {
            p = 1;
            while (!g.load())
                std::this_thread::yield(); // the poll holds its worker until the test says go
            co_await yieldNow();
            p = 2;
            g = false;
            while (!g.load())
                std::this_thread::yield();
            co_await sleep(50ms);
            p = 3;
        }(progress, go));
        runtime.step();
        QTRY_COMPARE(progress.load(), 1);
        runtime.step(); // while the first poll runs: nothing is queued yet
        go = true;      // the poll queues the task (yieldNow) and ends
        QTRY_COMPARE(progress.load(), 2);
        runtime.step(); // while the second poll runs: no timer is armed yet
        QCOMPARE(elapsedMs(runtime), 0);
        go = true; // the poll arms the sleep and ends
        QTRY_COMPARE(elapsedMs(runtime), 50);
        QTRY_VERIFY(runtime.isSettled());
        QCOMPARE(progress.load(), 2); // woken by the timer, held until the next step
        runtime.step();
        QTRY_VERIFY(handle.isFinished());
        QCOMPARE(progress.load(), 3);
        runtime.resume();
    }

    void workStealingSpreadsTasksAcrossWorkers()
    {
        RuntimeConfig config;
        config.workerThreads = 2;
        Runtime runtime(config);
        // One task spawns many busy children onto its own worker's queue; the idle peer
        // must steal some of them.
        runtime.blockOn([]() -> Task<void> {
            std::vector<JoinHandle<void>> children;
            for (int i = 0; i < 200; ++i)
                children.push_back(spawn([]() -> Task<void> {
                    busyFor(200us);
                    co_return;
                }()));
            for (auto &child : children)
                co_await child.join();
        }());
        std::uint64_t steals = 0;
        std::uint64_t polls = 0;
        for (const WorkerStats &stats : runtime.workerStats()) {
            steals += stats.steals;
            polls += stats.polls;
            QVERIFY2(stats.polls > 0, "both workers ran tasks");
        }
        QVERIFY(steals > 0);
        QVERIFY(polls >= 201);
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
