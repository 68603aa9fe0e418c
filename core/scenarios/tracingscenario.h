#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's profiling example: tasks wrapped in timedTask() run an instrumented
/// expensive_operation (a Span around a sleep); the run reports the spans' and the timed
/// tasks' durations as percentiles.
class TracingScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("tracing"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Timing tasks with spans"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// The seed has no defect here, so there is only the one variant.
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
