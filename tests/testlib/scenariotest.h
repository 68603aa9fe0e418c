#pragma once

// Runs a scenario once, the way the scenario tests need it.

#include "runtime/runtime.h"
#include "scenarios/scenario.h"

#include <QVariantMap>

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

} // namespace taskscope::test
