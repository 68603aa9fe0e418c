#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "models/tasktablemodel.h"
#include "scenarios/scenario.h"
#endif

using namespace taskscope;

// Reset in the GUI, mid-run, for every scenario of the catalogue on four real workers.
//
// EngineController::stopRun tears a run down in this order, and each step relies on the one
// before it:
//  1. the frame timer stops (no drain reads the recorder while it goes);
//  2. the root's JoinHandle is dropped (it detaches: the root keeps running until step 4);
//  3. the trace sink is unset, so what the workers record from now on goes nowhere;
//  4. the runtime is destroyed: its workers finish their polls and stop, then every frame
//     left is destroyed on this thread. The scenario's root frame holds `ScenarioContext &`
//     and its children may read the context's live parameters (through shared LiveValues),
//     so the context must still be there: it is;
//  5. the context goes, then the recorder (no worker is left to write into it).
// Destroying the runtime before the context (member order m_recorder, m_context, m_runtime
// gives the same order in ~EngineController) is what keeps a frame from reading a freed
// context. The runs below go through that path with live parameters being changed too.

class TestEngineControllerReset : public QObject
{
    Q_OBJECT

private slots:
    void resetMidRunStopsEveryScenarioCleanly_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("variant");
        for (const auto &scenario : ScenarioCatalog::all()) {
            for (const QString &variant : scenario->variants())
                QTest::newRow(qPrintable(scenario->id() + QLatin1Char('/') + variant)) << scenario->id() << variant;
        }
    }

    void resetMidRunStopsEveryScenarioCleanly()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, variant);
        const Scenario *found = ScenarioCatalog::find(scenario);
        QVERIFY(found);
        EngineController controller;
        controller.setScenarioId(scenario);
        controller.setVariant(variant);
        controller.setDeterministic(false);
        controller.setWorkers(4);
        if (found->parameter(QStringLiteral("transport")))
            QVERIFY(controller.setParameter(QStringLiteral("transport"), QStringLiteral("simulated")));
        QStringList live;
        for (const ParameterSpec &spec : found->parameters()) {
            if (spec.live)
                live << spec.name;
        }

        // Reset at once, a few milliseconds in, and later: the frame timer drains meanwhile.
        for (int waitMs : {0, 1, 5, 20, 50}) {
            controller.run();
            QCOMPARE(controller.state(), EngineController::State::Running);
            QTest::qWait(waitMs);
            for (const QString &name : live) // a live change reaches the running tasks
                QVERIFY(controller.setParameter(name, waitMs % 2 ? 0.0 : 1.0));
            controller.drain();
            controller.reset();
            QCOMPARE(controller.state(), EngineController::State::Idle);
            QVERIFY(controller.metrics().isEmpty());
            QVERIFY(controller.errorText().isEmpty());
        }

        // Paused, then reset: the workers are parked and the clock stopped.
        controller.run();
        QTest::qWait(5);
        controller.pause();
        QCOMPARE(controller.state(), EngineController::State::Paused);
        controller.reset();
        QCOMPARE(controller.state(), EngineController::State::Idle);

        // And the controller goes with a run in progress (the window closes).
        controller.run();
        QTest::qWait(2);
        QCOMPARE(controller.state() == EngineController::State::Running
                     || controller.state() == EngineController::State::Finished,
                 true);
    }

    /// Fault table, "a pattern's task panics": each item task of the robust backpressure
    /// processor throws. The run ends; the table shows the tasks as panicked, the warnings
    /// name them and the JoinError their awaiter gets; Reset clears it and a new run goes.
    void aTaskThatPanicsShowsInTheTableAndTheWarningsAndResetWorks()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("backpressure"));
        controller.setVariant(QStringLiteral("robust"));
        controller.setDeterministic(false);
        QVERIFY(controller.setParameter(QStringLiteral("producer_rate_per_s"), 0.0));
        QVERIFY(controller.setParameter(QStringLiteral("items"), 6));
        QVERIFY(controller.setParameter(QStringLiteral("work_ms"), 5));
        QVERIFY(controller.setParameter(QStringLiteral("item_failure_rate"), 1.0));
        for (int round = 0; round < 2; ++round) {
            controller.run();
            QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 20000);
            controller.drain();
            QCOMPARE(controller.metrics().value(QStringLiteral("panics_reported")).toInt(), 6);
            QVERIFY2(controller.errorText().isEmpty(), qPrintable(controller.errorText()));
            int panicked = 0;
            const TaskTableModel *table = controller.taskModel();
            for (int row = 0; row < table->rowCount(); ++row)
                panicked += table->data(table->index(row, 0), TaskTableModel::StateRole).toString() == QLatin1String("panicked");
            QCOMPARE(panicked, 6);
            const QStringList panics = controller.warnings().filter(QStringLiteral("panicked"));
            QCOMPARE(panics.size(), 1);
            QVERIFY2(panics.at(0).startsWith(QStringLiteral("6 tasks panicked (they threw): whoever awaits one gets a "
                                                            "JoinError")),
                     qPrintable(panics.at(0)));
            controller.reset();
            QCOMPARE(controller.state(), EngineController::State::Idle);
            QVERIFY(controller.warnings().isEmpty());
            QCOMPARE(controller.taskModel()->rowCount(), 0);
        }
    }

    /// The same when the scenario's own task throws (fan-out over http with no transport in
    /// this process): the error line gives the exception, the root task shows as panicked, and
    /// after Reset the scenario runs again with the simulated transport.
    void aScenarioWhoseRootTaskThrowsEndsWithItsErrorAndResetWorks()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("fan-out"));
        controller.setDeterministic(false);
        QVERIFY(controller.setParameter(QStringLiteral("transport"), QStringLiteral("http")));
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 20000);
        controller.drain();
        QVERIFY2(controller.errorText().contains(QStringLiteral("transport=http needs the real HTTP transport")),
                 qPrintable(controller.errorText()));
        QVERIFY2(controller.warnings().filter(QStringLiteral("(fan-out) panicked (it threw)")).size() == 1,
                 qPrintable(controller.warnings().join(QLatin1Char('\n'))));
        controller.reset();
        QVERIFY(controller.errorText().isEmpty());
        QVERIFY(controller.setParameter(QStringLiteral("transport"), QStringLiteral("simulated")));
        QVERIFY(controller.setParameter(QStringLiteral("base_delay_ms"), 10));
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 20000);
        QVERIFY2(controller.errorText().isEmpty(), qPrintable(controller.errorText()));
        QCOMPARE(controller.metrics().value(QStringLiteral("errors")).toInt(), 0);
    }
};

QTEST_MAIN(TestEngineControllerReset)
#include "tst_enginecontrollerreset.moc"
