#pragma once

/// Parameters of a scenario, described once: the GUI's parameter panel, the command line
/// (`--set name=value`) and preset files all read the same schema.

#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace taskscope {

/// One parameter: its name, how to show it, its type, range, default, unit and help.
struct ParameterSpec
{
    enum class Type { Int, Double, Bool, Choice };

    QString name;   ///< as typed on the command line: work_ms
    QString label;  ///< as shown in the GUI: "Work"
    Type type = Type::Int;
    double minimum = 0;
    double maximum = 0;
    QVariant defaultValue;
    QString unit;   ///< "ms", "tasks", …
    QString help;   ///< one sentence
    QStringList choices; ///< Choice only
    /// True: changeable while a run is going; the scenario reads it from
    /// ScenarioContext::live on every use (see liveparameters.h). False: applies on the next run.
    bool live = false;

    /// The value @p text means, or nothing with *error naming the parameter and its range.
    [[nodiscard]] std::optional<QVariant> parse(const QString &text, QString *error) const;
    /// Checks an already-typed value (from a preset or the GUI) the same way.
    [[nodiscard]] std::optional<QVariant> validate(const QVariant &value, QString *error) const;
    /// "integer 1–60000 ms" etc., for messages and --list-scenarios.
    [[nodiscard]] QString rangeText() const;
};

} // namespace taskscope
