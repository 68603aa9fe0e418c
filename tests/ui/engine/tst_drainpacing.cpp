#include <QQuickWindow>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#endif

using namespace taskscope;

/// What paces the drains: a timer at display rate, or, with a frame window, that window's
/// frames (a drain right after each sync), with the timer standing in when no frame comes.
class TestDrainPacing : public QObject
{
    Q_OBJECT

private:
    /// A long deterministic run (slow motion), so it is still going when the test looks.
    static void startLongRun(EngineController &controller)
    {
        controller.setScenarioId(QStringLiteral("actor"));
        controller.setDeterministic(true);
        controller.setSpeed(EngineController::minSpeed);
        controller.run();
    }

private slots:
    void aFrameOfTheWindowDrainsOnceItsSyncLetsGo()
    {
        EngineController controller;
        QQuickWindow window; // never shown: its frames are the signals emitted below
        QSignalSpy windowSet(&controller, &EngineController::frameWindowChanged);
        controller.setFrameWindow(&window);
        QCOMPARE(windowSet.count(), 1);
        QCOMPARE(controller.frameWindow(), &window);
        startLongRun(controller);
        QSignalSpy drains(&controller, &EngineController::frameUpdated);

        // Queued: nothing while the sync holds this thread, the drain when it lets go.
        emit window.afterSynchronizing();
        QCOMPARE(drains.count(), 0);
        QCoreApplication::sendPostedEvents(&controller, QEvent::MetaCall); // only queued calls, no timers
        QCOMPARE(drains.count(), 1);

        // Without a frame window the frames drain nothing.
        controller.setFrameWindow(nullptr);
        QCOMPARE(windowSet.count(), 2);
        emit window.afterSynchronizing();
        QCoreApplication::sendPostedEvents(&controller, QEvent::MetaCall);
        QCOMPARE(drains.count(), 1);
        controller.reset();
    }

    void noFrameNoDrainTooLongTheTimerStandsIn()
    {
        // A window that draws nothing (hidden, minimized) must not freeze the views.
        EngineController controller;
        QQuickWindow window;
        controller.setFrameWindow(&window);
        startLongRun(controller);
        QSignalSpy drains(&controller, &EngineController::frameUpdated);
        QTRY_VERIFY_WITH_TIMEOUT(drains.count() >= 2, 5000);
        controller.reset();
    }

    void aFrameWindowThatGoesAwayIsForgotten()
    {
        EngineController controller;
        QSignalSpy windowSet(&controller, &EngineController::frameWindowChanged);
        {
            QQuickWindow window;
            controller.setFrameWindow(&window);
        }
        QCOMPARE(controller.frameWindow(), nullptr);
        QCOMPARE(windowSet.count(), 2);
        startLongRun(controller);
        QSignalSpy drains(&controller, &EngineController::frameUpdated);
        QTRY_VERIFY_WITH_TIMEOUT(drains.count() >= 1, 5000); // the timer drains
        controller.reset();
    }
};

QTEST_MAIN(TestDrainPacing)
#include "tst_drainpacing.moc"
