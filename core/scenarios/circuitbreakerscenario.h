#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's "Error recovery and circuit breaker": callers reach a flaky downstream service
/// through a CircuitBreaker for duration_ms; downstream_failure_rate can change while it runs.
/// The seed variant never forgets a failure while closed and lets every caller through while
/// half-open; the robust one judges a failure rate over a sliding window and admits exactly
/// half_open_probes trial calls.
class CircuitBreakerScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("circuit-breaker"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Circuit breaker"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
