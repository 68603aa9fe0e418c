#include "commandline.h"

#include "scenarios/preset.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace taskscope;

namespace {

/// The scenarios that ship exactly @p variants.
QStringList idsShipping(const QStringList &variants)
{
    QStringList ids;
    for (const auto &scenario : ScenarioCatalog::all()) {
        if (scenario->variants() == variants)
            ids << scenario->id();
    }
    return ids;
}

/// The scenarios that ship a seed and a robust variant.
QStringList twoVariantIds()
{
    return idsShipping({QStringLiteral("seed"), QStringLiteral("robust")});
}

/// The variants as --list-scenarios prints them.
QString variantsText(const Scenario &scenario)
{
    const QStringList offered = scenario.variants();
    if (offered.size() > 1)
        return QStringLiteral("variants: %1 (default %2)").arg(offered.join(QStringLiteral(", ")), scenario.defaultVariant());
    if (offered.value(0) == QLatin1String("guide"))
        return QStringLiteral("variant: guide, the guide's code (its one variant)");
    return QStringLiteral("variant: %1 only, not the guide's code (its one variant)").arg(offered.value(0));
}

} // namespace

std::optional<CommandLine> parseCommandLine(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Taskscope: async concurrency patterns, live."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version."));
    const QCommandLineOption pattern(QStringLiteral("pattern"),
                                     QStringLiteral("Open the window on a pattern (runtime, spawning, …)."),
                                     QStringLiteral("id"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a PNG of the window to <file> and quit."),
                                        QStringLiteral("file"));
    const QCommandLineOption size(QStringLiteral("size"), QStringLiteral("Window: open at this size, e.g. 1280x720."),
                                  QStringLiteral("WIDTHxHEIGHT"));
    const QCommandLineOption runNow(QStringLiteral("run"),
                                    QStringLiteral("Window: start the scenario at once (for a demo)."));
    const QCommandLineOption list(QStringLiteral("list-scenarios"), QStringLiteral("List the scenarios and quit."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of text."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run a scenario without a window and print a summary."));
    const QCommandLineOption scenario(QStringLiteral("scenario"), QStringLiteral("The scenario to run or open."),
                                      QStringLiteral("id"));
    const QCommandLineOption preset(QStringLiteral("preset"),
                                    QStringLiteral("Start from a preset file: its scenario, variant and parameters "
                                                   "(--set and --variant override it)."),
                                    QStringLiteral("file"));
    const QCommandLineOption set(QStringLiteral("set"), QStringLiteral("Set a scenario parameter (repeatable)."),
                                 QStringLiteral("name=value"));
    const QStringList robustOnly = idsShipping({QStringLiteral("robust")});
    const QCommandLineOption variant(QStringLiteral("variant"),
                                     QStringLiteral("seed or robust, for the patterns that ship both (%1; default "
                                                    "robust). %2 %3 only robust; the others run the guide's code, "
                                                    "variant guide.")
                                         .arg(twoVariantIds().join(QStringLiteral(", ")),
                                              robustOnly.join(QStringLiteral(" and ")),
                                              robustOnly.size() == 1 ? QStringLiteral("ships") : QStringLiteral("ship")),
                                     QStringLiteral("variant"));
    const QCommandLineOption workers(QStringLiteral("workers"), QStringLiteral("Worker threads, 1–64 (default 2)."),
                                     QStringLiteral("n"), QStringLiteral("2"));
    const QCommandLineOption deterministic(QStringLiteral("deterministic"),
                                           QStringLiteral("One worker, virtual clock, seeded RNG: reproducible."));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."),
                                  QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption duration(QStringLiteral("duration"),
                                      QStringLiteral("Stop after this much runtime time (default: the scenario's end)."),
                                      QStringLiteral("seconds"), QStringLiteral("0"));
    const QCommandLineOption traceOut(QStringLiteral("trace-out"),
                                      QStringLiteral("Write a Chrome/Perfetto trace of the run to <file>."),
                                      QStringLiteral("file"));
    const QCommandLineOption benchUi(QStringLiteral("bench-ui"),
                                     QStringLiteral("Measure the window's frame times and the timeline under load for about "
                                                    "<seconds> per phase; print JSON lines and quit."),
                                     QStringLiteral("seconds"));
    parser.addOptions({help, version, pattern, screenshot, runNow, list, json, headless, scenario, preset, set, variant, workers,
                       deterministic, seed, duration, traceOut, benchUi, size});

    auto fail = [&](const QString &message) -> std::optional<CommandLine> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText() + QStringLiteral(" (see --help)"));
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\" (see --help)").arg(parser.positionalArguments().first()));

    CommandLine command;
    command.helpText = parser.helpText();
    command.json = parser.isSet(json);
    if (parser.isSet(help)) {
        command.mode = CommandLine::Mode::Help;
        return command;
    }
    if (parser.isSet(version)) {
        command.mode = CommandLine::Mode::Version;
        return command;
    }
    if (parser.isSet(list)) {
        command.mode = CommandLine::Mode::ListScenarios;
        return command;
    }

    if (parser.isSet(benchUi)) {
        bool ok = false;
        command.benchSeconds = parser.value(benchUi).toDouble(&ok);
        if (!ok || command.benchSeconds < 0.5 || command.benchSeconds > 600)
            return fail(QStringLiteral("--bench-ui \"%1\" is not a number of seconds; valid range is 0.5–600")
                            .arg(parser.value(benchUi)));
        command.mode = CommandLine::Mode::BenchUi;
        return command;
    }
    command.mode = parser.isSet(headless) ? CommandLine::Mode::Headless : CommandLine::Mode::Gui;
    command.pattern = parser.value(pattern);
    if (parser.isSet(size)) {
        const QStringList parts = parser.value(size).split(QLatin1Char('x'));
        bool widthOk = false, heightOk = false;
        const int width = parts.value(0).toInt(&widthOk), height = parts.value(1).toInt(&heightOk);
        if (parts.size() != 2 || !widthOk || !heightOk || width < 640 || height < 480 || width > 8192 || height > 8192)
            return fail(QStringLiteral("--size \"%1\" is not WIDTHxHEIGHT between 640x480 and 8192x8192")
                            .arg(parser.value(size)));
        command.windowSize = QSize(width, height);
    }
    command.screenshot = parser.value(screenshot);
    command.runAtStart = parser.isSet(runNow);
    command.hasScenario = parser.isSet(scenario) || parser.isSet(preset);
    if (command.mode == CommandLine::Mode::Headless && !command.hasScenario)
        return fail(QStringLiteral("--headless needs --scenario ID; valid scenarios are: %1")
                        .arg(ScenarioCatalog::ids().join(QStringLiteral(", "))));
    if (!command.hasScenario) {
        for (const QCommandLineOption *scenarioOnly : {&set, &variant, &workers, &deterministic, &seed, &duration, &traceOut}) {
            if (parser.isSet(*scenarioOnly))
                return fail(QStringLiteral("--%1 needs --scenario ID").arg(scenarioOnly->names().constLast()));
        }
        return command;
    }

    ScenarioRunOptions &run = command.run;
    run.scenario = parser.value(scenario);
    std::optional<Preset> loaded;
    if (parser.isSet(preset)) {
        QString problem;
        loaded = loadPreset(parser.value(preset), &problem);
        if (!loaded)
            return fail(problem);
        if (parser.isSet(scenario) && run.scenario != loaded->scenario)
            return fail(QStringLiteral("preset %1 is for scenario %2, not %3")
                            .arg(parser.value(preset), loaded->scenario, run.scenario));
        run.scenario = loaded->scenario;
        run.parameters = loaded->parameters;
        command.notes << loaded->notes; // what this version lacks, left out
    }
    const Scenario *found = ScenarioCatalog::find(run.scenario);
    if (!found)
        return fail(QStringLiteral("unknown scenario \"%1\"; valid scenarios are: %2")
                        .arg(run.scenario, ScenarioCatalog::ids().join(QStringLiteral(", "))));
    for (const QString &setting : parser.values(set)) {
        const QString problem = ScenarioRunner::applySetting(*found, setting, run.parameters);
        if (!problem.isEmpty())
            return fail(problem);
    }
    run.variant = loaded && !parser.isSet(variant) ? loaded->variant : parser.value(variant);
    if (const auto resolved = found->resolveVariant(run.variant); resolved && resolved->deprecatedAlias)
        command.notes << QStringLiteral("--variant %1 is deprecated for %2: it ships one variant, the guide's code; "
                                        "running --variant %3")
                             .arg(run.variant, found->id(), resolved->id);
    bool ok = false;
    run.workers = parser.value(workers).toInt(&ok);
    if (!ok)
        return fail(QStringLiteral("--workers \"%1\" is not a number; valid range is 1–64").arg(parser.value(workers)));
    run.deterministic = parser.isSet(deterministic);
    run.seed = parser.value(seed).toULongLong(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed \"%1\" is not a non-negative integer").arg(parser.value(seed)));
    run.durationSeconds = parser.value(duration).toDouble(&ok);
    if (!ok)
        return fail(QStringLiteral("--duration \"%1\" is not a number of seconds").arg(parser.value(duration)));
    run.traceOut = parser.value(traceOut);
    const QString problem = ScenarioRunner::validate(run);
    if (!problem.isEmpty())
        return fail(problem);
    if (command.pattern.isEmpty())
        command.pattern = run.scenario;
    return command;
}

