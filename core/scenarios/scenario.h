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

/// The variant ids. A pattern whose guide code has a material defect ships two: "seed" (the
/// guide's code ported line for line, the defect included) and "robust" (the fix). Every other
/// pattern ships one, "guide": the guide's code as it stands, with nothing to fix.
namespace variant {
inline const QString seed = QStringLiteral("seed");
inline const QString robust = QStringLiteral("robust");
inline const QString guide = QStringLiteral("guide");
} // namespace variant

/// A variant name resolved against a scenario (Scenario::resolveVariant).
struct ResolvedVariant
{
    QString id;               ///< one of the scenario's variants()
    bool deprecatedAlias = false; ///< "seed" or "robust" asked of a one-variant scenario
};

/// What a scenario run gets: its runtime, its parameter values (every parameter present,
/// validated), the variant (one of the scenario's variants()), and the store through which
/// its live parameters change while it runs.
struct ScenarioContext
{
    Runtime &runtime;
    QVariantMap parameters;
    QString variant = variant::robust;
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
    /// The variants it ships: "seed" and "robust" where the guide's code has a material defect
    /// (the default here), else only "guide" (see namespace variant).
    [[nodiscard]] virtual QStringList variants() const { return {variant::seed, variant::robust}; }
    /// The variant a run takes when none is named: "robust" where there are two, else "guide".
    [[nodiscard]] QString defaultVariant() const;
    /// What @p requested names here: itself when offered; the default when empty; "guide" for
    /// "seed" or "robust" when the scenario ships only the guide's code (old presets and
    /// scripts, marked deprecatedAlias). Nothing when it names no variant of this scenario.
    [[nodiscard]] std::optional<ResolvedVariant> resolveVariant(const QString &requested) const;
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
