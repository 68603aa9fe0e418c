// Preset files (core/scenarios/preset.h): any bytes through parsePreset. What loads must hold
// only values its schema accepts, and must save and load back to the same preset, notes aside
// (what this version lacks is left out, so the saved file has nothing left to note).

#include "fuzzharness.h"

#include "scenarios/preset.h"
#include "scenarios/scenario.h"

#include <QByteArray>

using namespace taskscope;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    (void)ScenarioCatalog::all(); // built once, not inside the first input's time
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const std::optional<Preset> preset = parsePreset(bytes, QStringLiteral("fuzz.json"), &error);
    if (!preset) {
        fuzz::check(error.startsWith(QStringLiteral("preset fuzz.json: ")), "a rejection names the file", error);
        return 0;
    }
    const Scenario *scenario = ScenarioCatalog::find(preset->scenario);
    fuzz::check(scenario != nullptr, "a loaded preset names a scenario of the catalogue", preset->scenario);
    fuzz::check(scenario->variants().contains(preset->variant), "a loaded preset's variant is the scenario's",
                preset->variant);
    for (auto it = preset->parameters.begin(); it != preset->parameters.end(); ++it) {
        const auto spec = scenario->parameter(it.key());
        fuzz::check(spec.has_value(), "a loaded parameter is in the schema", it.key());
        QString problem;
        const auto again = spec->validate(it.value(), &problem);
        fuzz::check(again.has_value(), "a loaded value validates again", it.key() + QStringLiteral(": ") + problem);
        fuzz::check(*again == it.value(), "validating a loaded value keeps it",
                    it.key() + QStringLiteral(": ") + it.value().toString() + QStringLiteral(" became ")
                        + again->toString());
    }

    const QByteArray saved = presetToJson(*preset);
    const std::optional<Preset> reloaded = parsePreset(saved, QStringLiteral("fuzz.json"), &error);
    fuzz::check(reloaded.has_value(), "what loaded saves to a file that loads", error + QLatin1Char('\n') + saved);
    fuzz::check(reloaded->notes.isEmpty(), "a saved preset has nothing to note", reloaded->notes.join(QLatin1Char('\n')));
    fuzz::check(reloaded->scenario == preset->scenario && reloaded->variant == preset->variant,
                "scenario and variant survive a save", QString::fromUtf8(saved));
    fuzz::check(reloaded->title == preset->title && reloaded->description == preset->description,
                "title and description survive a save", QString::fromUtf8(saved));
    fuzz::check(reloaded->parameters == preset->parameters, "parameters survive a save", QString::fromUtf8(saved));
    return 0;
}
