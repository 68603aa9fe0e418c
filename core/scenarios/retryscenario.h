#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// Retry with exponential backoff and jitter (the seed's "implement circuit breakers and
/// retry logic"): calls to a flaky downstream are retried up to attempts times, waiting
/// min(max_backoff_ms, base_backoff_ms × 2^n) (full jitter: a random part of it) before
/// retry n; with breaker on, every attempt goes through a robust circuit breaker.
class RetryScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("retry"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Retry with backoff"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// The seed names retries but gives no code for them, so there is no seed defect to keep.
    /// The guide names retries but shows no code for them: this recipe is ours, so it is not
    /// called the guide's code.
    [[nodiscard]] QStringList variants() const override { return {variant::robust}; }
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
