#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's JoinSet example: tasks that finish in a different order than they were spawned,
/// collected with joinNext() as they finish; then a second batch cancelled with abortAll().
class JoinSetScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("join-set"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Spawning with a JoinSet"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// The seed has no defect here, so there is only the one variant.
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
