#pragma once

// The taskscope command line: what it asks for, parsed and validated before anything runs.

#include "scenarios/scenariorunner.h"

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

/// What the command line asks for.
struct CommandLine
{
    enum class Mode { Gui, Headless, ListScenarios, Help, Version, BenchUi };

    Mode mode = Mode::Gui;
    bool json = false;
    QString pattern;    ///< GUI: the page to open (--pattern, or the scenario's id)
    QString screenshot; ///< GUI: save a PNG and quit
    QSize windowSize;   ///< GUI: --size WIDTHxHEIGHT, or invalid for the remembered size
    bool runAtStart = false; ///< GUI: start the scenario at once
    bool hasScenario = false;
    double benchSeconds = 0; ///< --bench-ui: how long the scenario phase runs
    taskscope::ScenarioRunOptions run;
    QString helpText;
    /// Lines for stderr that do not stop the run (a deprecated spelling).
    QStringList notes;
};

/// Parses @p arguments (argv as strings). On bad input returns nothing and sets *error to one
/// sentence; the caller exits with status 2.
std::optional<CommandLine> parseCommandLine(const QStringList &arguments, QString *error);

/// The --list-scenarios output, as text or JSON.
QString listScenarios(bool json);
