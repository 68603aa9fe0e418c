#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's fan-out over HTTP requests (Stream processing): requests go out at once, or at
/// most concurrency at a time, and are handled in the order they complete, which follows
/// their delays, not the order they were made in. Each request is a task of its own in a
/// JoinSet and all share one transport; requests without an answer are kept and counted.
/// Over real HTTP (an embedded server on loopback, installed by the app) or a simulated
/// transport on the runtime clock.
class FanOutScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("fan-out"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Fan-out (FuturesUnordered over HTTP)"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// Only robust so far: the seed polls every request from one task (a FuturesUnordered
    /// with a client per request, dropping requests that got no answer), and the runtime has
    /// no way yet to poll several futures inside one task.
    /// seed: the guide's FuturesUnordered in one task, a client per request, transport errors
    /// dropped; robust: a task per request in a JoinSet, one shared client, every outcome kept.
    [[nodiscard]] QStringList variants() const override { return {variant::seed, variant::robust}; }
    /// Throws std::runtime_error when transport=http is asked for on the real clock and no
    /// real transport is installed (see patterns/httptransport.h).
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
