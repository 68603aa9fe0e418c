// Runtime benchmarks: one JSON line per figure, each with its peer measured in the same run.
// Benchmarks never pass or fail; compare ratios, not absolute numbers, on a busy machine.

#include "benchsupport.h"

#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "sync/mpsc.h"
#include "sync/semaphore.h"
#include "time/sleep.h"
#include "trace/tracerecorder.h"

#include <QCoreApplication>
#include <QFuture>
#include <QThreadPool>
#include <QDir>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <sys/resource.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

using namespace taskscope;
using namespace taskscope::bench;
using namespace std::chrono_literals;

namespace {

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

// spawn_join: 200k trivial tasks spawned from outside, then awaited; ns per task.
double spawnJoin(int count, bool recording = false)
{
    BenchRuntime runtime(recording);
    std::vector<JoinHandle<int>> handles;
    handles.reserve(std::size_t(count));
    const auto start = WallClock::now();
    for (int i = 0; i < count; ++i)
        handles.push_back(runtime->spawn(trivial(i)));
    const long long sum = runtime->blockOn(joinAll(handles));
    const double perTask = nanosecondsSince(start) / count;
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

// --- the sync primitives, against Tokio (issue #28) ---

/// A figure and what recording it recorded and dropped (when it recorded).
struct Figure
{
    double value = 1e300;
    RecordingCounts counts;
    std::string detail = {}; ///< more fields for its line
};
Figure better(Figure a, Figure b)
{
    return b.value < a.value ? b : a;
}

// mpsc_bounded_1024: one producer task sends 0..n over a bounded channel of 1024 to one consumer
// task; ns per message. Both are spawned from outside, as the anchor spawns them from block_on.
Task<void> produce(mpsc::Sender<std::uint64_t> channel, std::uint64_t count)
{
    for (std::uint64_t value = 0; value < count; ++value)
        (void)co_await channel.send(value);
}

Task<std::uint64_t> consume(mpsc::Receiver<std::uint64_t> channel)
{
    std::uint64_t sum = 0;
    while (std::optional<std::uint64_t> value = co_await channel.recv())
        sum += *value;
    co_return sum;
}

Figure mpscBounded(std::uint64_t count, bool recording)
{
    BenchRuntime runtime(recording);
    auto [sender, receiver] = mpsc::channel<std::uint64_t>(1024);
    const auto start = WallClock::now();
    JoinHandle<void> producer = runtime->spawn(produce(std::move(sender), count));
    JoinHandle<std::uint64_t> consumer = runtime->spawn(consume(std::move(receiver)));
    const std::uint64_t sum = runtime->blockOn(
        [](JoinHandle<void> &p, JoinHandle<std::uint64_t> &c) -> Task<std::uint64_t> {
            co_await p.join();
            co_return co_await c.join();
        }(producer, consumer));
    Figure figure{nanosecondsSince(start) / double(count), {}};
    figure.counts = runtime.finish();
    if (sum != count * (count - 1) / 2)
        std::fprintf(stderr, "mpsc_bounded_1024: wrong sum %llu\n", (unsigned long long)sum);
    return figure;
}

// actor_request_reply: benchsupport.h's actor, 200k round trips from one task.
Figure actorRequestReply(std::uint64_t count, bool recording)
{
    BenchRuntime runtime(recording);
    Figure figure{actorRoundTrips(*runtime, count), {}};
    // Where the time goes: how often a worker was woken from its park, and took tasks from
    // the other, per round trip.
    std::uint64_t unparks = 0;
    std::uint64_t steals = 0;
    for (const WorkerStats &stats : runtime->workerStats()) {
        unparks += stats.unparks;
        steals += stats.steals;
    }
    figure.detail = field("unparks_per_trip", double(unparks) / double(count), 3)
        + field("steals_per_trip", double(steals) / double(count), 3);
    figure.counts = runtime.finish();
    return figure;
}

// semaphore_8_yield: n tasks spawned from outside, each takes a permit of Semaphore(8), yields
// once and gives it back; ns per task, spawning included (as the anchor times it).
Task<int> holdPermitAcrossYield(Semaphore &semaphore)
{
    SemaphorePermit permit = co_await semaphore.acquire();
    co_await yieldNow();
    co_return 1;
}

Figure semaphoreYield(int count, bool recording)
{
    BenchRuntime runtime(recording);
    Semaphore semaphore(8);
    std::vector<JoinHandle<int>> handles;
    handles.reserve(std::size_t(count));
    const auto start = WallClock::now();
    for (int i = 0; i < count; ++i)
        handles.push_back(runtime->spawn(holdPermitAcrossYield(semaphore)));
    const long long done = runtime->blockOn(joinAll(handles));
    Figure figure{nanosecondsSince(start) / count, {}};
    figure.counts = runtime.finish();
    if (done != count)
        std::fprintf(stderr, "semaphore_8_yield: %lld of %d tasks\n", done, count);
    return figure;
}

/// Best of three rounds each of recording off, on and Tokio, interleaved; prints the off and
/// the on line, each against Tokio with the goal @p goalRatio × Tokio.
void syncAgainstTokio(TokioPeer &tokio, const char *name, const char *shape, const char *unit, double goalRatio,
                      const std::function<Figure(bool)> &measure)
{
    Figure off;
    Figure on;
    double peer = 1e300;
    for (int round = 0; round < 3; ++round) {
        off = better(off, measure(false));
        on = better(on, measure(true));
        if (std::optional<double> tokioValue = tokio.measure(shape, name))
            peer = std::min(peer, *tokioValue);
    }
    const bool havePeer = tokio.unavailable().isEmpty() && peer < 1e300;
    const std::string peerName = tokio.name().toStdString();
    for (const Figure *figure : {&off, &on}) {
        std::string extra = field("recording", figure == &on ? QStringLiteral("on") : QStringLiteral("off"))
            + figure->detail;
        extra += field("goal_ratio", goalRatio, 2);
        if (havePeer)
            extra += field("met", figure->value <= goalRatio * peer);
        else
            extra += field("peer_unavailable", tokio.unavailable());
        if (figure == &on) {
            extra += field("events_recorded", double(figure->counts.recorded), 0);
            extra += field("events_dropped", double(figure->counts.dropped), 0);
        }
        printLine(name, unit, figure->value, peerName.c_str(), havePeer ? peer : 0, havePeer ? goalRatio * peer : 0,
                  extra);
    }
}

// --- the cost of seeing (issue #28) ---

/// The kernel's clocksource: tsc, kvm-clock, hpet, …
QString clocksource()
{
    QFile file(QStringLiteral("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    return QString::fromLatin1(file.readAll().trimmed());
}

/// ns per call of @p read, over @p count calls (best of five batches).
template<typename Read>
double perCall(int count, Read read)
{
    double best = 1e300;
    std::uint64_t sink = 0;
    for (int batch = 0; batch < 5; ++batch) {
        const auto start = WallClock::now();
        for (int i = 0; i < count; ++i)
            sink += read();
        best = std::min(best, nanosecondsSince(start) / count);
    }
    if (sink == 42) // keeps the reads; never true in practice
        std::fprintf(stderr, " ");
    return best;
}

double clockGettimeCost()
{
    return perCall(1000000, [] {
        timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        return std::uint64_t(now.tv_nsec);
    });
}

double rdtscCost()
{
#if defined(__x86_64__)
    return perCall(1000000, [] { return std::uint64_t(__rdtsc()); });
#else
    return 0;
#endif
}

/// The read the hook makes: the runtime's Clock::now() (the TSC where the kernel trusts it,
/// else clock_gettime; core/time/tscclock.cpp).
double runtimeClockCost()
{
    Runtime runtime(twoWorkers());
    return perCall(1000000, [&runtime] { return std::uint64_t(runtime.now().time_since_epoch().count()); });
}

// --- recording throughput (issue #28) ---

/// Four tasks (two a worker) yield as fast as they can while a drain thread takes the events
/// every @p drainInterval; the events recorded and lost per second.
struct Throughput
{
    double recordedPerSecond = 0;
    double lostPerSecond = 0;
    RecordingCounts counts;
};

Throughput recordingThroughput(int yieldsPerTask, std::chrono::milliseconds drainInterval)
{
    BenchRuntime runtime({.recording = true, .drainInterval = drainInterval});
    const auto start = WallClock::now();
    runtime->blockOn([](int n) -> Task<void> {
        std::vector<JoinHandle<void>> yielders;
        for (int task = 0; task < 4; ++task)
            yielders.push_back(spawn(yielder(n)));
        for (auto &handle : yielders)
            co_await handle.join();
    }(yieldsPerTask));
    const double seconds = nanosecondsSince(start) / 1e9;
    Throughput throughput;
    throughput.counts = runtime.finish();
    throughput.recordedPerSecond = double(throughput.counts.recorded) / seconds;
    throughput.lostPerSecond = double(throughput.counts.dropped) / seconds;
    return throughput;
}

/// The drain alone: two full worker rings (interleaved in time, so the merge has work) taken
/// in one drain(); events per second, best of @p rounds.
double drainCapacity(int rounds)
{
    TraceRecorder recorder(2);
    const auto perRing = std::int64_t(TraceRecorder::defaultRingCapacity) - 1;
    std::vector<TraceEvent> events;
    double best = 0;
    for (int round = 0; round < rounds; ++round) {
        for (std::int64_t i = 0; i < perRing; ++i) {
            recorder.record(TraceEvent{2 * i, 1, 0, 0, 0, TraceKind::PollStart});
            recorder.record(TraceEvent{2 * i + 1, 2, 0, 0, 1, TraceKind::PollEnd});
        }
        const auto start = WallClock::now();
        recorder.drain(events);
        best = std::max(best, double(events.size()) / (nanosecondsSince(start) / 1e9));
    }
    return best;
}

// --- what a wait before parking would cost: the runtime's CPU while it has nothing to do ---

/// CPU ms per wall second of an idle runtime on two workers (the process's, over @p wall).
double idleRuntimeCpu(std::chrono::milliseconds wall)
{
    Runtime runtime(twoWorkers());
    runtime.blockOn(trivial(0)); // the workers have started and gone idle
    std::this_thread::sleep_for(50ms);
    auto cpuNs = [] {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e9
            + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e3;
    };
    const double before = cpuNs();
    std::this_thread::sleep_for(wall);
    return (cpuNs() - before) / 1e6 / (double(wall.count()) / 1000.0);
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
    TokioPeer tokio;
    if (wanted("spawn_join")) {
        double ours = 1e300;
        double peer = 1e300;
        double tokioNs = 1e300;
        for (int round = 0; round < 3; ++round) {
            ours = std::min(ours, spawnJoin(200000));
            peer = std::min(peer, qtConcurrentSpawnJoin(200000));
            tokioNs = std::min(tokioNs, tokio.measure("spawn", "spawn_join").value_or(1e300));
        }
        printLine("spawn_join", "ns/task", ours, "qtconcurrent_run_2_threads", peer, 400);
        printLine("spawn_join_vs_tokio", "ns/task", ours, tokio.name().toStdString().c_str(),
                  tokioNs < 1e300 ? tokioNs : 0, 0);
    }
    // The cost of seeing: what recording adds, and the clock it reads, with the clocksource
    // beside them. The goals of #28 hold on the TSC clocksource only; elsewhere no goal.
    if (wanted("seeing") || wanted("trace")) {
        const QString source = clocksource();
        const bool tsc = source == QLatin1String("tsc");
        const std::string where = field("clocksource", source);
        const double gettime = clockGettimeCost();
        const double rdtsc = rdtscCost();
        const double clockRead = runtimeClockCost();
        printLine("clock_read_clock_gettime", "ns/read", gettime, "none", 0, 0, where);
        printLine("clock_read_rdtsc", "ns/read", rdtsc, "none", 0, 0, where);
        printLine("clock_read_runtime_clock", "ns/read", clockRead, "clock_gettime", gettime, 0, where);
        const double ring = best([] { return traceEventCost(50); });
        const double vector = best([] { return mutexVectorCost(50); });
        printLine("trace_event_ring_push", "ns/event", ring, "mutex_vector_push", vector, 15, where);
        // The hook: one event as the scheduler records it (clock read, ring push). Goal: one
        // clock read (the runtime clock's: the hook's own) + 5 ns.
        const double hook = best([] { return schedulerHookCost(50000); });
        printLine("trace_hook", "ns/event", hook, "clock_read_runtime_clock", clockRead, tsc ? clockRead + 5 : 0,
                  where + (tsc ? field("met", hook <= clockRead + 5) : std::string()));
        // Interleaved, best of seven each: the two sides differ by tens of ns per task, and
        // on this shared machine one round of either varies by more than that.
        double off = 1e300;
        double on = 1e300;
        for (int round = 0; round < 7; ++round) {
            off = std::min(off, spawnJoin(200000, false));
            on = std::min(on, spawnJoin(200000, true));
        }
        printLine("spawn_join_recording_on", "ns/task", on, "spawn_join_recording_off", off, tsc ? 1.25 * off : 0,
                  where + field("goal_ratio", tsc ? 1.25 : 0.0, 2) + (tsc ? field("met", on <= 1.25 * off) : std::string()));
    }
    if (wanted("timers")) {
        double timerMs = 1e300;
        double tokioMs = 1e300;
        for (int round = 0; round < 3; ++round) {
            timerMs = std::min(timerMs, timers(100000));
            tokioMs = std::min(tokioMs, tokio.measure("timers", "timers_100k_10to19ms").value_or(1e300));
        }
        // One round only: Qt's timer list is linear, and 100k timers take seconds.
        const double qtTimerMs = qtTimers(100000);
        printLine("timers_100k_sleep_10_19ms", "ms", timerMs, "qtimer_single_event_loop", qtTimerMs, 60);
        printLine("timers_vs_tokio", "ms", timerMs, tokio.name().toStdString().c_str(), tokioMs < 1e300 ? tokioMs : 0, 0);
    }
    // The sync primitives against Tokio 1.24 in the same run (#28), recording off and on.
    if (wanted("sync") || wanted("mpsc_bounded_1024"))
        syncAgainstTokio(tokio, "mpsc_bounded_1024", "mpsc", "ns/msg", 0.72,
                         [](bool recording) { return mpscBounded(2000000, recording); });
    if (wanted("sync") || wanted("actor_request_reply"))
        syncAgainstTokio(tokio, "actor_request_reply", "actor", "ns/round_trip", 0.67,
                         [](bool recording) { return actorRequestReply(200000, recording); });
    if (wanted("sync") || wanted("semaphore_8_yield"))
        syncAgainstTokio(tokio, "semaphore_8_yield", "semaphore", "ns/task", 0.74,
                         [](bool recording) { return semaphoreYield(200000, recording); });
    // How the workers wait when idle (they park at once: no spin) against what it costs idle.
    if (wanted("idle")) {
        printLine("idle_runtime_cpu", "cpu_ms/s", idleRuntimeCpu(1000ms), "none", 0, 0);
    }
    // Recording throughput: the drain must keep up with 10M events/s on 2 workers, at the
    // bench's 1 ms drain and at the GUI's frame-paced 16 ms.
    if (wanted("recording_throughput")) {
        for (const auto interval : {1ms, 16ms}) {
            Throughput best;
            for (int round = 0; round < 3; ++round) {
                const Throughput one = recordingThroughput(1000000, interval);
                if (one.recordedPerSecond > best.recordedPerSecond)
                    best = one;
            }
            const double recordedM = best.recordedPerSecond / 1e6;
            printLine("recording_throughput", "Mevents/s", recordedM, "events_produced",
                      (best.recordedPerSecond + best.lostPerSecond) / 1e6, 10, field("drain_interval_ms", double(interval.count()), 0)
                          + field("events_recorded", double(best.counts.recorded), 0)
                          + field("events_lost", double(best.counts.dropped), 0)
                          + field("ring_capacity", double(TraceRecorder::defaultRingCapacity), 0)
                          + field("met", recordedM >= 10 && best.counts.dropped == 0));
        }
        // What the drain itself can take when it has a core: the ceiling of the figure above.
        printLine("drain_capacity", "Mevents/s", drainCapacity(5) / 1e6, "none", 0, 10);
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
