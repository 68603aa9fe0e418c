#pragma once

// Runs a scenario once, the way the scenario tests need it.

#include "runtime/runtime.h"
#include "scenarios/scenario.h"
#include "scenarios/scenariorunner.h"
#include "time/sleep.h"
#include "time/timeout.h"
#include "trace/tracerecorder.h"

#include <QTest>
#include <QVariantMap>

#include <vector>

namespace taskscope::test {

/// Runs @p scenario with its defaults overridden by @p overrides, on a runtime built from
/// @p config (deterministic by default), and gives its metrics plus "live_after_run": the
/// tasks still alive when the run returned (a scenario must not leave any behind).
inline QVariantMap runScenario(const Scenario &scenario, const QVariantMap &overrides = {},
                               const QString &variant = QStringLiteral("robust"),
                               const RuntimeConfig &config = RuntimeConfig::deterministic(1))
{
    Runtime runtime(config);
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, variant, {}};
    QVariantMap metrics = runtime.blockOn(scenario.run(context));
    metrics.insert(QStringLiteral("live_after_run"), qulonglong(runtime.liveTasks()));
    return metrics;
}

/// A run with its whole trace: the metrics, every drained event in time order, and the names
/// of the objects they mention.
struct TracedRun
{
    QVariantMap metrics;
    std::vector<TraceEvent> events;
    ObjectNames names;
};

/// runScenario, recording the trace (deterministic: one worker, the virtual clock).
inline TracedRun runScenarioTraced(const Scenario &scenario, const QVariantMap &overrides = {},
                                   const QString &variant = QStringLiteral("robust"))
{
    Runtime runtime(RuntimeConfig::deterministic(1));
    TraceRecorder recorder(1);
    runtime.setTraceSink(&recorder);
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, variant, {}};
    TracedRun run;
    run.metrics = runtime.blockOn(scenario.run(context));
    runtime.setTraceSink(nullptr);
    run.events = recorder.drain();
    run.names = recorder.objectNames();
    return run;
}

/// Every parameter of @p scenario refuses a value past its maximum (a nonsense word for a
/// choice or a switch) with a message naming it, so a scenario's table of out-of-range cases
/// cannot miss a parameter added later. Call QTest::currentTestFailed() after it.
inline void verifyEveryParameterRefusesOutOfRange(const Scenario &scenario)
{
    for (const ParameterSpec &spec : scenario.parameters()) {
        QVariantMap parameters = scenario.defaultParameters();
        const QString bad = spec.type == ParameterSpec::Type::Choice || spec.type == ParameterSpec::Type::Bool
            ? QStringLiteral("nonsense")
            : QString::number(spec.maximum + 1, 'g', 17); // not "1e+06": that is the maximum again
        const QString error = ScenarioRunner::applySetting(scenario, spec.name + QLatin1Char('=') + bad, parameters);
        QVERIFY2(error.contains(spec.name), qPrintable(spec.name + QStringLiteral(": ") + error));
        QCOMPARE(parameters, scenario.defaultParameters());
    }
}

/// A live parameter change during a run: at @p at after the start, @p name becomes @p value.
struct LiveChange
{
    Duration at;
    QString name;
    double value;
};

/// Like runScenario, and meanwhile makes @p changes to the run's live parameters at their
/// times on the runtime clock (virtual by default: the changes land exactly then).
inline QVariantMap runScenarioWithLiveChanges(const Scenario &scenario, const QVariantMap &overrides,
                                              const QString &variant, std::vector<LiveChange> changes,
                                              const RuntimeConfig &config = RuntimeConfig::deterministic(1))
{
    Runtime runtime(config);
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, variant, {}};
    auto changer = [](std::shared_ptr<LiveParameters> live, std::vector<LiveChange> todo) -> Task<void> {
        const Instant start = currentRuntime("live changes").now();
        for (const LiveChange &change : todo) {
            co_await sleepUntil(start + change.at);
            live->set(change.name, change.value);
        }
    };
    auto both = [](const Scenario &s, ScenarioContext &c, Task<void> changes) -> Task<QVariantMap> {
        JoinHandle<void> changing = spawn(std::move(changes), QStringLiteral("live changes"));
        QVariantMap metrics = co_await s.run(c);
        co_await changing.join();
        co_return metrics;
    };
    QVariantMap metrics = runtime.blockOn(both(scenario, context, changer(context.live, std::move(changes))));
    metrics.insert(QStringLiteral("live_after_run"), qulonglong(runtime.liveTasks()));
    return metrics;
}

/// What cancelScenarioHalfWay() saw.
struct HalfWayCut
{
    bool cutWhileRunning = false;   ///< the time limit came before the scenario's end
    std::uint64_t tasksSpawned = 0; ///< tasks spawned up to the cut, the run's own included
    bool runtimeServesAfterCut = false; ///< a new task ran to its end beside what was left
};

/// Runs @p scenario on four real workers and cancels it after @p after of real time, as Reset
/// or --duration do. Tasks that shared its objects unwind on other workers meanwhile (the
/// sanitizer builds check they touch nothing freed); the runtime must go on serving tasks.
inline HalfWayCut cancelScenarioHalfWay(const Scenario &scenario, const QVariantMap &overrides, const QString &variant,
                                        Duration after)
{
    RuntimeConfig config;
    config.workerThreads = 4;
    config.clockMode = ClockMode::Real;
    Runtime runtime(config);
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, variant, {}};
    HalfWayCut cut;
    cut.cutWhileRunning = runtime.blockOn([](const Scenario &s, ScenarioContext &c, Duration limit) -> Task<bool> {
        auto limited = co_await timeout(limit, s.run(c));
        co_return limited.timedOut();
    }(scenario, context, after));
    cut.tasksSpawned = runtime.tasksSpawned();
    cut.runtimeServesAfterCut = runtime.blockOn([]() -> Task<bool> {
        co_await sleep(std::chrono::milliseconds(1));
        co_return true;
    }());
    return cut;
}

/// The checks every half-way cut must pass: cut while running, after the scenario spawned
/// tasks that share its objects (what the cut is about), and a runtime that still serves. Call
/// QTest::currentTestFailed() after it.
inline void verifyCutHalfWay(const HalfWayCut &cut)
{
    QVERIFY2(cut.cutWhileRunning, "the scenario ended before the cut: make it longer");
    QVERIFY2(cut.tasksSpawned > 1, "the scenario spawned no task of its own before the cut");
    QVERIFY(cut.runtimeServesAfterCut);
}

} // namespace taskscope::test
