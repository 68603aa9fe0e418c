#pragma once

#include "scenarios/scenario.h"

namespace taskscope {

/// The seed's "Connection pooling": many clients share a pool of pool_size connections; the
/// seed variant returns connections after their permits and opens extra ones, the robust
/// variant never opens more than pool_size.
class ConnectionPoolScenario final : public Scenario
{
public:
    [[nodiscard]] QString id() const override { return QStringLiteral("connection-pool"); }
    [[nodiscard]] QString title() const override { return QStringLiteral("Connection pooling"); }
    [[nodiscard]] QString description() const override;
    [[nodiscard]] std::vector<ParameterSpec> parameters() const override;
    [[nodiscard]] Task<QVariantMap> run(ScenarioContext &context) const override;
};

} // namespace taskscope
