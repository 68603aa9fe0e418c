#pragma once

/// Scenarios: one per seed pattern. A scenario has an id, a title, a parameter schema and a
/// coroutine that runs it on a Runtime and reports its own metrics.
///
/// ```
/// const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("runtime"));
/// QVariantMap metrics = runtime.blockOn(scenario->run(context));
/// ```
/// Add a scenario: subclass Scenario in core/scenarios/<id>scenario.cpp and list it in
/// ScenarioCatalog::all() (scenariocatalog.cpp).

#include "runtime/runtime.h"
#include "scenarios/liveparameters.h"
#include "scenarios/parameter.h"

#include <QString>
#include <QVariantMap>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace taskscope {

/// What a scenario run gets: its runtime, its parameter values (every parameter present,
/// validated), the variant (seed or robust), and the store through which its live
/// parameters change while it runs.
struct ScenarioContext
{
    Runtime &runtime;
    QVariantMap parameters;
    QString variant = QStringLiteral("robust");
    /// The run's time limit on the runtime clock (0: the scenario's own end).
    Duration duration{};
    /// Live parameters (ParameterSpec::live): the scenario binds them here, at their value in
    /// `parameters`; whoever started the run may set() them while it goes.
    std::shared_ptr<LiveParameters> live = std::make_shared<LiveParameters>();
    /// The metrics of what has run so far, for a run cut at `duration`: the scenario sets it
    /// as it starts, to a function of the state it shares with its tasks, and builds its final
    /// metrics with the same function, taking it out as it ends (leaving nullptr behind)
    /// so that nothing it holds, a token bucket and its refill task, outlives the run. The
    /// runner calls it after the cut, when the scenario's frame is gone and tasks it spawned
    /// may still run on other workers: it reads only shared state, and what those tasks write
    /// it reads through atomics or a lock.
    std::function<QVariantMap()> metricsSoFar = nullptr;
};

class Scenario
{
public:
    virtual ~Scenario() = default;
    [[nodiscard]] virtual QString id() const = 0;
    [[nodiscard]] virtual QString title() const = 0;
    /// One paragraph: what the run shows.
    [[nodiscard]] virtual QString description() const = 0;
    [[nodiscard]] virtual std::vector<ParameterSpec> parameters() const = 0;
    /// The variants it ships: "seed" (faithful to the original, defects included) and "robust".
    [[nodiscard]] virtual QStringList variants() const { return {QStringLiteral("seed"), QStringLiteral("robust")}; }
    /// Runs once and gives the scenario's metrics (name → number, bool or string list).
    [[nodiscard]] virtual Task<QVariantMap> run(ScenarioContext &context) const = 0;

    /// The defaults of every parameter.
    [[nodiscard]] QVariantMap defaultParameters() const;
    /// The schema entry named @p name, if there is one.
    [[nodiscard]] std::optional<ParameterSpec> parameter(const QString &name) const;
};

/// Every scenario Taskscope ships.
class ScenarioCatalog
{
public:
    [[nodiscard]] static const std::vector<std::unique_ptr<Scenario>> &all();
    [[nodiscard]] static const Scenario *find(const QString &id);
    [[nodiscard]] static QStringList ids();
};

} // namespace taskscope
