#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "scenarios/scenario.h"
#include "scenarios/scenariorunner.h"
#include "time/timeout.h"
#endif

#include <QHash>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

// Every scenario of the catalogue, cancelled part-way on four real workers: by Reset (the
// runtime is destroyed under a running scenario), by an abort of its root task, and by a time
// limit (--duration, a timeout around the scenario inside the root task). When the scenario's
// frame goes, tasks it spawned may still run on other workers: whatever they use must still be
// there. The sanitizer builds (make test-asan, make test-tsan) are what see a freed object
// touched; here each run must also end, and end without a panic.

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TASKSCOPE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TASKSCOPE_SANITIZED 1
#endif
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

#ifdef TASKSCOPE_SANITIZED
constexpr int kRepetitions = 2; // each run is several times slower
#else
constexpr int kRepetitions = 3;
#endif

/// How long the run goes before it is cancelled (real time): at once, or part-way.
const std::vector<std::chrono::milliseconds> kCancelAfter{0ms, 1ms, 5ms, 20ms};

/// Fails the whole test (a hang cannot be unwound) when a step takes longer than its limit.
class Watchdog
{
public:
    Watchdog(std::chrono::seconds limit, QString what)
        : m_thread([this, limit, what = std::move(what)] {
            std::unique_lock lock(m_mutex);
            if (!m_done.wait_for(lock, limit, [this] { return m_finished; }))
                qFatal("hung for %lld s: %s", qlonglong(limit.count()), qPrintable(what));
        })
    {
    }
    Watchdog(const Watchdog &) = delete;
    Watchdog &operator=(const Watchdog &) = delete;
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_mutex);
            m_finished = true;
        }
        m_done.notify_one();
        m_thread.join();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    std::thread m_thread; // last: it starts once the rest is built
};

constexpr std::chrono::seconds kStepLimit{60};

/// A busier set of parameters for the scenarios known today: many tasks, short intervals, so
/// that many children are in the middle of something when the run is cut. A scenario without
/// an entry runs its defaults in that row too.
QVariantMap busyOverrides(const QString &id)
{
    static const QHash<QString, QVariantMap> busy{
        {QStringLiteral("runtime"), {{"background_tasks", 64}, {"work_ms", 200}, {"timeout_ms", 100}}},
        {QStringLiteral("join-set"), {{"tasks", 200}, {"step_ms", 1}}},
        {QStringLiteral("cancellation"), {{"children", 4}, {"depth", 3}, {"work_ms", 100}, {"cancel_after_ms", 10}}},
        {QStringLiteral("actor"), {{"clients", 32}, {"ops_per_client", 500}, {"mailbox_capacity", 2}, {"handle_us", 10}}},
        {QStringLiteral("connection-pool"),
         {{"clients", 64}, {"pool_size", 2}, {"connect_ms", 1}, {"hold_ms", 1}, {"requests_per_client", 50}}},
        {QStringLiteral("stream-pipeline"), {{"items", 2000}, {"stage_delay_ms", 1}}},
        {QStringLiteral("fan-out"),
         {{"requests", 200}, {"base_delay_ms", 1}, {"concurrency", 16}, {"failure_rate", 0.3}, {"delay_order", "shuffled"}}},
        {QStringLiteral("rate-limiter"), {{"clients", 64}, {"refill_per_s", 10000}, {"mode", "wait"}, {"duration_ms", 500}}},
        {QStringLiteral("backpressure"),
         {{"producer_rate_per_s", 0}, {"items", 5000}, {"max_concurrent", 64}, {"work_ms", 1}, {"queue_capacity", 4}}},
        {QStringLiteral("circuit-breaker"),
         {{"callers", 64}, {"call_interval_ms", 1}, {"downstream_latency_ms", 1}, {"duration_ms", 500},
          {"recovery_timeout_ms", 10}}},
        {QStringLiteral("retry"),
         {{"calls", 500}, {"call_interval_ms", 0}, {"downstream_latency_ms", 1}, {"base_backoff_ms", 1},
          {"attempts", 5}, {"breaker", true}}},
        {QStringLiteral("tracing"), {{"tasks", 2000}, {"op_ms", 5}, {"jitter_ms", 5}}},
    };
    return busy.value(id);
}

/// The parameters a run uses: the defaults (or the busy set), and the simulated transport where
/// a scenario has a choice (the http transport needs the app's network library).
QVariantMap parametersFor(const Scenario &scenario, bool busy)
{
    QVariantMap parameters = scenario.defaultParameters();
    if (busy)
        parameters.insert(busyOverrides(scenario.id()));
    if (scenario.parameter(QStringLiteral("transport")))
        parameters.insert(QStringLiteral("transport"), QStringLiteral("simulated"));
    return parameters;
}

