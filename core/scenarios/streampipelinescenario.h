#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's stream processing: iter(1..=items) → map(× multiply) → filter(> keep_above) →
/// collect, each stage counting the items it passes on; then the custom NumberStream(items).
class StreamPipelineScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("stream-pipeline"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Stream processing"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    /// The seed has no defect here, so there is only the one variant.
    [[nodiscard]] QStringList variants() const override { return {variant::guide}; }
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
