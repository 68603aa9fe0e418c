// Taskscope: the desktop visualizer and playground for async concurrency patterns.

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>

#include "uimodule.h"

#include <cstdio>

namespace {

/// Saves the window to @p path once it has rendered, then quits with 0 (or 1 on failure).
void screenshotAndQuit(QQuickWindow *window, const QString &path)
{
    // A few frames in, so fonts, layouts and the first animation step have settled.
    QTimer::singleShot(1500, window, [window, path] {
        const QImage image = window->grabWindow();
        if (image.isNull() || !image.save(path)) {
            std::fprintf(stderr, "taskscope: could not save the screenshot to %s\n", qPrintable(path));
            QCoreApplication::exit(1);
            return;
        }
        std::printf("taskscope: saved %dx%d screenshot to %s\n", image.width(), image.height(), qPrintable(path));
        QCoreApplication::exit(0);
    });
}

} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("taskscope"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Taskscope"));
    QGuiApplication::setOrganizationName(QStringLiteral("Taskscope"));
    QGuiApplication::setApplicationVersion(QStringLiteral(TASKSCOPE_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("taskscope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Taskscope: async concurrency patterns, live."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption patternOption(
        QStringLiteral("pattern"), QStringLiteral("Open on the pattern with id <id> (runtime, spawning, …)."),
        QStringLiteral("id"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), QStringLiteral("Save a PNG of the window to <file> and quit."),
        QStringLiteral("file"));
    parser.addOptions({patternOption, screenshotOption});
    parser.process(app);

    QQmlApplicationEngine engine;
    taskscope::setUpQmlEngine(engine);
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app,
                     [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    if (parser.isSet(patternOption))
        engine.setInitialProperties({{QStringLiteral("initialPatternId"), parser.value(patternOption)}});
    engine.load(QUrl(QString::fromLatin1(taskscope::mainQmlUrl)));
    if (engine.rootObjects().isEmpty())
        return 1;

    if (parser.isSet(screenshotOption)) {
        auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
        if (!window) {
            std::fprintf(stderr, "taskscope: the main QML object is not a window\n");
            return 1;
        }
        screenshotAndQuit(window, parser.value(screenshotOption));
    }
    return app.exec();
}
