// `--set NAME=VALUE` (ScenarioRunner::applySetting over ParameterSpec::parse), for every
// parameter type of every scenario. The input picks them: byte 0 a scenario (modulo how many
// there are), byte 1 one of its parameters (modulo their number plus one: the last choice
// takes the rest as the whole setting, name included); the rest is the text, as UTF-8.
// Whatever is accepted must be in the schema's range and validate again to itself, as
// ScenarioRunner::validate and the GUI check it later.

#include "fuzzharness.h"

#include "scenarios/scenario.h"
#include "scenarios/scenariorunner.h"

#include <cmath>

using namespace taskscope;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    (void)ScenarioCatalog::all();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 2)
        return 0;
    const auto &scenarios = ScenarioCatalog::all();
    const Scenario &scenario = *scenarios[data[0] % scenarios.size()];
    const std::vector<ParameterSpec> specs = scenario.parameters();
    const std::size_t pick = data[1] % (specs.size() + 1);
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const QString setting = pick < specs.size() ? specs[pick].name + QLatin1Char('=') + text : text;

    QVariantMap parameters;
    const QString problem = ScenarioRunner::applySetting(scenario, setting, parameters);
    if (!problem.isEmpty()) {
        fuzz::check(parameters.isEmpty(), "a rejected setting sets nothing", setting);
        return 0;
    }
    fuzz::check(parameters.size() == 1, "an accepted setting sets one parameter", setting);
    const QString name = parameters.firstKey();
    const QVariant value = parameters.first();
    const auto spec = scenario.parameter(name);
    fuzz::check(spec.has_value(), "an accepted setting names a parameter of the schema", setting);
    switch (spec->type) {
    case ParameterSpec::Type::Int:
        fuzz::check(value.typeId() == QMetaType::LongLong, "an integer parameter holds an integer", setting);
        fuzz::check(double(value.toLongLong()) >= spec->minimum && double(value.toLongLong()) <= spec->maximum,
                    "an integer is in range", setting);
        break;
    case ParameterSpec::Type::Double: {
        fuzz::check(value.typeId() == QMetaType::Double, "a number parameter holds a double", setting);
        const double number = value.toDouble();
        fuzz::check(std::isfinite(number) && number >= spec->minimum && number <= spec->maximum, "a number is in range",
                    setting);
        break;
    }
    case ParameterSpec::Type::Bool:
        fuzz::check(value.typeId() == QMetaType::Bool, "a boolean parameter holds a bool", setting);
        break;
    case ParameterSpec::Type::Choice:
        fuzz::check(spec->choices.contains(value.toString()), "a choice is one of the choices", setting);
        break;
    }
    QString error;
    const auto again = spec->validate(value, &error);
    fuzz::check(again.has_value() && *again == value, "an accepted value validates again to itself",
                setting + QStringLiteral(": ") + error);
    return 0;
}
