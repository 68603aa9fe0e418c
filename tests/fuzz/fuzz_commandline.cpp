// The whole command line (app/commandline.cpp, parseCommandLine): the input is the arguments
// after the program's name, separated by NUL bytes, as UTF-8. A command line is accepted or
// rejected with one sentence; one that starts a run holds options ScenarioRunner accepts.
// `--preset FILE` reads files: the fuzzer may name any path, which is why loadPreset reads
// only regular files, and only so much of them.

#include "fuzzharness.h"

#include "commandline.h"

#include <QCoreApplication>

using namespace taskscope;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // QCommandLineParser's help text asks the application for its name.
    static int argc = 1;
    static char name[] = "taskscope";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("taskscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral("fuzz"));
    (void)ScenarioCatalog::all();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QStringList arguments{QStringLiteral("taskscope")};
    if (size > 0) {
        const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
        for (const QByteArray &argument : bytes.split('\0'))
            arguments << QString::fromUtf8(argument);
    }
    QString error;
    const std::optional<CommandLine> command = parseCommandLine(arguments, &error);
    if (!command) {
        fuzz::check(!error.isEmpty(), "a rejection says why", error);
        return 0;
    }
    if (command->hasScenario && command->mode != CommandLine::Mode::BenchUi) {
        ScenarioRunOptions run = command->run;
        const QString problem = ScenarioRunner::validate(run);
        fuzz::check(problem.isEmpty(), "an accepted run validates again", problem);
    }
    return 0;
}
