#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's "Rate limiting and backpressure": clients ask a token bucket for cost tokens
/// per request, for duration_ms; the seed variant refills only inside a request (at most
/// every 100 ms, truncated) and checks then subtracts (over-admits and wraps on several
/// workers; magnify_race_us widens that window), the robust variant never admits more than
/// capacity + refill_per_s × elapsed.
class RateLimiterScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("rate-limiter"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Rate limiting (token bucket)"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
