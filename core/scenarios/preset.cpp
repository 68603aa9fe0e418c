#include "scenarios/preset.h"

#include "io/atomicwrite.h"
#include "scenarios/scenario.h"
#include "scenarios/scenariorunner.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>

namespace taskscope {

namespace {

const QStringList s_fields = {QStringLiteral("scenario"), QStringLiteral("variant"), QStringLiteral("title"),
                              QStringLiteral("description"), QStringLiteral("parameters")};

/// The JSON type a parameter's value must have; the range is ParameterSpec's business.
bool hasSchemaType(const ParameterSpec &spec, const QJsonValue &value)
{
    switch (spec.type) {
    case ParameterSpec::Type::Int:
    case ParameterSpec::Type::Double:
        return value.isDouble();
    case ParameterSpec::Type::Bool:
        return value.isBool();
    case ParameterSpec::Type::Choice:
        return value.isString();
    }
    return false;
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("a boolean");
    case QJsonValue::Double: return QStringLiteral("a number");
    case QJsonValue::String: return QStringLiteral("a string");
    case QJsonValue::Array: return QStringLiteral("an array");
    case QJsonValue::Object: return QStringLiteral("an object");
    case QJsonValue::Undefined: break;
    }
    return QStringLiteral("undefined");
}

/// The value as `--set` would spell it, so the command line's parser checks it.
QString settingText(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble()) {
        // Whole numbers as integers ("1000000", not "1e+06"), so an integer parameter parses.
        const double number = value.toDouble();
        if (std::abs(number) < 9.0e15 && number == std::trunc(number))
            return QString::number(qint64(number));
        return QString::number(number, 'g', QLocale::FloatingPointShortest);
    }
    return value.toString();
}

/// Checks @p values against @p scenario: every value of a known parameter of the right type
/// and in range. A name the scenario lacks is left out, with a line in *notes (no prefix).
/// Returns the typed values, or nothing with *error (no prefix).
std::optional<QVariantMap> validateParameters(const Scenario &scenario, const QJsonObject &values, QStringList *notes,
                                              QString *error)
{
    QVariantMap typed;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const auto spec = scenario.parameter(it.key());
        if (!spec) {
            QStringList names;
            for (const ParameterSpec &each : scenario.parameters())
                names << each.name;
            *notes << QStringLiteral("scenario %1 has no parameter \"%2\" in this version (its parameters are: "
                                     "%3); left out")
                          .arg(scenario.id(), it.key(), names.join(QStringLiteral(", ")));
            continue;
        }
        if (!hasSchemaType(*spec, it.value())) {
            *error = QStringLiteral("parameter %1 is %2; expected %3")
                         .arg(it.key(), jsonTypeName(it.value()), spec->rangeText());
            return std::nullopt;
        }
        // The same check as --set NAME=VALUE, message included.
        const QString problem =
            ScenarioRunner::applySetting(scenario, it.key() + QLatin1Char('=') + settingText(it.value()), typed);
        if (!problem.isEmpty()) {
            *error = problem;
            return std::nullopt;
        }
    }
    return typed;
}

} // namespace

