#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's "Runtime configuration": a slow operation raced against a timeout
/// (timeout_example), while a few concurrent tasks show the workers sharing the load.
class RuntimeScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("runtime"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Runtime configuration"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
