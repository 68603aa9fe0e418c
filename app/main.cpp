// Taskscope: the desktop visualizer and playground for async concurrency patterns.

#include "benchui.h"
#include "commandline.h"
#include "engine/pngfile.h"
#include "net/networkhttptransport.h"
#include "uimodule.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

namespace {

/// Bad input: one line on stderr, status 2.
constexpr int s_badInput = 2;

void setIdentity()
{
    QCoreApplication::setApplicationName(QStringLiteral("taskscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("Taskscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TASKSCOPE_VERSION));
}

/// Saves the window to @p path once it has rendered, then quits with 0 (or 1 on failure).
void screenshotAndQuit(QQuickWindow *window, const QString &path)
{
    // A few frames in, so fonts, layouts and the first animation step have settled.
    QTimer::singleShot(1500, window, [window, path] {
        const QImage image = window->grabWindow();
        if (const QString problem = taskscope::savePngFile(image, path); !problem.isEmpty()) {
            std::fprintf(stderr, "taskscope: %s\n", qPrintable(problem));
            QCoreApplication::exit(1);
            return;
        }
        std::printf("taskscope: saved %dx%d screenshot to %s\n", image.width(), image.height(), qPrintable(path));
        QCoreApplication::exit(0);
    });
}

int runWithoutDisplay(const CommandLine &command)
{
    switch (command.mode) {
    case CommandLine::Mode::Help:
        std::fputs(qPrintable(command.helpText), stdout);
        return 0;
    case CommandLine::Mode::Version:
        std::printf("taskscope %s\n", TASKSCOPE_VERSION);
        return 0;
    case CommandLine::Mode::ListScenarios:
        std::fputs(qPrintable(listScenarios(command.json)), stdout);
        return 0;
    case CommandLine::Mode::Headless: {
        QString error;
        const auto report = taskscope::ScenarioRunner::run(command.run, &error);
        if (!report) {
            std::fprintf(stderr, "taskscope: %s\n", qPrintable(error));
            return 1;
        }
        if (command.json)
            std::fputs(QJsonDocument(report->toJson()).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
        else
            std::printf("%s\n", qPrintable(report->summary()));
        return 0;
    }
    case CommandLine::Mode::Gui:
    case CommandLine::Mode::BenchUi:
        break;
    }
    return 1;
}

int runGui(QGuiApplication &app, const CommandLine &command)
{
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Taskscope"));
    QGuiApplication::setDesktopFileName(QStringLiteral("taskscope"));
    QQmlApplicationEngine engine;
    taskscope::setUpQmlEngine(engine);
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    QVariantMap initial;
    if (!command.pattern.isEmpty())
        initial.insert(QStringLiteral("initialPatternId"), command.pattern);
    if (command.hasScenario)
        initial.insert(QStringLiteral("initialParameters"), command.run.parameters);
    if (command.runAtStart)
        initial.insert(QStringLiteral("runAtStart"), true);
    if (command.hasScenario)
        initial.insert(QStringLiteral("initialVariant"), command.run.variant);
    engine.setInitialProperties(initial);
    engine.load(QUrl(QString::fromLatin1(taskscope::mainQmlUrl)));
    if (engine.rootObjects().isEmpty())
        return 1;
    if (command.windowSize.isValid()) {
        if (auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst()))
            window->resize(command.windowSize);
    }
    if (!command.screenshot.isEmpty()) {
        auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
        if (!window) {
            std::fprintf(stderr, "taskscope: the main QML object is not a window\n");
            return 1;
        }
        screenshotAndQuit(window, command.screenshot);
    }
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    // Bad input is reported before anything else starts (no display needed for that).
    QString error;
    const auto command = parseCommandLine(arguments, &error);
    if (!command) {
        std::fprintf(stderr, "taskscope: %s\n", qPrintable(error));
        return s_badInput;
    }
    for (const QString &note : command->notes)
        std::fprintf(stderr, "taskscope: %s\n", qPrintable(note));
    // Headless runs and listings need no display: a plain QCoreApplication.
    if (command->mode != CommandLine::Mode::Gui && command->mode != CommandLine::Mode::BenchUi) {
        QCoreApplication app(argc, argv);
        setIdentity();
        // The fan-out scenario's transport=http: its server and I/O thread start on first use.
        const taskscope::HttpTransportInstallation http = taskscope::installHttpTransport();
        return runWithoutDisplay(*command);
    }
    QGuiApplication app(argc, argv);
    setIdentity();
    if (command->mode == CommandLine::Mode::BenchUi)
        return runUiBenchmark(app, command->benchSeconds);
    const taskscope::HttpTransportInstallation http = taskscope::installHttpTransport();
    // Start fan-out's server and I/O thread now, on this thread, not in the scenario's first
    // poll: there, starting them held a worker for tens of milliseconds, and the window warned
    // about a blocking poll that has nothing to do with the pattern. A failure here is reported
    // by the scenario when it asks again.
    QTimer::singleShot(0, &app, [] {
        QString error;
        if (const auto transport = taskscope::installedHttpTransport())
            (void)transport->prepare(&error);
    });
    return runGui(app, *command);
}
