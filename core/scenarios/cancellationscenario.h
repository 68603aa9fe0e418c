#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's cancellable_task grown into a tree: every task races its work against its
/// token, each child holds a child token of its parent's, and cancelling the root token
/// stops the whole tree.
///
/// The tree: depth 0 is the root task alone; each further level gives every task of the
/// level above `children` children, so there are 1 + c + c² + … + c^depth tasks.
class CancellationScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("cancellation"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Cancellation tokens"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// The seed has no defect here, so there is only the one variant.
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