RuntimeConfig fourRealWorkers(std::uint64_t seed)
{
    RuntimeConfig config;
    config.workerThreads = 4;
    config.clockMode = ClockMode::Real;
    config.rngSeed = seed;
    return config;
}

/// One row per scenario of the catalogue, variant it ships, and parameter set (defaults, busy).
void addScenarioRows()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("variant");
    QTest::addColumn<bool>("busy");
    for (const auto &scenario : ScenarioCatalog::all()) {
        for (const QString &variant : scenario->variants()) {
            for (bool busy : {false, true}) {
                const QByteArray row =
                    (scenario->id() + QLatin1Char('/') + variant + (busy ? QStringLiteral("/busy") : QString())).toUtf8();
                QTest::newRow(row.constData()) << scenario->id() << variant << busy;
            }
        }
    }
}

/// How a run is cut short from outside its runtime.
enum class Stop {
    DestroyRuntime,        ///< Reset: the runtime goes with the scenario still running
    AbortThenDestroy,      ///< the root is aborted and the runtime destroyed at once
    AbortWaitThenDestroy,  ///< the root unwinds on its worker while its children still run
};

/// Runs @p scenario on four real workers, stops it @p after into the run as @p stop says, and
/// gives how the root task ended: "running" (it was still going when the runtime went),
/// "ok", "cancelled" or "panicked: <message>".
QString runAndStop(const Scenario &scenario, const QString &variant, bool busy, std::chrono::milliseconds after,
                   Stop stop, std::uint64_t seed)
{
    QString outcome = QStringLiteral("running");
    auto runtime = std::make_unique<Runtime>(fourRealWorkers(seed));
    // As in EngineController: the context outlives the runtime, whose teardown destroys the
    // frames that refer to it (the root's frame may still be running until then).
    ScenarioContext context{*runtime, parametersFor(scenario, busy), variant, {}};
    {
        JoinHandle<QVariantMap> root = runtime->spawn(scenario.run(context), scenario.id());
        if (after > 0ms)
            std::this_thread::sleep_for(after);
        if (stop != Stop::DestroyRuntime)
            root.abort();
        if (stop == Stop::AbortWaitThenDestroy) {
            // It stops at its next await; a worker busy in simulated CPU work may take a while.
            while (!root.isFinished())
                std::this_thread::sleep_for(1ms);
        }
        if (root.isFinished()) {
            const JoinResult<QVariantMap> result = root.result();
            if (result.isOk())
                outcome = QStringLiteral("ok");
            else if (result.error().isCancelled())
                outcome = QStringLiteral("cancelled");
            else
                outcome = QStringLiteral("panicked: ") + QString::fromUtf8(result.error().what());
        }
    }
    runtime.reset();
    return outcome;
}

/// Runs @p scenario under a timeout of @p limit inside its root task, as --duration does, on
/// four real workers, until the root is done; gives "cut short", "finished" or "panicked: …".
QString runWithTimeLimit(const Scenario &scenario, const QString &variant, bool busy, std::chrono::milliseconds limit,
                         std::uint64_t seed)
{
    Runtime runtime(fourRealWorkers(seed));
    ScenarioContext context{runtime, parametersFor(scenario, busy), variant, {}};
    try {
        const bool timedOut = runtime.blockOn([](const Scenario &s, ScenarioContext &c, Duration d) -> Task<bool> {
            auto limited = co_await timeout(d, s.run(c));
            co_return limited.timedOut();
        }(scenario, context, limit));
        return timedOut ? QStringLiteral("cut short") : QStringLiteral("finished");
    } catch (const std::exception &error) {
        return QStringLiteral("panicked: ") + QString::fromUtf8(error.what());
    }
}

/// How long @p scenario runs on the virtual clock (one worker, seeded) when nothing stops it.
Duration naturalLength(const Scenario &scenario, const QString &variant, bool busy)
{
    Runtime runtime(RuntimeConfig::deterministic(7));
    ScenarioContext context{runtime, parametersFor(scenario, busy), variant, {}};
    const Instant start = runtime.now();
    (void)runtime.blockOn(scenario.run(context));
    return runtime.now() - start;
}

const Scenario &scenarioNamed(const QString &id)
{
    const Scenario *scenario = ScenarioCatalog::find(id);
    if (!scenario)
        qFatal("no scenario %s", qPrintable(id));
    return *scenario;
}

} // namespace

class TestScenarioCancellation : public QObject
{
    Q_OBJECT

private slots:
    void theCatalogueHasScenariosToCancel()
    {
        QVERIFY(ScenarioCatalog::all().size() >= 12);
    }

