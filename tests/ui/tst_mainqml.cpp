// Smoke test: Main.qml loads from the module headless, renders, and prints no QML warning.

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "uimodule.h"

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "items/timelineitem.h"
#include "models/patternlistmodel.h"
#include "models/resourcetext.h"
#include "models/sourcelisting.h"
#endif

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

    /// Each pattern's page: its explanation and Tokio version, its real C++ where a scenario
    /// runs it, and its shipped presets, with no QML warning on the way.
    void everyPatternPageShowsItsExplanationCodeAndPresets()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *listing = window->findChild<taskscope::SourceListing *>();
        const auto texts = window->findChildren<taskscope::ResourceText *>();
        QVERIFY(controller && listing);
        QCOMPARE(texts.size(), 2); // the explanation and the Tokio version
        const taskscope::PatternListModel patterns;
        for (int row = 0; row < patterns.rowCount(); ++row) {
            const QModelIndex index = patterns.index(row);
            const QString title = index.data(taskscope::PatternListModel::TitleRole).toString();
            QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — %1").arg(title));
            const QString scenario = index.data(taskscope::PatternListModel::ScenarioRole).toString();
            QCOMPARE(controller->scenarioId(), scenario);
            QCOMPARE(listing->scenarioId(), scenario);
            for (taskscope::ResourceText *text : texts) {
                QVERIFY2(text->exists(), qPrintable(text->source().toString()));
                QVERIFY(text->source().toString().contains(scenario));
            }
            QCOMPARE(listing->rowCount() > 0, controller->hasScenario());
            QCOMPARE(controller->presets().size() >= 2, controller->hasScenario());
            QTest::keyClick(window, Qt::Key_Down, Qt::AltModifier);
        }
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void loadingAPresetOfAnotherScenarioTurnsToItsPage()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        auto *controller = window->findChild<taskscope::EngineController *>();
        QVERIFY(controller);
        QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — Runtime configuration"));
        QCOMPARE(controller->loadPreset(QUrl(QStringLiteral("qrc:/Taskscope/presets/actor/mailbox-too-small.json"))),
                 QString());
        QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — Actor with a mailbox"));
        QCOMPARE(controller->scenarioId(), QStringLiteral("actor"));
        QCOMPARE(controller->effectiveParameters().value(QStringLiteral("mailbox_capacity")).toInt(), 1);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void thePresetFileDialogOpensWithoutWarnings()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "actor"}}));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *loader = window->findChild<QObject *>(QStringLiteral("presetDialogLoader"));
        QVERIFY(loader);
        QVERIFY(loader->setProperty("active", true));
        QTRY_VERIFY(loader->property("item").value<QObject *>() != nullptr);
        QObject *dialog = loader->property("item").value<QObject *>();
        QTRY_VERIFY(dialog->property("visible").toBool());
        QMetaObject::invokeMethod(dialog, "reject");
        QTRY_VERIFY(!loader->property("active").toBool());
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void theRuntimeScenarioRunsPausesStepsAndResetsLive()
    {
        QQmlApplicationEngine engine;
        const QVariantMap parameters{{"work_ms", 300}, {"timeout_ms", 5000}, {"background_tasks", 6}};
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialParameters", parameters}}));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *timeline = window->findChild<taskscope::TimelineItem *>();
        QVERIFY(controller && timeline);
        QCOMPARE(controller->scenarioId(), QStringLiteral("runtime"));
        QVERIFY(controller->hasScenario());

        QTest::keyClick(window, Qt::Key_Space); // run
        QTRY_COMPARE(controller->state(), taskscope::EngineController::State::Running);
        QTRY_VERIFY(controller->taskModel()->rowCount() >= 7); // the run and its 6 background tasks
        QTRY_VERIFY(timeline->sliceCount() > 0);
        QTRY_VERIFY(controller->eventLog()->rowCount() > 10);
        QTRY_VERIFY(controller->elapsedMs() > 0);

        QTest::keyClick(window, Qt::Key_Space); // pause
        QCOMPARE(controller->state(), taskscope::EngineController::State::Paused);
        QTest::keyClick(window, Qt::Key_N); // step
        QCOMPARE(controller->state(), taskscope::EngineController::State::Paused);
        QTest::keyClick(window, Qt::Key_Space); // resume
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), taskscope::EngineController::State::Finished, 10000);
        QCOMPARE(controller->metrics().value(QStringLiteral("completed")).toBool(), true);
        // Real threads on the real clock: at least the 300 ms of work, and not a timeout.
        const qlonglong elapsed = controller->metrics().value(QStringLiteral("elapsed_ms")).toLongLong();
        QVERIFY2(elapsed >= 300 && elapsed < 5000, qPrintable(QString::number(elapsed)));

        QTemporaryDir pictures;
        const QString png = pictures.filePath(QStringLiteral("window.png"));
        QCOMPARE(controller->saveWindowImage(window, png), png);
        QImage saved(png);
        QVERIFY(!saved.isNull() && saved.width() >= 900);

        QTest::keyClick(window, Qt::Key_R); // reset
        QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
        QCOMPARE(controller->taskModel()->rowCount(), 0);
        QCOMPARE(controller->eventLog()->rowCount(), 0);
        QTRY_COMPARE(timeline->sliceCount(), 0);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestMainQml)
#include "tst_mainqml.moc"
