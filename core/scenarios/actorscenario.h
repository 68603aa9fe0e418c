#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's "Actor pattern": clients send a get/set/delete mix to one key-value actor
/// through its bounded mailbox, and check every reply against a model of their own keys.
class ActorScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("actor"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Actor pattern"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
