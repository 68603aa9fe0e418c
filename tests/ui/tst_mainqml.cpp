// Smoke test: Main.qml loads from the module headless, renders, and prints no QML warning.

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <algorithm>
#include <QPointer>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSignalSpy>
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
#include "models/taskfilterproxymodel.h"
#endif

#include <QQmlEngine>

#include "qtwarnings.h"
#include "savefaults.h"

namespace {

using taskscope::test::FileSizeLimit;
using taskscope::test::ReadOnlyFolder;
using taskscope::test::recordMessage;
using taskscope::test::s_messages;
using taskscope::test::s_previousHandler;

} // namespace

/// Whether a visible item under @p item (in the visual tree: views' delegates have no QObject
/// parent) shows text containing @p text.
/// The visible item under @p item whose text is exactly @p text, or nothing.
static QQuickItem *itemWithText(QQuickItem *item, const QString &text)
{
    if (!item->isVisible())
        return nullptr;
    if (item->property("text").toString() == text && item->property("checkable").isValid())
        return item;
    for (QQuickItem *child : item->childItems()) {
        if (QQuickItem *found = itemWithText(child, text))
            return found;
    }
    return nullptr;
}

static bool showsText(QQuickItem *item, const QString &text)
{
    if (!item->isVisible())
        return false;
    // contentWidth comes from the laid-out text: a QML property that merely shadows `text` has
    // the words but draws nothing.
    if (item->property("text").toString().contains(text) && item->property("contentWidth").toDouble() > 0)
        return true;
    const QList<QQuickItem *> children = item->childItems();
    return std::any_of(children.begin(), children.end(), [&text](QQuickItem *child) { return showsText(child, text); });
}

/// Waits for @p window to render a frame started after this call.
bool waitForFrame(QQuickWindow *window)
{
    QSignalSpy swapped(window, &QQuickWindow::frameSwapped);
    window->update();
    return swapped.wait(20000);
}

class TestMainQml : public QObject
{
    Q_OBJECT

private:
    /// Walks the sidebar from the top with the window-wide shortcut (Alt+Up to the top, then
    /// Alt+Down row by row) and calls @p visit on each pattern that runs a scenario, once its
    /// page is on screen. Adds the scenarios visited to @p ran; a failure inside stops the walk.
    template<typename Visit>
    void walkScenarios(QQuickWindow *window, QStringList *ran, Visit visit)
    {
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *patterns = window->findChild<taskscope::PatternListModel *>();
        QVERIFY(controller && patterns);
        for (int i = 0; i < patterns->rowCount(); ++i)
            QTest::keyClick(window, Qt::Key_Up, Qt::AltModifier);
        for (int row = 0; row < patterns->rowCount(); ++row) {
            if (row > 0)
                QTest::keyClick(window, Qt::Key_Down, Qt::AltModifier);
            const QString title = patterns->data(patterns->index(row), taskscope::PatternListModel::TitleRole).toString();
            QTRY_COMPARE(window->title(), QStringLiteral("Taskscope — %1").arg(title));
            if (!controller->hasScenario())
                continue;
            *ran << controller->scenarioId();
            visit();
            if (QTest::currentTestFailed())
                return;
        }
    }

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
        for (int frame = 0; frame < 3; ++frame)
            QVERIFY(waitForFrame(window));
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