QString listScenarios(bool json)
{
    if (json) {
        QJsonArray scenarios;
        for (const auto &scenario : ScenarioCatalog::all()) {
            QJsonArray parameters;
            for (const ParameterSpec &spec : scenario->parameters()) {
                parameters.append(QJsonObject{
                    {QStringLiteral("name"), spec.name},
                    {QStringLiteral("label"), spec.label},
                    {QStringLiteral("range"), spec.rangeText()},
                    {QStringLiteral("default"), QJsonValue::fromVariant(spec.defaultValue)},
                    {QStringLiteral("unit"), spec.unit},
                    {QStringLiteral("help"), spec.help},
                    {QStringLiteral("live"), spec.live},
                });
            }
            scenarios.append(QJsonObject{
                {QStringLiteral("id"), scenario->id()},
                {QStringLiteral("title"), scenario->title()},
                {QStringLiteral("description"), scenario->description()},
                {QStringLiteral("variants"), QJsonArray::fromStringList(scenario->variants())},
                {QStringLiteral("default_variant"), scenario->defaultVariant()},
                {QStringLiteral("parameters"), parameters},
            });
        }
        return QString::fromUtf8(QJsonDocument(scenarios).toJson(QJsonDocument::Indented));
    }
    QStringList lines;
    for (const auto &scenario : ScenarioCatalog::all()) {
        lines << QStringLiteral("%1  %2").arg(scenario->id(), scenario->title());
        lines << QStringLiteral("    %1").arg(scenario->description());
        lines << QStringLiteral("    %1").arg(variantsText(*scenario));
        for (const ParameterSpec &spec : scenario->parameters())
            lines << QStringLiteral("    --set %1=VALUE  %2 (default %3%4). %5")
                         .arg(spec.name, spec.rangeText(), spec.defaultValue.toString(),
                              spec.live ? QStringLiteral("; changeable while running") : QString(), spec.help);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}
