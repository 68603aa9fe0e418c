#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's process_with_backpressure: a producer feeds a bounded channel; the consumer
/// takes an owned permit of a Semaphore(max_concurrent) before spawning each item's work, so
/// at most max_concurrent items are in flight and the full channel makes the producer wait.
class BackpressureScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("backpressure"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Backpressure"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// The seed's processor has no defect to contrast: one variant.
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
