#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#endif

using namespace taskscope;

class TestEngineController : public QObject
{
    Q_OBJECT

private slots:
    void aLiveParameterReachesTheRunningScenarioAndTheOthersWaitForReset()
    {
        // The seed breaker, one caller, a downstream that always fails: without the live
        // change no call could succeed. Virtual time paced at 4× wall time: 2 s of run in 0.5 s.
        EngineController controller;
        controller.setScenarioId(QStringLiteral("circuit-breaker"));
        controller.setVariant(QStringLiteral("seed"));
        controller.setDeterministic(true);
        controller.setSpeed(EngineController::maxSpeed);
        QVERIFY(controller.setParameter(QStringLiteral("downstream_failure_rate"), 1.0));
        QVERIFY(controller.setParameter(QStringLiteral("callers"), 1));
        QVERIFY(controller.setParameter(QStringLiteral("duration_ms"), 2000));
        controller.run();
        QCOMPARE(controller.state(), EngineController::State::Running);
        QCOMPARE(controller.parametersPending(), false);

        QSignalSpy pending(&controller, &EngineController::parametersPendingChanged);
        QVERIFY(controller.setParameter(QStringLiteral("downstream_failure_rate"), 0.0));
        QCOMPARE(controller.parametersPending(), false); // applied now, not on Reset
        QVERIFY(controller.setParameter(QStringLiteral("callers"), 3));
        QCOMPARE(controller.parametersPending(), true); // applies on Reset
        QVERIFY(pending.count() >= 1);

        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 30000);
        const QVariantMap metrics = controller.metrics();
        QVERIFY2(metrics.value(QStringLiteral("successes")).toLongLong() > 0,
                 qPrintable(QStringLiteral("%1 successes, %2 failures")
                                .arg(metrics.value(QStringLiteral("successes")).toLongLong())
                                .arg(metrics.value(QStringLiteral("failures")).toLongLong())));
        // Still one caller: callers=3 waits for the next run. One caller every ≥ 50 ms makes
        // at most 2000 / 50 + 1 calls.
        QVERIFY(metrics.value(QStringLiteral("calls")).toLongLong() <= 41);
    }

    void anInvalidLiveValueIsRefusedAndNotForwarded()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("circuit-breaker"));
        QVERIFY(!controller.setParameter(QStringLiteral("downstream_failure_rate"), 1.5));
        QVERIFY(controller.errorText().contains(QStringLiteral("downstream_failure_rate")));
        QCOMPARE(controller.effectiveParameters().value(QStringLiteral("downstream_failure_rate")).toDouble(), 0.5);
    }
};

QTEST_GUILESS_MAIN(TestEngineController)
#include "tst_enginecontroller.moc"
