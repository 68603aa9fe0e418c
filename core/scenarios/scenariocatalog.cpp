#include "scenarios/scenario.h"
#include "scenarios/runtimescenario.h"
#include "scenarios/streampipelinescenario.h"
#include "scenarios/ratelimiterscenario.h"
#include "scenarios/tracingscenario.h"
#include "scenarios/backpressurescenario.h"
#include "scenarios/cancellationscenario.h"
#include "scenarios/joinsetscenario.h"
#include "scenarios/actorscenario.h"
#include "scenarios/connectionpoolscenario.h"
#include "scenarios/circuitbreakerscenario.h"
#include "scenarios/retryscenario.h"
#include "scenarios/fanoutscenario.h"

namespace taskscope {

QVariantMap Scenario::defaultParameters() const
{
    QVariantMap values;
    for (const ParameterSpec &spec : parameters())
        values.insert(spec.name, spec.defaultValue);
    return values;
}

std::optional<ParameterSpec> Scenario::parameter(const QString &name) const
{
    for (ParameterSpec &spec : parameters()) {
        if (spec.name == name)
            return std::move(spec);
    }
    return std::nullopt;
}

QString Scenario::defaultVariant() const
{
    const QStringList offered = variants();
    return offered.contains(variant::robust) ? variant::robust : offered.value(0);
}

std::optional<ResolvedVariant> Scenario::resolveVariant(const QString &requested) const
{
    const QStringList offered = variants();
    if (requested.isEmpty())
        return ResolvedVariant{defaultVariant(), false};
    if (offered.contains(requested))
        return ResolvedVariant{requested, false};
    if (offered == QStringList{variant::guide} && (requested == variant::seed || requested == variant::robust))
        return ResolvedVariant{variant::guide, true};
    return std::nullopt;
}

const std::vector<std::unique_ptr<Scenario>> &ScenarioCatalog::all()
{
    static const std::vector<std::unique_ptr<Scenario>> scenarios = [] {
        std::vector<std::unique_ptr<Scenario>> list;
        list.push_back(std::make_unique<RuntimeScenario>());
        list.push_back(std::make_unique<JoinSetScenario>());
        list.push_back(std::make_unique<CancellationScenario>());
        list.push_back(std::make_unique<ActorScenario>());
        list.push_back(std::make_unique<ConnectionPoolScenario>());
        list.push_back(std::make_unique<StreamPipelineScenario>());
        list.push_back(std::make_unique<FanOutScenario>());
        list.push_back(std::make_unique<RateLimiterScenario>());
        list.push_back(std::make_unique<BackpressureScenario>());
        list.push_back(std::make_unique<CircuitBreakerScenario>());
        list.push_back(std::make_unique<RetryScenario>());
        list.push_back(std::make_unique<TracingScenario>());
        return list;
    }();
    return scenarios;
}

const Scenario *ScenarioCatalog::find(const QString &id)
{
    for (const auto &scenario : all()) {
        if (scenario->id() == id)
            return scenario.get();
    }
    return nullptr;
}

QStringList ScenarioCatalog::ids()
{
    QStringList list;
    for (const auto &scenario : all())
        list << scenario->id();
    return list;
}

} // namespace taskscope