    /// The Code tab scrolls to the line where tasks wait, but only while it is shown: behind
    /// another tab, positioning the listing built its delegates anyway, and at the start of
    /// every run that held the GUI thread for 25–50 ms.
    void theCodeTabFollowsTheAwaitedLineOnlyWhileShown()
    {
        QQmlApplicationEngine engine;
        const QVariantMap parameters{{"clients", 4}, {"ops_per_client", 100000}, {"handle_us", 10}};
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "actor"}, {"initialParameters", parameters}}));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *listing = window->findChild<taskscope::SourceListing *>();
        auto *sourceView = window->findChild<QQuickItem *>(QStringLiteral("sourceView"));
        QVERIFY(controller && listing && sourceView);
        QVERIFY(!sourceView->isVisible());
        controller->run();
        QTRY_VERIFY(listing->firstAwaitingRow() >= 0);
        controller->pause();
        QTRY_COMPARE(controller->state(), taskscope::EngineController::State::Paused);
        const int row = listing->firstAwaitingRow();
        QVERIFY(row >= 0);
        // The awaited line lies below the listing's first screen, so following it scrolls.
        QVERIFY2(row > 40, qPrintable(QString::number(row)));
        QCOMPARE(sourceView->property("contentY").toDouble(), sourceView->property("originY").toDouble());

        window->findChild<QObject *>("bottomTabs")->setProperty("currentIndex", 4);
        QTRY_VERIFY(sourceView->isVisible());
        QQuickItem *line = nullptr;
        QTRY_VERIFY(QMetaObject::invokeMethod(sourceView, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, line), Q_ARG(int, row))
                    && line && line->isVisible());
        const QRectF shown = line->mapRectToItem(sourceView, QRectF(0, 0, line->width(), line->height()));
        QVERIFY2(shown.top() >= 0 && shown.bottom() <= sourceView->height(),
                 qPrintable(QStringLiteral("row %1 at %2–%3 of %4").arg(row).arg(shown.top()).arg(shown.bottom()).arg(sourceView->height())));

        // Scrolled away with Follow off, ticking Follow brings the line back.
        QObject *panel = sourceView;
        while (panel && !QByteArray(panel->metaObject()->className()).startsWith("CodePanel"))
            panel = panel->parent();
        QVERIFY(panel);
        QVERIFY(panel->setProperty("follow", false));
        const QPointer<QQuickItem> away = line; // the view may release it once scrolled off
        QMetaObject::invokeMethod(sourceView, "positionViewAtBeginning");
        QTRY_VERIFY(!away || !away->isVisible()
                    || away->mapRectToItem(sourceView, QRectF(0, 0, away->width(), away->height())).top() >= sourceView->height());
        QVERIFY(panel->setProperty("follow", true));
        QTRY_VERIFY(QMetaObject::invokeMethod(sourceView, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, line), Q_ARG(int, row))
                    && line && line->isVisible()
                    && line->mapRectToItem(sourceView, QRectF(0, 0, line->width(), line->height())).bottom() <= sourceView->height());
        controller->reset();
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

    void theVariantSelectorSwitchesSeedAndRobustOrShowsTheGuidesCode()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "pool"}}));
        QVERIFY(window);
        auto *controller = window->findChild<taskscope::EngineController *>();
        QVERIFY(controller);
        QTRY_COMPARE(controller->scenarioId(), QStringLiteral("connection-pool"));
        QQuickItem *selector = window->findChild<QQuickItem *>(QStringLiteral("variantSelector"));
        QVERIFY(selector);
        QTRY_VERIFY(selector->isVisible());
        QVERIFY(selector->isEnabled());
        QCOMPARE(selector->property("count").toInt(), 2);
        QCOMPARE(selector->property("currentText").toString(), controller->variant());

        // The actor ships one variant: the selector names it and cannot switch.
        controller->setScenarioId(QStringLiteral("actor"));
        QTRY_COMPARE(selector->property("count").toInt(), 1);
        QVERIFY(selector->isVisible());
        QVERIFY(!selector->isEnabled());
        QCOMPARE(selector->property("currentText").toString(), QStringLiteral("the guide's code"));
        QCOMPARE(controller->variant(), QStringLiteral("guide"));

        // Retry ships only its robust code, which is not the guide's: the selector says so.
        controller->setScenarioId(QStringLiteral("retry"));
        QTRY_COMPARE(selector->property("currentText").toString(), QStringLiteral("robust only"));
        QVERIFY(!selector->isEnabled());
        QCOMPARE(controller->variant(), QStringLiteral("robust"));
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
        QCOMPARE(controller->saveWindowImage(window, png), QString());
        QImage saved(png);
        QVERIFY(!saved.isNull() && saved.width() >= 900);

        // Ctrl+Shift+S asks where, then saves there.
        QTest::keyClick(window, Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        auto *pathField = window->findChild<QObject *>(QStringLiteral("screenshotPath"));
        QVERIFY(pathField);
        QTRY_VERIFY(pathField->property("text").toString().endsWith(QStringLiteral(".png")));
        const QString chosen = pictures.filePath(QStringLiteral("chosen.png"));
        pathField->setProperty("text", chosen);
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_VERIFY(QFile::exists(chosen));
        QVERIFY(QImage(chosen).width() >= 900);
        QTRY_COMPARE(window->property("statusMessage").toString(), QStringLiteral("Saved %1").arg(chosen));
        QTRY_VERIFY(!window->findChild<QObject *>(QStringLiteral("screenshotDialog"))->property("visible").toBool());

        QTest::keyClick(window, Qt::Key_R); // reset
        QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
        QCOMPARE(controller->taskModel()->rowCount(), 0);
        QCOMPARE(controller->eventLog()->rowCount(), 0);
        QTRY_COMPARE(timeline->sliceCount(), 0);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    /// Fault table, "the folder is read-only, or the disk full, when saving a PNG": the status
    /// line names the path and the reason, the PNG already there is left whole, nothing else
    /// is left behind, and the window goes on (it runs and resets).
    void aScreenshotThatCannotBeSavedSaysWhyKeepsTheOldFileAndTheWindowGoesOn()
    {
        const QByteArray before = "an older screenshot";
        ReadOnlyFolder folder(QStringLiteral("shot.png"), before);
        if (const QString why = folder.whyNot(); !why.isEmpty())
            QSKIP(qPrintable(why));
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        QVERIFY(controller);

        const QString shot = folder.filePath(QStringLiteral("shot.png"));
        QTest::keyClick(window, Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        auto *pathField = window->findChild<QObject *>(QStringLiteral("screenshotPath"));
        QVERIFY(pathField);
        QTRY_VERIFY(pathField->property("text").toString().endsWith(QStringLiteral(".png")));
        pathField->setProperty("text", shot);
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_VERIFY(window->property("statusMessage").toString().startsWith(QStringLiteral("cannot save %1: ").arg(shot)));
        QVERIFY2(window->property("statusMessage").toString().size() > QStringLiteral("cannot save %1: ").arg(shot).size(),
                 "no reason given");
        QFile kept(shot);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), before);
        QCOMPARE(folder.entries(), QStringList{QStringLiteral("shot.png")});

        // A full disk: the write fails part-way (see savefaults.h); the old file is whole.
        folder.makeWritable();
        {
            FileSizeLimit limit(64);
            QVERIFY(limit.isSet());
            const QString problem = controller->saveWindowImage(window, shot);
            QVERIFY2(problem.startsWith(QStringLiteral("cannot save %1: ").arg(shot)), qPrintable(problem));
        }
        QVERIFY(kept.seek(0));
        QCOMPARE(kept.readAll(), before);
        QCOMPARE(folder.entries(), QStringList{QStringLiteral("shot.png")});

        QTRY_VERIFY(!window->findChild<QObject *>(QStringLiteral("screenshotDialog"))->property("visible").toBool());
        QTest::keyClick(window, Qt::Key_Space); // run
        QTRY_VERIFY(controller->taskModel()->rowCount() > 0);
        QTest::keyClick(window, Qt::Key_R); // reset
        QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    /// Fault table, "a preset names a parameter this version lacks": the preset bar says what
    /// was left out, the rest applies.
    void aPresetFromANewerVersionAppliesAndTheBarNamesWhatWasLeftOut()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("newer.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"scenario": "actor", "parameters": {"clients": 3, "mailbox_policy": "drop-oldest"}})");
        file.close();
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        auto *controller = window->findChild<taskscope::EngineController *>();
        QVERIFY(controller);
        QTRY_VERIFY(window->findChild<QObject *>(QStringLiteral("presetMessage")));
        auto *message = window->findChild<QObject *>(QStringLiteral("presetMessage"));
        QObject *bar = message->parent()->parent(); // the label, its row, the PresetBar
        // What the Load… dialog does with the file it was given.
        QVERIFY(QMetaObject::invokeMethod(bar, "apply", Q_ARG(QUrl, QUrl::fromLocalFile(path)),
                                          Q_ARG(QString, QStringLiteral("newer.json"))));
        QTRY_VERIFY(message->property("text").toString().contains(QStringLiteral("\"mailbox_policy\"")));
        QVERIFY(message->property("text").toString().startsWith(QStringLiteral("Loaded “newer.json”")));
        QVERIFY(bar->property("noted").toBool());
        QVERIFY(!bar->property("failed").toBool());
        QCOMPARE(controller->scenarioId(), QStringLiteral("actor"));
        QCOMPARE(controller->effectiveParameters().value(QStringLiteral("clients")).toInt(), 3);
        QCOMPARE(controller->presetNotes().size(), 1);
        QVERIFY2(controller->presetNotes().constFirst().contains(QStringLiteral("\"mailbox_policy\"")),
                 qPrintable(controller->presetNotes().constFirst()));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void everyScenarioRunsPausesStepsAndResetsFromTheWindow()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *timeline = window->findChild<taskscope::TimelineItem *>();
        QVERIFY(controller && timeline);

        // Deterministic (one worker, virtual clock): on real workers a poll inside simulated
        // CPU work (busyFor) is held by the paused clock, so the pause never settles.
        controller->setDeterministic(true);
        QStringList ran;
        QStringList paused;
        walkScenarios(window, &ran, [&] {
            QTest::keyClick(window, Qt::Key_Space); // run
            QTRY_VERIFY2(controller->taskModel()->rowCount() > 0, qPrintable(controller->scenarioId()));
            QTRY_VERIFY2(timeline->sliceCount() > 0, qPrintable(controller->scenarioId()));
            if (controller->state() == taskscope::EngineController::State::Running) {
                QTest::keyClick(window, Qt::Key_Space); // pause
                // A short scenario may end between the check above and the key: a frame's drain
                // inside keyClick then reports Finished, which is right, and there is nothing to pause.
                if (controller->state() == taskscope::EngineController::State::Finished) {
                    QTest::keyClick(window, Qt::Key_R);
                    QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
                    return;
                }
                QCOMPARE(controller->state(), taskscope::EngineController::State::Paused);
                paused << controller->scenarioId();
                // Settling waits for the poll under way to end: seconds when the machine is busy.
                // That poll may be the scenario's last (a short one, such as stream-pipeline's):
                // the run is then Finished, which is right, and there is nothing left to step.
                QTRY_VERIFY2_WITH_TIMEOUT(controller->isSettled()
                                              || controller->state() == taskscope::EngineController::State::Finished,
                                          qPrintable(controller->scenarioId()), 60000);
                if (controller->state() == taskscope::EngineController::State::Finished) {
                    QTest::keyClick(window, Qt::Key_R);
                    QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
                    return;
                }
                controller->drain(); // what ran up to the pause
                const double pausedAt = controller->elapsedMs();
                for (int frame = 0; frame < 3; ++frame) // frames come and go; the clock is frozen
                    QVERIFY(waitForFrame(window));
                controller->drain();
                QCOMPARE(controller->elapsedMs(), pausedAt);
                QTest::keyClick(window, Qt::Key_Right); // step
                // One poll runs; it may be the scenario's last one.
                QVERIFY2(controller->state() == taskscope::EngineController::State::Paused
                             || controller->state() == taskscope::EngineController::State::Finished,
                         qPrintable(controller->scenarioId()));
            }
            QTest::keyClick(window, Qt::Key_R); // reset
            QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
            QCOMPARE(controller->taskModel()->rowCount(), 0);
            QTRY_COMPARE(timeline->sliceCount(), 0);
        });
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(ran.size(), int(taskscope::ScenarioCatalog::ids().size()));
        QVERIFY2(!paused.isEmpty(), "no scenario was still running when paused");
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void aTaskClickedInTheTableFillsTheDetailPane()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "actor"}}));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *proxy = window->findChild<taskscope::TaskFilterProxyModel *>();
        QVERIFY(controller && proxy);
        controller->run();
        QTRY_COMPARE(controller->state(), taskscope::EngineController::State::Finished);
        QTRY_VERIFY(proxy->rowCount() > 0);
        proxy->sortBy(taskscope::TaskTableModel::Polls);
        proxy->sortBy(taskscope::TaskTableModel::Polls); // most polls first
        controller->setSelectedTask(proxy->taskIdAt(0));
        const QVariantMap detail = controller->taskDetail();
        QVERIFY(detail.value(QStringLiteral("polls")).toInt() > 0);
        QCOMPARE(detail.value(QStringLiteral("pollHistogram")).toList().size(),
                 taskscope::EngineController::histogramLabels().size());
        auto *timeline = window->findChild<taskscope::TimelineItem *>();
        QTRY_COMPARE(timeline->selectedTask(), controller->selectedTask()); // outlined on the timeline too

        // The polls are painted (the software backend draws no geometry nodes: the item falls
        // back to QPainter there): zoomed to the run, the timeline shows the tasks' colours.
        const auto &slices = controller->timeline().slices();
        QVERIFY(!slices.empty());
        const std::int64_t firstStart = slices.front().startNs, lastEnd = slices.back().endNs;
        timeline->setWindowSeconds(double(lastEnd - firstStart) / 1e9);
        timeline->setPanSeconds(double(controller->timeline().latestNs() - lastEnd) / 1e9);
        QVERIFY(waitForFrame(window));
        const QImage frame = window->grabWindow();
        QVERIFY(!frame.isNull());
        const QRect area = timeline->mapRectToScene(QRectF(0, 0, timeline->width(), timeline->height())).toRect();
        QSet<QRgb> taskColours;
        for (std::uint64_t task = 1; task <= 16; ++task)
            taskColours.insert(taskscope::TimelineData::colorOf(task).rgb());
        int painted = 0;
        for (int y = area.top(); y < area.bottom(); ++y) {
            for (int x = area.left(); x < area.right(); ++x)
                painted += taskColours.contains(frame.pixel(x * frame.width() / window->width(), y * frame.height() / window->height()) | 0xff000000u);
        }
        QVERIFY2(painted > area.width() * area.height() / 50, qPrintable(QString::number(painted)));

        // Behind another tab the log's view holds no rows (it made and dropped delegates there);
        // the Events tab shows the log in words.
        auto *logView = window->findChild<QQuickItem *>(QStringLiteral("eventLogView"));
        QVERIFY(logView);
        QVERIFY(controller->eventLog()->rowCount() > 0);
        QCOMPARE(logView->property("count").toInt(), 0);
        window->findChild<QObject *>("bottomTabs")->setProperty("currentIndex", 2);
        QTRY_VERIFY(logView->property("count").toInt() > 0);
        QTRY_VERIFY(showsText(window->contentItem(), QStringLiteral(" completed")));

        // Unticking "Polls" hides both poll kinds from the log.
        QQuickItem *polls = nullptr;
        QTRY_VERIFY((polls = itemWithText(window->contentItem(), QStringLiteral("Polls"))));
        QTest::mouseClick(window, Qt::LeftButton, {}, polls->mapToScene(QPointF(polls->width() / 2, polls->height() / 2)).toPoint());
        const QStringList hidden = controller->eventLog()->hiddenKinds();
        QVERIFY2(hidden.contains(QStringLiteral("poll-start")) && hidden.contains(QStringLiteral("poll-end")),
                 qPrintable(hidden.join(QLatin1Char(','))));
        QVERIFY(!hidden.contains(QStringLiteral("wake")));
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void parameterValuesAreRememberedPerScenario()
    {
        {
            QQmlApplicationEngine engine;
            auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "actor"}}));
            QVERIFY(window);
            auto *controller = window->findChild<taskscope::EngineController *>();
            QVERIFY(controller);
            QTRY_COMPARE(controller->scenarioId(), QStringLiteral("actor"));
            QVERIFY(controller->setParameter(QStringLiteral("clients"), 3));
            QTest::keyClick(window, Qt::Key_Down, Qt::AltModifier); // the next scenario starts clean
            QTRY_VERIFY(controller->scenarioId() != QStringLiteral("actor"));
            QVERIFY(!controller->parameters().contains(QStringLiteral("clients")));
        }
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "actor"}}));
        QVERIFY(window);
        auto *controller = window->findChild<taskscope::EngineController *>();
        QTRY_COMPARE(controller->scenarioId(), QStringLiteral("actor"));
        QCOMPARE(controller->effectiveParameters().value(QStringLiteral("clients")).toInt(), 3);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void aDeterministicRunIsPacedAndWatchable()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "tracing"}}));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *timeline = window->findChild<taskscope::TimelineItem *>();
        QVERIFY(controller && timeline);
        controller->setDeterministic(true);
        controller->setSpeed(0.05); // 100 ms of virtual time take 2 s to watch
        QElapsedTimer wall;
        wall.start();
        controller->run();
        QCOMPARE(controller->workerNames().size(), 1); // one worker
        QTRY_VERIFY(timeline->sliceCount() > 0); // the tasks' first polls, at virtual t = 0
        // Paced by the speed: virtual time never runs ahead of 0.05 × the wall time since the
        // start, so the clock waits 2 s before it jumps to the tasks' 100 ms timers, instead of
        // jumping at once. Checked at every frame for a while, however long the frames take.
        for (int frame = 0; frame < 10; ++frame) {
            QVERIFY(waitForFrame(window));
            const double elapsedMs = controller->elapsedMs();
            const double bound = 0.05 * double(wall.elapsed());
            QVERIFY2(elapsedMs <= bound, qPrintable(QStringLiteral("%1 ms of virtual time after %2 ms of wall time").arg(elapsedMs).arg(wall.elapsed())));
        }
        controller->pause();
        // Stepping runs the remaining polls one by one, then advances to the next timer.
        for (int i = 0; i < 500 && controller->elapsedMs() < 100; ++i) {
            controller->step();
            QTRY_VERIFY(controller->isSettled());
            controller->drain();
        }
        QCOMPARE(controller->elapsedMs(), 100.0);
        QCOMPARE(controller->state(), taskscope::EngineController::State::Paused);
        controller->reset();
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void everyScenarioSurvivesResizingWhileItRuns()
    {
        // Relayouts while pages rebuild their items: a Repeater re-creating delegates inside a
        // layout once crashed one of these (the actor page's counts).
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        QVERIFY(controller);
        const QList<QSize> sizes = {{1280, 800}, {1600, 1000}, {1024, 700}, {1920, 1080}};
        int resized = 0;
        QStringList ran;
        walkScenarios(window, &ran, [&] {
            controller->setProperty("speed", 4.0);
            controller->run();
            for (int frame = 0; frame < 16 && controller->state() == taskscope::EngineController::State::Running; ++frame) {
                window->resize(sizes[resized++ % sizes.size()]);
                QTest::qWait(16);
            }
            controller->reset();
            QCOMPARE(controller->state(), taskscope::EngineController::State::Idle);
        });
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(ran.size(), int(taskscope::ScenarioCatalog::ids().size()));
        QVERIFY(resized > 0);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void onA1280PixelProjectorTheToolbarStaysOneRowWhileTheActorRuns()
    {
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine, {{"initialPatternId", "actor"}}));
        QVERIFY(window);
        QVERIFY(QTest::qWaitForWindowExposed(window));
        auto *controller = window->findChild<taskscope::EngineController *>();
        auto *toolBar = window->findChild<QQuickItem *>(QStringLiteral("runToolBar"));
        QVERIFY(controller && toolBar);
        window->resize(1600, 1000);
        QTRY_COMPARE(toolBar->width(), 1600.0);
        QVERIFY(!toolBar->property("compact").toBool());
        const qreal oneRow = toolBar->height();
        window->resize(1280, 800);
        QTRY_COMPARE(toolBar->width(), 1280.0);
        QVERIFY(toolBar->property("compact").toBool());
        QCOMPARE(toolBar->height(), oneRow);
        // The status text grows as the run goes on; the bar must not wrap (nor flicker between
        // one row and two, which re-lays the whole window out every frame).
        controller->setProperty("speed", 4.0);
        controller->run();
        for (int frame = 0; frame < 40 && controller->state() == taskscope::EngineController::State::Running; ++frame) {
            QTest::qWait(10);
            QCOMPARE(toolBar->height(), oneRow);
        }
        QTRY_COMPARE(controller->state(), taskscope::EngineController::State::Finished);
        QCOMPARE(toolBar->height(), oneRow);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }

    void fontScaleAndThemeChangeFromTheKeyboardAndTheToolbarAndPersist()
    {
        {
            QQmlApplicationEngine engine;
            auto *window = qobject_cast<QQuickWindow *>(load(engine));
            QVERIFY(window);
            QVERIFY(QTest::qWaitForWindowExposed(window));
            QObject *theme = window->property("theme").value<QObject *>();
            QVERIFY(theme);
            QCOMPARE(theme->property("fontScale").toDouble(), 1.0);
            QTest::keyClick(window, Qt::Key_Plus, Qt::ControlModifier);
            QTest::keyClick(window, Qt::Key_Equal, Qt::ControlModifier); // the same key without Shift
            QVERIFY(qAbs(theme->property("fontScale").toDouble() - 1.15 * 1.15) < 1e-6);
            QTest::keyClick(window, Qt::Key_Minus, Qt::ControlModifier);
            QVERIFY(qAbs(theme->property("fontScale").toDouble() - 1.15) < 1e-6);
            QCOMPARE(window->property("themeChoice").toString(), QStringLiteral("system"));
            window->setProperty("themeChoice", QStringLiteral("dark"));
            QTRY_VERIFY(theme->property("dark").toBool());
            window->setProperty("themeChoice", QStringLiteral("light"));
            QTRY_VERIFY(!theme->property("dark").toBool());
            QVERIFY(waitForFrame(window));
            QVERIFY(!window->grabWindow().isNull());
        }
        QQmlApplicationEngine engine;
        auto *window = qobject_cast<QQuickWindow *>(load(engine));
        QVERIFY(window);
        QObject *theme = window->property("theme").value<QObject *>();
        QVERIFY(qAbs(theme->property("fontScale").toDouble() - 1.15) < 1e-6);
        QCOMPARE(window->property("themeChoice").toString(), QStringLiteral("light"));
        QTest::keyClick(window, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(theme->property("fontScale").toDouble(), 1.0);
        QTest::keyClick(window, Qt::Key_F11);
        QTRY_COMPARE(window->visibility(), QWindow::FullScreen);
        QTest::keyClick(window, Qt::Key_F11);
        QTRY_VERIFY(window->visibility() != QWindow::FullScreen);
        QVERIFY2(s_messages.isEmpty(), qPrintable(s_messages.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestMainQml)
#include "tst_mainqml.moc"
