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
///
/// A preset written by another version may name what this one lacks. A scenario it lacks
/// rejects the file: its parameters mean nothing without it. A field, a variant or a parameter
/// it lacks is left out, with a note naming it (Preset::notes): the field and the parameter
/// take their defaults, the variant the scenario's default. A value of the wrong type or out
/// of range still rejects the file: that is a mistake, not something newer.

#include <QString>
#include <QStringList>
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
    /// What the file names that this version lacks and was left out, one line each, worded
    /// like an error ("preset <file name>: …"); empty for a file this version wrote.
    QStringList notes;
};

/// The most a preset file may hold; a larger file is refused unread (a preset is a few
/// hundred bytes, and `--preset /dev/zero` must not read forever).
inline constexpr qint64 maxPresetBytes = 1 << 20;

/// Reads and validates the preset at @p path (a file path or a ":/…" resource). On any problem
/// returns nothing and sets *error to one line that starts with "preset <file name>: " and
/// names the field at fault. Only a regular file of at most maxPresetBytes is read.
[[nodiscard]] std::optional<Preset> loadPreset(const QString &path, QString *error);

/// The same, from bytes already read; @p name stands for the file in messages.
[[nodiscard]] std::optional<Preset> parsePreset(const QByteArray &json, const QString &name, QString *error);

/// The bytes savePreset writes for @p preset: indented JSON, the title and description only
/// when set.
[[nodiscard]] QByteArray presetToJson(const Preset &preset);

/// Validates, then writes the preset to @p path atomically (a reader never sees half a file).
/// The variant is written as the id it resolves to (Scenario::resolveVariant).
/// Returns an empty string on success, else one line naming the problem (for a write, the
/// full path and the system's reason: a read-only folder, a full disk); on failure the file
/// at @p path is left as it was, and no temporary file stays beside it.
[[nodiscard]] QString savePreset(const QString &path, const QString &scenarioId, const QString &variant,
                                 const QVariantMap &parameters, const QString &title = {},
                                 const QString &description = {});

} // namespace taskscope
