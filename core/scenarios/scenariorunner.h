#pragma once

/// Runs one scenario without a window (`taskscope --headless`) and reports what happened.

#include "scenarios/scenario.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

namespace taskscope {

/// How to run: everything the command line can set.
struct ScenarioRunOptions
{
    QString scenario;
    QVariantMap parameters;   ///< validated values; missing ones take their defaults
    /// One of the scenario's variants; empty: its default (validate() puts the resolved id here).
    QString variant;
    int workers = 2;
    bool deterministic = false; ///< one worker, virtual clock, seeded RNG
    std::uint64_t seed = 0;
    double durationSeconds = 0; ///< 0: until the scenario ends
    QString traceOut;           ///< Chrome trace JSON path, or empty
};

/// What a run gives: the scenario's own metrics and the runtime's.
struct ScenarioRunReport
{
    ScenarioRunOptions options;
    QVariantMap parameters; ///< every parameter, as used
    QVariantMap metrics;
    int workers = 0;
    std::uint64_t tasksSpawned = 0;
    std::uint64_t polls = 0;
    std::uint64_t steals = 0;
    std::uint64_t eventsRecorded = 0;
    std::uint64_t eventsDropped = 0;
    bool stoppedAtDuration = false;
    /// The task registry's warnings about the run (TaskRegistry, warningLines).
    QStringList warnings;

    /// The --json object: scenario, variant, seed, deterministic, duration_s, params, metrics,
    /// runtime, warnings.
    [[nodiscard]] QJsonObject toJson() const;
    /// A few human-readable lines.
    [[nodiscard]] QString summary() const;
};

class ScenarioRunner
{
public:
    /// Checks @p options against the catalogue and the schema; an empty string when fine,
    /// otherwise one sentence saying what is wrong and what is valid. Resolves the variant in
    /// place (Scenario::resolveVariant): empty becomes the default, an alias its target.
    [[nodiscard]] static QString validate(ScenarioRunOptions &options);
    /// Runs it. On failure (the trace cannot be written) returns nothing and sets *error;
    /// no partial trace file is left behind.
    [[nodiscard]] static std::optional<ScenarioRunReport> run(const ScenarioRunOptions &options, QString *error);
    /// Parses `name=value` for @p scenario into @p parameters; an error sentence or empty.
    [[nodiscard]] static QString applySetting(const Scenario &scenario, const QString &setting,
                                              QVariantMap &parameters);
};

} // namespace taskscope