    void resetDestroysTheRuntimeUnderARunningScenario_data() { addScenarioRows(); }
    void resetDestroysTheRuntimeUnderARunningScenario()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, variant);
        QFETCH(bool, busy);
        std::uint64_t seed = 1;
        for (int repetition = 0; repetition < kRepetitions; ++repetition) {
            for (std::chrono::milliseconds after : kCancelAfter) {
                const Watchdog watchdog(kStepLimit, QStringLiteral("reset of %1/%2").arg(scenario, variant));
                const QString outcome = runAndStop(scenarioNamed(scenario), variant, busy, after, Stop::DestroyRuntime, seed++);
                QVERIFY2(!outcome.startsWith(QLatin1String("panicked")), qPrintable(outcome));
            }
        }
    }

    void anAbortedRootLeavesNothingBehindThatUsesItsFrame_data() { addScenarioRows(); }
    void anAbortedRootLeavesNothingBehindThatUsesItsFrame()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, variant);
        QFETCH(bool, busy);
        std::uint64_t seed = 100;
        for (int repetition = 0; repetition < kRepetitions; ++repetition) {
            for (std::chrono::milliseconds after : kCancelAfter) {
                for (Stop stop : {Stop::AbortThenDestroy, Stop::AbortWaitThenDestroy}) {
                    const Watchdog watchdog(kStepLimit, QStringLiteral("abort of %1/%2").arg(scenario, variant));
                    const QString outcome = runAndStop(scenarioNamed(scenario), variant, busy, after, stop, seed++);
                    QVERIFY2(!outcome.startsWith(QLatin1String("panicked")), qPrintable(outcome));
                    if (stop == Stop::AbortWaitThenDestroy) // waited for: it ended, one way or the other
                        QVERIFY2(outcome == QLatin1String("cancelled") || outcome == QLatin1String("ok"),
                                 qPrintable(outcome));
                }
            }
        }
    }

    void aTimeLimitInsideTheRootUnwindsTheScenarioWhileItsTasksRun_data() { addScenarioRows(); }
    void aTimeLimitInsideTheRootUnwindsTheScenarioWhileItsTasksRun()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, variant);
        QFETCH(bool, busy);
        std::uint64_t seed = 200;
        int cutShort = 0;
        for (int repetition = 0; repetition < kRepetitions; ++repetition) {
            for (std::chrono::milliseconds limit : kCancelAfter) {
                if (limit == 0ms)
                    continue; // a zero limit is "no limit" for --duration
                const Watchdog watchdog(kStepLimit, QStringLiteral("time limit on %1/%2").arg(scenario, variant));
                const QString outcome = runWithTimeLimit(scenarioNamed(scenario), variant, busy, limit, seed++);
                QVERIFY2(outcome == QLatin1String("cut short") || outcome == QLatin1String("finished"), qPrintable(outcome));
                if (outcome == QLatin1String("cut short"))
                    ++cutShort;
            }
        }
        // Real runs take at least their length on the virtual clock (sleeps are real): one that
        // long cannot have finished inside the 1 ms limit.
        const Watchdog watchdog(kStepLimit, QStringLiteral("natural length of %1/%2").arg(scenario, variant));
        if (naturalLength(scenarioNamed(scenario), variant, busy) > 20ms)
            QVERIFY(cutShort > 0);
    }

    void theRunnerStopsEveryScenarioAtADurationShorterThanItsOwn_data() { addScenarioRows(); }
    void theRunnerStopsEveryScenarioAtADurationShorterThanItsOwn()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, variant);
        QFETCH(bool, busy);
        const Watchdog watchdog(kStepLimit, QStringLiteral("--duration of %1/%2").arg(scenario, variant));
        const Duration natural = naturalLength(scenarioNamed(scenario), variant, busy);
        if (natural < 2ms)
            QSKIP("the scenario's defaults end at once on the virtual clock: no shorter duration");

        ScenarioRunOptions options;
        options.scenario = scenario;
        options.variant = variant;
        options.parameters = parametersFor(scenarioNamed(scenario), busy);
        // Virtual clock: the limit lands at the same point of the run every time.
        options.deterministic = true;
        options.seed = 7;
        options.durationSeconds = std::chrono::duration<double>(natural).count() / 2;
        QVERIFY(ScenarioRunner::validate(options).isEmpty());
        QString error;
        const auto report = ScenarioRunner::run(options, &error);
        QVERIFY2(report, qPrintable(error));
        QVERIFY(report->stoppedAtDuration);

        // And on four real workers, stopped a few milliseconds in.
        options.deterministic = false;
        options.workers = 4;
        options.durationSeconds = 0.005;
        const auto real = ScenarioRunner::run(options, &error);
        QVERIFY2(real, qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestScenarioCancellation)
#include "tst_scenariocancellation.moc"
