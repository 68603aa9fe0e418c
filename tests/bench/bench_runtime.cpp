// Runtime benchmarks: one JSON line per figure, each with its peer measured in the same run.
// Benchmarks never pass or fail; compare ratios, not absolute numbers, on a busy machine.

#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "time/sleep.h"
#include "trace/tracerecorder.h"

#include <QCoreApplication>
#include <QFuture>
#include <QThreadPool>
#include <QDir>
#include <QFile>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

using namespace taskscope;
using namespace std::chrono_literals;
using WallClock = std::chrono::steady_clock;

namespace {

double nanosecondsSince(WallClock::time_point start)
{
    return std::chrono::duration<double, std::nano>(WallClock::now() - start).count();
}

void printLine(const char *name, const char *unit, double value, const char *peer, double peerValue, double goal)
{
    std::printf("{\"bench\":\"%s\",\"unit\":\"%s\",\"value\":%.1f,\"peer\":\"%s\",\"peer_value\":%.1f,"
                "\"ratio_to_peer\":%.3f,\"goal\":%.1f}\n",
                name, unit, value, peer, peerValue, peerValue > 0 ? value / peerValue : 0.0, goal);
    std::fflush(stdout);
}

RuntimeConfig twoWorkers()
{
    RuntimeConfig config;
    config.workerThreads = 2;
    config.threadName = QStringLiteral("bench");
    return config;
}

Task<int> trivial(int value)
{
    co_return value;
}

Task<long long> joinAll(std::vector<JoinHandle<int>> &handles)
{
    long long sum = 0;
    for (auto &handle : handles)
        sum += co_await handle.join();
    co_return sum;
}

/// Drains a recorder on its own thread every millisecond, as the GUI's frame timer does.
class BackgroundDrain
{
public:
    explicit BackgroundDrain(TraceRecorder &recorder)
        : m_thread([this, &recorder] {
            std::vector<TraceEvent> events; // reused, as the GUI's drain does
            while (!m_stop.load()) {
                recorder.drain(events);
                (void)recorder.takeTaskDescriptions();
                m_drained += events.size();
                std::this_thread::sleep_for(1ms);
            }
            recorder.drain(events);
            m_drained += events.size();
        })
    {
    }
    ~BackgroundDrain()
    {
        m_stop = true;
        m_thread.join();
    }

private:
    std::atomic<bool> m_stop{false};
    std::size_t m_drained = 0;
    std::thread m_thread;
};

// spawn_join: 200k trivial tasks spawned from outside, then awaited; ns per task.
double spawnJoin(int count, bool recording = false)
{
    Runtime runtime(twoWorkers());
    TraceRecorder recorder(2);
    std::optional<BackgroundDrain> drain;
    if (recording) {
        runtime.setTraceSink(&recorder);
        drain.emplace(recorder);
    }
    std::vector<JoinHandle<int>> handles;
    handles.reserve(std::size_t(count));
    const auto start = WallClock::now();
    for (int i = 0; i < count; ++i)
        handles.push_back(runtime.spawn(trivial(i)));
    const long long sum = runtime.blockOn(joinAll(handles));
    const double perTask = nanosecondsSince(start) / count;
    runtime.setTraceSink(nullptr);
    if (sum != (long long)count * (count - 1) / 2)
        std::fprintf(stderr, "spawn_join: wrong sum %lld\n", sum);
    return perTask;
}

// trace_event: the cost of recording one event from a worker into its ring; ns per event.
// Peer: the obvious alternative, appending to a mutex-guarded vector.
double traceEventCost(int rounds)
{
    TraceRecorder recorder(1, 1 << 16);
    TraceEvent event{0, 1, 2, 3, 0, TraceKind::PollStart};
    double total = 0;
    for (int round = 0; round < rounds; ++round) {
        const auto start = WallClock::now();
        for (int i = 0; i < 60000; ++i) {
            event.timeNs = i;
            recorder.record(event);
        }
        total += nanosecondsSince(start);
        (void)recorder.drain();
    }
    return total / (double(rounds) * 60000);
}

double mutexVectorCost(int rounds)
{
    std::mutex mutex;
    std::vector<TraceEvent> events;
    events.reserve(60000);
    TraceEvent event{0, 1, 2, 3, 0, TraceKind::PollStart};
    double total = 0;
    for (int round = 0; round < rounds; ++round) {
        const auto start = WallClock::now();
        for (int i = 0; i < 60000; ++i) {
            event.timeNs = i;
            std::lock_guard lock(mutex);
            events.push_back(event);
        }
        total += nanosecondsSince(start);
        events.clear();
    }
    return total / (double(rounds) * 60000);
}

// The whole hook as the scheduler calls it: clock read, event, ring; ns per event.
double schedulerHookCost(int count)
{
    Runtime runtime(twoWorkers());
    TraceRecorder recorder(2, 1 << 16);
    runtime.setTraceSink(&recorder);
    const double perEvent = runtime.blockOn([](Runtime &rt, int n, TraceRecorder &rec) -> Task<double> {
        detail::Scheduler &scheduler = rt.scheduler();
        double total = 0;
        for (int done = 0; done < n; done += 50000) {
            const auto start = WallClock::now();
            for (int i = 0; i < 50000; ++i)
                scheduler.trace(TraceKind::Counter, 1, 7, i);
            total += nanosecondsSince(start);
            (void)rec.drain(); // outside the timed loop; this task is the only drainer
            co_await yieldNow();
        }
        co_return total / n;
    }(runtime, count, recorder));
    runtime.setTraceSink(nullptr);
    return perEvent;
}

double qtConcurrentSpawnJoin(int count)
{
    QThreadPool pool;
    pool.setMaxThreadCount(2);
    std::vector<QFuture<int>> futures;
    futures.reserve(std::size_t(count));
    const auto start = WallClock::now();
    for (int i = 0; i < count; ++i)
        futures.push_back(QtConcurrent::run(&pool, [i] { return i; }));
    long long sum = 0;
    for (auto &future : futures)
        sum += future.result();
    const double perTask = nanosecondsSince(start) / count;
    if (sum != (long long)count * (count - 1) / 2)
        std::fprintf(stderr, "qtconcurrent: wrong sum %lld\n", sum);
    return perTask;
}

// timers: 100k tasks each sleeping 10–19 ms; ms until all are done.
Task<int> sleeper(Duration delay)
{
    co_await sleep(delay);
    co_return 1;
}

double timers(int count, double *spawnMs = nullptr)
{
    Runtime runtime(twoWorkers());
    std::mt19937 random(7);
    std::vector<JoinHandle<int>> handles;
    handles.reserve(std::size_t(count));
    const auto start = WallClock::now();
    for (int i = 0; i < count; ++i)
        handles.push_back(runtime.spawn(sleeper(std::chrono::milliseconds(10 + random() % 10))));
    if (spawnMs)
        *spawnMs = nanosecondsSince(start) / 1e6;
    runtime.blockOn(joinAll(handles));
    const double total = nanosecondsSince(start) / 1e6;
    if (std::getenv("SCHEDSTAT")) {
        QDir dir(QStringLiteral("/proc/self/task"));
        for (const QString &tid : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(dir.filePath(tid + QStringLiteral("/comm")));
            QFile stat(dir.filePath(tid + QStringLiteral("/schedstat")));
            comm.open(QIODevice::ReadOnly);
            stat.open(QIODevice::ReadOnly);
            const QList<QByteArray> fields = stat.readAll().split(' ');
            std::fprintf(stderr, "  %s oncpu=%.1fms wait=%.1fms\n", comm.readAll().trimmed().constData(),
                         fields[0].toDouble() / 1e6, fields[1].toDouble() / 1e6);
        }
    }
    return total;
}

double qtTimers(int count)
{
    // Peer: the same 100k one-shot timers as QTimers on one Qt event loop.
    std::mt19937 random(7);
    int remaining = count;
    QObject context;
    const auto start = WallClock::now();
    for (int i = 0; i < count; ++i)
        QTimer::singleShot(std::chrono::milliseconds(10 + random() % 10), Qt::PreciseTimer, &context, [&remaining] {
            if (--remaining == 0)
                QCoreApplication::exit(0);
        });
    QCoreApplication::exec();
    return nanosecondsSince(start) / 1e6;
}

// yield: two tasks each yielding n times on two workers; ns per yield.
Task<void> yielder(int times)
{
    for (int i = 0; i < times; ++i)
        co_await yieldNow();
}

double yieldPingPong(int times)
{
    Runtime runtime(twoWorkers());
    const auto start = WallClock::now();
    runtime.blockOn([](int n) -> Task<void> {
        JoinHandle<void> a = spawn(yielder(n));
        JoinHandle<void> b = spawn(yielder(n));
        co_await a.join();
        co_await b.join();
    }(times));
    return nanosecondsSince(start) / (2.0 * times);
}

double threadPingPong(int times)
{
    // Peer: the same hand-off between two OS threads through a condition variable.
    std::mutex mutex;
    std::condition_variable turnChanged;
    int turn = 0;
    const auto start = WallClock::now();
    std::thread other([&] {
        for (int i = 0; i < times; ++i) {
            std::unique_lock lock(mutex);
            turnChanged.wait(lock, [&] { return turn == 1; });
            turn = 0;
            turnChanged.notify_one();
        }
    });
    for (int i = 0; i < times; ++i) {
        std::unique_lock lock(mutex);
        turn = 1;
        turnChanged.notify_one();
        turnChanged.wait(lock, [&] { return turn == 0; });
    }
    other.join();
    return nanosecondsSince(start) / (2.0 * times);
}

// wake latency: from a spawn outside the runtime, while every worker is parked, to the
// task's first instruction; µs at p50 and p99.
std::pair<double, double> percentiles(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return {samples[samples.size() / 2], samples[samples.size() * 99 / 100]};
}

std::pair<double, double> parkedWakeLatency(int samples)
{
    Runtime runtime(twoWorkers());
    std::vector<double> latencies;
    for (int i = 0; i < samples; ++i) {
        std::this_thread::sleep_for(1ms); // let both workers park
        const auto spawnedAt = WallClock::now();
        JoinHandle<double> handle = runtime.spawn([](WallClock::time_point at) -> Task<double> {
            co_return std::chrono::duration<double, std::micro>(WallClock::now() - at).count();
        }(spawnedAt));
        latencies.push_back(runtime.blockOn([](JoinHandle<double> &h) -> Task<double> { co_return co_await h.join(); }(handle)));
    }
    return percentiles(latencies);
}

std::pair<double, double> condvarWakeLatency(int samples)
{
    std::mutex mutex;
    std::condition_variable ready;
    WallClock::time_point sentAt;
    bool sent = false;
    bool stop = false;
    std::vector<double> latencies;
    std::thread waiter([&] {
        std::unique_lock lock(mutex);
        for (;;) {
            ready.wait(lock, [&] { return sent || stop; });
            if (stop)
                return;
            latencies.push_back(std::chrono::duration<double, std::micro>(WallClock::now() - sentAt).count());
            sent = false;
            ready.notify_all();
        }
    });
    for (int i = 0; i < samples; ++i) {
        std::this_thread::sleep_for(1ms);
        std::unique_lock lock(mutex);
        sentAt = WallClock::now();
        sent = true;
        ready.notify_all();
        ready.wait(lock, [&] { return !sent; });
    }
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    ready.notify_all();
    waiter.join();
    return percentiles(latencies);
}

// shutdown: destroying a runtime with 100k tasks pending; ms.
double shutdownWithPending(int count)
{
    auto runtime = std::make_unique<Runtime>(twoWorkers());
    std::vector<JoinHandle<int>> handles;
    for (int i = 0; i < count; ++i)
        handles.push_back(runtime->spawn(sleeper(1h)));
    while (runtime->liveTasks() < std::size_t(count))
        std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(50ms); // let them all reach their sleep
    const auto start = WallClock::now();
    runtime.reset();
    return nanosecondsSince(start) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // `bench_runtime NAME` runs one figure only (for profiling); no argument runs them all.
    const QString only = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    auto wanted = [&only](const char *name) { return only.isEmpty() || only == QLatin1String(name); };
    // Best of three for each side, interleaved, so both see the same machine.
    auto best = [](auto measure) {
        double value = 1e300;
        for (int round = 0; round < 3; ++round)
            value = std::min(value, measure());
        return value;
    };
    if (only == QLatin1String("profile-spawn-join-warm")) { // eight rounds in one process: warm pools, for perf record
        for (int round = 0; round < 8; ++round)
            std::printf("%.1f ns/task\n", spawnJoin(200000));
        return 0;
    }
    if (only == QLatin1String("profile-spawn-join")) { // ours alone, for perf record
        std::printf("%.1f ns/task\n", spawnJoin(1000000));
        return 0;
    }
    if (only == QLatin1String("profile-spawn-join-recording")) {
        std::printf("%.1f ns/task\n", spawnJoin(1000000, true));
        return 0;
    }
    if (only == QLatin1String("profile-hook")) {
        std::printf("%.1f ns/event\n", schedulerHookCost(20000000));
        return 0;
    }
    if (only == QLatin1String("profile-timers")) {
        // As `timers` runs it, the best of three in one process (ROUNDS=n for more, to profile).
        const int rounds = std::getenv("ROUNDS") ? std::max(1, std::atoi(std::getenv("ROUNDS"))) : 3;
        for (int round = 0; round < rounds; ++round) {
            double spawnMs = 0;
            const double totalMs = timers(100000, &spawnMs);
            std::printf("%.1f ms (spawning took %.1f ms)\n", totalMs, spawnMs);
        }
        return 0;
    }
    if (wanted("spawn_join")) {
        const double ours = best([] { return spawnJoin(200000); });
        const double peer = best([] { return qtConcurrentSpawnJoin(200000); });
        printLine("spawn_join", "ns/task", ours, "qtconcurrent_run_2_threads", peer, 400);
    }
    if (wanted("trace")) {
        const double ring = best([] { return traceEventCost(50); });
        const double vector = best([] { return mutexVectorCost(50); });
        printLine("trace_event_ring_push", "ns/event", ring, "mutex_vector_push", vector, 15);
        const double hook = best([] { return schedulerHookCost(50000); });
        printLine("trace_event_with_clock", "ns/event", hook, "ring_push_alone", ring, 15);
        // Interleaved, best of seven each: the two sides differ by tens of ns per task, and
        // on this shared machine one round of either varies by more than that.
        double off = 1e300;
        double on = 1e300;
        for (int round = 0; round < 7; ++round) {
            off = std::min(off, spawnJoin(200000, false));
            on = std::min(on, spawnJoin(200000, true));
        }
        printLine("spawn_join_recording_on", "ns/task", on, "spawn_join_recording_off", off, 1.10 * off);
    }
    if (wanted("timers")) {
        const double timerMs = best([] { return timers(100000); });
        // One round only: Qt's timer list is linear, and 100k timers take seconds.
        const double qtTimerMs = qtTimers(100000);
        printLine("timers_100k_sleep_10_19ms", "ms", timerMs, "qtimer_single_event_loop", qtTimerMs, 60);
    }
    if (wanted("yield")) {
        const double yieldNs = best([] { return yieldPingPong(200000); });
        const double threadNs = best([] { return threadPingPong(200000); });
        printLine("yield_two_tasks", "ns/yield", yieldNs, "os_thread_condvar_handoff", threadNs, 0);
    }
    if (wanted("wake")) {
        const auto [wakeP50, wakeP99] = parkedWakeLatency(500);
        const auto [cvP50, cvP99] = condvarWakeLatency(500);
        printLine("parked_worker_wake_p50", "us", wakeP50, "condvar_wake_p50", cvP50, 0);
        printLine("parked_worker_wake_p99", "us", wakeP99, "condvar_wake_p99", cvP99, 0);
    }
    if (wanted("shutdown")) {
        const double shutdownMs = shutdownWithPending(100000);
        printLine("shutdown_100k_pending", "ms", shutdownMs, "none", 0, 1000);
    }
    return 0;
}
