// Writes the generated part of the fuzz corpus and the dictionaries from the scenario
// catalogue, so they follow the schema: `fuzz_writeseeds tests/fuzz` (from the source root).
// Not built by default; run it again when a scenario or a parameter changes, and commit what
// it writes. corpus/preset/ is seeded apart, from resources/presets (see docs/fuzzing.md).
//   corpus/setting/<scenario>-<parameter>-<what>: every parameter of every scenario at its
//     default, its bounds and each of its choices, and a few raw settings;
//   corpus/commandline/<what>: command lines, arguments separated by NUL;
//   preset.dict, commandline.dict: the words libFuzzer may splice in.

#include "scenarios/scenario.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <cstdio>

using namespace taskscope;

namespace {

bool write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "fuzz_writeseeds: cannot write %s\n", qPrintable(path));
        return false;
    }
    return true;
}

QString number(double value)
{
    return QString::number(value, 'g', 17);
}

/// A libFuzzer dictionary: a comment line, then each word once, quoted, with quotes and
/// backslashes escaped.
QByteArray dictionary(const char *comment, QStringList words)
{
    words.removeDuplicates();
    QByteArray out = QByteArray("# ") + comment + '\n';
    for (const QString &word : std::as_const(words)) {
        QByteArray escaped;
        for (const char c : word.toUtf8()) {
            if (c == '"' || c == '\\')
                escaped += '\\';
            escaped += c;
        }
        out += "\"" + escaped + "\"\n";
    }
    return out;
}

QByteArray commandLine(const QStringList &arguments)
{
    return arguments.join(QChar(0)).toUtf8();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QDir root(argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("tests/fuzz"));
    const auto &scenarios = ScenarioCatalog::all();
    bool ok = true;

    QStringList presetWords;
    for (const char *field : {"scenario", "variant", "title", "description", "parameters"})
        presetWords += QStringLiteral("\"%1\":").arg(QLatin1String(field));
    for (const char *word : {"true", "false", "null", "{}", "[]", "1e308", "-0", "0.5", "\\u0000", "\\ud800"})
        presetWords += QLatin1String(word);
    QStringList commandWords;
    for (const char *option : {"--help", "--version", "--pattern", "--screenshot", "--size", "--run", "--list-scenarios",
                               "--json", "--headless", "--scenario", "--preset", "--set", "--variant", "--workers",
                               "--deterministic", "--seed", "--duration", "--trace-out", "--bench-ui", "-h", "-v", "--"})
        commandWords += QLatin1String(option);
    for (const char *variantId : {"seed", "robust", "guide"}) {
        presetWords += QLatin1String(variantId);
        commandWords += QLatin1String(variantId);
    }

    const QDir settings(root.filePath(QStringLiteral("corpus/setting")));
    const QDir commands(root.filePath(QStringLiteral("corpus/commandline")));
    for (std::size_t s = 0; s < scenarios.size(); ++s) {
        const Scenario &scenario = *scenarios[s];
        presetWords += scenario.id();
        commandWords += scenario.id();
        const std::vector<ParameterSpec> specs = scenario.parameters();
        QStringList sets;
        for (std::size_t p = 0; p < specs.size(); ++p) {
            const ParameterSpec &spec = specs[p];
            presetWords += QStringLiteral("\"%1\":").arg(spec.name);
            commandWords += spec.name + QLatin1Char('=');
            QList<std::pair<QString, QString>> values{{QStringLiteral("default"), spec.defaultValue.toString()}};
            switch (spec.type) {
            case ParameterSpec::Type::Int:
            case ParameterSpec::Type::Double:
                values << std::pair{QStringLiteral("minimum"), number(spec.minimum)}
                       << std::pair{QStringLiteral("maximum"), number(spec.maximum)};
                break;
            case ParameterSpec::Type::Bool:
                values << std::pair{QStringLiteral("true"), QStringLiteral("true")}
                       << std::pair{QStringLiteral("false"), QStringLiteral("0")};
                break;
            case ParameterSpec::Type::Choice:
                for (const QString &choice : spec.choices) {
                    values << std::pair{QStringLiteral("choice-") + choice, choice};
                    presetWords += choice;
                    commandWords += choice;
                }
                break;
            }
            for (const auto &[what, text] : values) {
                const QByteArray head{char(s), char(p)};
                ok &= write(settings.filePath(QStringLiteral("%1-%2-%3").arg(scenario.id(), spec.name, what)),
                            head + text.toUtf8());
            }
            sets << QStringLiteral("--set") << spec.name + QLatin1Char('=') + spec.defaultValue.toString();
        }
        // The last parameter choice: the whole setting, name included.
        ok &= write(settings.filePath(scenario.id() + QStringLiteral("-raw")),
                    QByteArray{char(s), char(specs.size())} + (specs.empty() ? QByteArray("x=1") : (specs.front().name + QStringLiteral("=1")).toUtf8()));

        ok &= write(commands.filePath(QStringLiteral("headless-%1").arg(scenario.id())),
                    commandLine(QStringList{QStringLiteral("--headless"), QStringLiteral("--scenario"), scenario.id(),
                                            QStringLiteral("--variant"), scenario.defaultVariant(),
                                            QStringLiteral("--deterministic"), QStringLiteral("--seed"),
                                            QStringLiteral("7"), QStringLiteral("--duration"), QStringLiteral("1.5"),
                                            QStringLiteral("--json")}
                                + sets));
        ok &= write(commands.filePath(QStringLiteral("window-%1").arg(scenario.id())),
                    commandLine({QStringLiteral("--scenario"), scenario.id(), QStringLiteral("--run"),
                                 QStringLiteral("--size"), QStringLiteral("1280x720"), QStringLiteral("--workers"),
                                 QStringLiteral("4"), QStringLiteral("--trace-out"), QStringLiteral("/tmp/trace.json")}));
    }
    const QList<std::pair<const char *, QStringList>> lines{
        {"help", {QStringLiteral("--help")}},
        {"version", {QStringLiteral("-v")}},
        {"list-json", {QStringLiteral("--list-scenarios"), QStringLiteral("--json")}},
        {"bench-ui", {QStringLiteral("--bench-ui"), QStringLiteral("2")}},
        {"pattern-screenshot", {QStringLiteral("--pattern"), QStringLiteral("actor"), QStringLiteral("--screenshot"),
                                QStringLiteral("shot.png")}},
        {"preset-shipped", {QStringLiteral("--headless"), QStringLiteral("--preset"),
                            QStringLiteral("resources/presets/actor/mailbox-too-small.json"), QStringLiteral("--set"),
                            QStringLiteral("clients=2")}},
        {"preset-missing", {QStringLiteral("--preset"), QStringLiteral("/nonexistent/preset.json")}},
        {"empty", {}},
    };
    for (const auto &[name, arguments] : lines)
        ok &= write(commands.filePath(QLatin1String(name)), commandLine(arguments));

    ok &= write(root.filePath(QStringLiteral("preset.dict")),
                dictionary("Preset files: fields, scenario ids, variants, parameter names and choices.", presetWords));
    ok &= write(root.filePath(QStringLiteral("commandline.dict")),
                dictionary("The command line: options, scenario ids, variants, parameter names.", commandWords));
    std::printf("fuzz_writeseeds: wrote the setting and command-line seeds and the dictionaries under %s\n",
                qPrintable(root.path()));
    return ok ? 0 : 1;
}
