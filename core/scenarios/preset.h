#pragma once

/// Presets: a scenario, a variant and parameter values saved as a small JSON file, so a
/// teacher can bring "mailbox too small" back in one click (GUI) or one flag (`--preset`).
///
/// ```
/// QString error = savePreset(path, QStringLiteral("actor"), QStringLiteral("guide"), values);
/// std::optional<Preset> preset = loadPreset(path, &error);   // validated against the schema
/// ```
/// The file:
/// ```json
/// { "scenario": "actor", "variant": "guide", "title": "Mailbox too small",
///   "description": "One slot: every sender waits its turn.",
///   "parameters": { "mailbox_capacity": 1, "clients": 16 } }
/// ```
/// Only "scenario" is required; a parameter left out takes its default when the run starts.
/// Loading checks every value with the same code as the command line's `--set`
/// (ScenarioRunner::applySetting over ParameterSpec), so a bad file gets the same message a
/// bad `--set` gets, prefixed with the file's name, and nothing is half-applied.

#include <QString>
#include <QVariantMap>

#include <optional>

namespace taskscope {

/// A loaded, validated preset.
struct Preset
{
    QString scenario;
    QString variant;        ///< the file's (resolved: Scenario::resolveVariant), or the scenario's default
    QVariantMap parameters; ///< only the ones the file sets, typed by the schema
    QString title;          ///< optional, for the preset menu
    QString description;    ///< optional, one line
};

/// Reads and validates the preset at @p path (a file path or a ":/…" resource). On any problem
/// returns nothing and sets *error to one line that starts with "preset <file name>: " and
/// names the field at fault.
[[nodiscard]] std::optional<Preset> loadPreset(const QString &path, QString *error);

/// The same, from bytes already read; @p name stands for the file in messages.
[[nodiscard]] std::optional<Preset> parsePreset(const QByteArray &json, const QString &name, QString *error);

/// Validates, then writes the preset to @p path atomically (a reader never sees half a file).
/// The variant is written as the id it resolves to (Scenario::resolveVariant).
/// Returns an empty string on success, else one line naming the problem; on failure the
/// file at @p path is left as it was.
[[nodiscard]] QString savePreset(const QString &path, const QString &scenarioId, const QString &variant,
                                 const QVariantMap &parameters, const QString &title = {},
                                 const QString &description = {});

} // namespace taskscope
