// Smoke test: Main.qml loads from the module headless, renders, and prints no QML warning.

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include "uimodule.h"

namespace {

QStringList s_messages;
QtMessageHandler s_previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg)
        s_messages.append(message);
    s_previousHandler(type, context, message);
}

} // namespace

class TestMainQml : public QObject
{
    Q_OBJECT

private:
    QObject *load(QQmlApplicationEngine &engine, const QVariantMap &initialProperties = {})
    {
        taskscope::setUpQmlEngine(engine);
        QObject::connect(&engine, &QQmlEngine::warnings, &engine, [](const QList<QQmlError> &warnings) {
            for (const QQmlError &warning : warnings)
                s_messages.append(warning.toString());
        });
        engine.setInitialProperties(initialProperties);
        engine.load(QUrl(QString::fromLatin1(taskscope::mainQmlUrl)));
        return engine.rootObjects().isEmpty() ? nullptr : engine.rootObjects().constFirst();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QGuiApplication::setOrganizationName(QStringLiteral("TaskscopeTest"));
        QGuiApplication::setApplicationName(QStringLiteral("tst_mainqml"));
        s_previousHandler = qInstallMessageHandler(recordMessage);
    }

    void init()
    {
        QSettings().clear();
        s_messages.clear();
    }

    void mainWindowLoadsAndRendersWithoutWarnings()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY2(window, qPrintable(s_messages.join(QLatin1Char('\n'))));
        QVERIFY(QTest::qWaitForWindowExposed(window));
        // Let a few frames render so bindings, delegates and layouts have run.
        QTest::qWait(300);
        const QImage frame = window->grabWindow();
        QVERIFY(!frame.isNull());
        QVERIFY(frame.width() >= 900);
        QCOMPARE(window->title(), QStringLiteral("Taskscope — Runtime configuration"));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void initialPatternPropertySelectsThatPattern()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "breaker"}}));
        QVERIFY(window);
        QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — Circuit breaker"));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void selectedPatternSurvivesARestart()
    {
        {
            QQmlApplicationEngine engine;
            auto *window = qobject_cast<QQuickWindow *>(load(engine));
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            // Two steps down the sidebar with the window-wide shortcut.
            QTest::keyClick(window, Qt::Key_Down, Qt::AltModifier);
            QTest::keyClick(window, Qt::Key_Down, Qt::AltModifier);
            QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — Cancellation tokens"));
        }
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — Cancellation tokens"));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestMainQml)
#include "tst_mainqml.moc"
