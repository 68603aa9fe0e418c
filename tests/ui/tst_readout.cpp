#include <QQmlComponent>
#include <QQmlEngine>
#include <QTest>

#include <memory>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "uimodule.h"
#endif

using namespace taskscope;

/// Readout.qml: the numbers a page prints follow their live value at once while no run goes,
/// and while one does only when the controller says readouts are due.
class TestReadout : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QObject> makeReadout(QQmlEngine &engine, EngineController *controller)
    {
        QQmlComponent component(&engine);
        component.setData("import Taskscope\nReadout { live: 1 }", QUrl());
        std::unique_ptr<QObject> readout(component.create());
        if (!readout)
            qWarning() << component.errors();
        else if (controller)
            readout->setProperty("controller", QVariant::fromValue(controller));
        return readout;
    }

private slots:
    void withoutAControllerTheValueFollowsAtOnce()
    {
        QQmlEngine engine;
        setUpQmlEngine(engine);
        const auto readout = makeReadout(engine, nullptr);
        QVERIFY(readout);
        QCOMPARE(readout->property("value").toInt(), 1);
        readout->setProperty("live", 2);
        QCOMPARE(readout->property("value").toInt(), 2);
        QCOMPARE(readout->property("paced").toBool(), false);
    }

    void whileARunGoesTheValueWaitsForTheReadoutsDue()
    {
        QQmlEngine engine;
        setUpQmlEngine(engine);
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        controller.setDeterministic(true);
        controller.setSpeed(EngineController::minSpeed); // a long run: it is still going below
        const auto readout = makeReadout(engine, &controller);
        QVERIFY(readout);

        // Idle: at once.
        readout->setProperty("live", 2);
        QCOMPARE(readout->property("value").toInt(), 2);

        // Running: held until the controller says readouts are due (no event loop runs here, so
        // no drain comes in between).
        controller.run();
        QCOMPARE(controller.state(), EngineController::State::Running);
        QCOMPARE(readout->property("paced").toBool(), true);
        readout->setProperty("live", 3);
        readout->setProperty("live", 4);
        QCOMPARE(readout->property("value").toInt(), 2);
        QVERIFY(QMetaObject::invokeMethod(&controller, "readoutsDue"));
        QCOMPARE(readout->property("value").toInt(), 4);
        readout->setProperty("live", 5);
        QCOMPARE(readout->property("value").toInt(), 4);

        // Paused: the latest value at once, and every change after it.
        controller.pause();
        QCOMPARE(controller.state(), EngineController::State::Paused);
        QCOMPARE(readout->property("value").toInt(), 5);
        readout->setProperty("live", 6);
        QCOMPARE(readout->property("value").toInt(), 6);
        controller.reset();
    }

    void whileRunningTheControllerCallsReadoutsAtTheSlowViewsPace()
    {
        // The controller's own drains: a readout falls behind by at most slowViewIntervalMs.
        QQmlEngine engine;
        setUpQmlEngine(engine);
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        controller.setDeterministic(true);
        controller.setSpeed(EngineController::minSpeed);
        const auto readout = makeReadout(engine, &controller);
        QVERIFY(readout);
        controller.run();
        readout->setProperty("live", 7);
        QCOMPARE(readout->property("value").toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(readout->property("value").toInt(), 7, 5000);
        controller.reset();
    }
};

QTEST_MAIN(TestReadout)
#include "tst_readout.moc"
