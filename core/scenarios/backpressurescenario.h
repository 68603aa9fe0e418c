#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's process_with_backpressure: a producer feeds a bounded channel; the processor
/// takes an owned permit of a Semaphore(max_concurrent) before it spawns each item's work, so
/// at most max_concurrent items are in flight and the full channel makes the producer wait.
///
/// `seed` drops each item's JoinHandle, as the original does: the processor returns once the
/// channel closes, while its last items still run, and an item that throws (a panic in Rust)
/// is never reported. `robust` keeps the items in a JoinSet, returns after the last one, and
/// counts each panic it joins. The run itself waits for every item either way, to measure how
/// early the processor returned.
class BackpressureScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("backpressure"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Backpressure"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