std::optional<Preset> parsePreset(const QByteArray &json, const QString &name, QString *error)
{
    auto fail = [&](const QString &message) -> std::optional<Preset> {
        if (error)
            *error = QStringLiteral("preset %1: %2").arg(name, message);
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("not JSON: %1 at offset %2").arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isObject())
        return fail(QStringLiteral("not a JSON object"));
    const QJsonObject root = document.object();
    QStringList notes;
    auto note = [&](const QString &message) { notes << QStringLiteral("preset %1: %2").arg(name, message); };
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!s_fields.contains(it.key()))
            note(QStringLiteral("field %1 is not one this version knows (it knows: %2); left out")
                     .arg(it.key(), s_fields.join(QStringLiteral(", "))));
    }
    for (const QString &field : {QStringLiteral("scenario"), QStringLiteral("variant"), QStringLiteral("title"),
                                 QStringLiteral("description")}) {
        if (root.contains(field) && !root.value(field).isString())
            return fail(QStringLiteral("field %1 is %2; expected a string").arg(field, jsonTypeName(root.value(field))));
    }
    if (!root.contains(QStringLiteral("scenario")))
        return fail(QStringLiteral("field scenario is missing (valid scenarios: %1)")
                        .arg(ScenarioCatalog::ids().join(QStringLiteral(", "))));

    Preset preset;
    preset.scenario = root.value(QStringLiteral("scenario")).toString();
    const Scenario *scenario = ScenarioCatalog::find(preset.scenario);
    if (!scenario)
        return fail(QStringLiteral("scenario %1 is not a Taskscope scenario (valid: %2)")
                        .arg(preset.scenario, ScenarioCatalog::ids().join(QStringLiteral(", "))));
    // An old preset's "seed" or "robust" for a pattern that now ships only the guide's code
    // still loads, as "guide".
    const QString named = root.value(QStringLiteral("variant")).toString();
    std::optional<ResolvedVariant> variant = scenario->resolveVariant(named);
    if (!variant) {
        variant = scenario->resolveVariant({});
        note(QStringLiteral("variant %1 is not one of %2's in this version (valid: %3); loaded with %4")
                 .arg(named, preset.scenario, scenario->variants().join(QStringLiteral(", ")), variant->id));
    }
    preset.variant = variant->id;
    preset.title = root.value(QStringLiteral("title")).toString();
    preset.description = root.value(QStringLiteral("description")).toString();

    const QJsonValue parameters = root.value(QStringLiteral("parameters"));
    if (!parameters.isUndefined() && !parameters.isObject())
        return fail(QStringLiteral("field parameters is %1; expected an object of name: value").arg(jsonTypeName(parameters)));
    QString problem;
    QStringList unknown;
    const auto typed = validateParameters(*scenario, parameters.toObject(), &unknown, &problem);
    if (!typed)
        return fail(problem);
    for (const QString &line : std::as_const(unknown))
        note(line);
    preset.parameters = *typed;
    preset.notes = notes;
    return preset;
}

std::optional<Preset> loadPreset(const QString &path, QString *error)
{
    const QString name = QFileInfo(path).fileName();
    auto fail = [&](const QString &message) -> std::optional<Preset> {
        if (error)
            *error = QStringLiteral("preset %1: cannot read it: %2").arg(name, message);
        return std::nullopt;
    };
    // Checked before opening: opening a FIFO blocks until a writer comes, and a device such
    // as /dev/zero never ends.
    const QFileInfo info(path);
    if (info.exists() && !info.isFile())
        return fail(info.isDir() ? QStringLiteral("it is a folder") : QStringLiteral("it is not a regular file"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    // Read with a bound, not by the size the file claims: /proc files claim 0.
    const QByteArray bytes = file.read(maxPresetBytes + 1);
    if (bytes.size() > maxPresetBytes)
        return fail(QStringLiteral("it is larger than %1 bytes, so not a preset").arg(maxPresetBytes));
    if (file.error() != QFileDevice::NoError)
        return fail(file.errorString());
    return parsePreset(bytes, name, error);
}

QByteArray presetToJson(const Preset &preset)
{
    QJsonObject root{{QStringLiteral("scenario"), preset.scenario}, {QStringLiteral("variant"), preset.variant}};
    if (!preset.title.isEmpty())
        root.insert(QStringLiteral("title"), preset.title);
    if (!preset.description.isEmpty())
        root.insert(QStringLiteral("description"), preset.description);
    root.insert(QStringLiteral("parameters"), QJsonObject::fromVariantMap(preset.parameters));
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString savePreset(const QString &path, const QString &scenarioId, const QString &variant,
                   const QVariantMap &parameters, const QString &title, const QString &description)
{
    const QString name = QFileInfo(path).fileName();
    // The variant's own id, not an old alias of it, so the file reads as what it runs.
    const Scenario *scenario = ScenarioCatalog::find(scenarioId);
    const std::optional<ResolvedVariant> resolved = scenario ? scenario->resolveVariant(variant) : std::nullopt;
    const QByteArray bytes =
        presetToJson(Preset{scenarioId, resolved ? resolved->id : variant, parameters, title, description, {}});

    // What we write must load back, all of it: check it the same way before touching the file.
    QString problem;
    const std::optional<Preset> check = parsePreset(bytes, name, &problem);
    if (!check)
        return problem;
    if (!check->notes.isEmpty())
        return check->notes.constFirst();
    // A full disk or a read-only folder leaves the old file whole.
    if (const QString reason = writeFileAtomically(path, bytes); !reason.isEmpty())
        return QStringLiteral("preset %1: cannot write %2: %3").arg(name, QFileInfo(path).absoluteFilePath(), reason);
    return {};
}

} // namespace taskscope
