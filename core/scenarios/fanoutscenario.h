#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's FuturesUnordered over HTTP requests (Stream processing): requests go out at
/// once, or at most concurrency at a time, and are handled in the order they complete,
/// which follows their delays, not the order they were made in. Over real HTTP (an embedded
/// server on loopback, installed by the app) or a simulated transport on the runtime clock.
class FanOutScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("fan-out"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Fan-out (FuturesUnordered over HTTP)"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// One variant: the seed's code has no defect to show here.
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    /// Throws std::runtime_error when transport=http is asked for on the real clock and no
    /// real transport is installed (see patterns/httptransport.h).
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
