// The engine controller driving fan-out over real HTTP when the embedded server goes away
// under the run (fault table, "the embedded HTTP server stops in the middle of a fan-out run").
// Engine-level neighbours in tst_http: stoppingTheIoThreadEndsRequestsInFlightWithAnError (one
// request in flight) and aStoppedTransportFailsTheRunWithItsReason (stopped before the run).

#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "net/networkhttptransport.h"
#endif

using namespace taskscope;

class TestEngineControllerHttp : public QObject
{
    Q_OBJECT

private slots:
    void theServerStoppingMidFanOutEndsTheRunWithTheUnansweredAsErrors()
    {
        const HttpTransportInstallation http = installHttpTransport();
        EngineController controller;
        controller.setScenarioId(QStringLiteral("fan-out"));
        controller.setVariant(QStringLiteral("robust"));
        controller.setDeterministic(false);
        QVERIFY(controller.setParameter(QStringLiteral("transport"), QStringLiteral("http")));
        QVERIFY(controller.setParameter(QStringLiteral("requests"), 6));
        // Answers due at 0.4, 0.8 … 2.4 s: the server goes at 1 s, with most still to come.
        QVERIFY(controller.setParameter(QStringLiteral("base_delay_ms"), 400));
        controller.run();
        QTest::qWait(1000);
        QCOMPARE(controller.state(), EngineController::State::Running);
        http.transport().stop();
        // Nothing hangs: every request still out ends with an error at once.
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 10000);
        QVERIFY2(controller.errorText().isEmpty(), qPrintable(controller.errorText()));
        const QVariantMap metrics = controller.metrics();
        const QVariantList statuses = metrics.value(QStringLiteral("statuses")).toList();
        QCOMPARE(statuses.size(), 6);
        int unanswered = 0;
        for (const QVariant &status : statuses)
            unanswered += status.toInt() == 0;
        QCOMPARE(metrics.value(QStringLiteral("errors")).toInt(), unanswered);
        QVERIFY2(unanswered >= 3, qPrintable(QStringLiteral("%1 of 6 unanswered").arg(unanswered)));
        QCOMPARE(statuses.constLast().toInt(), 0); // due at 2.4 s
        QVERIFY2(metrics.value(QStringLiteral("total_ms")).toLongLong() < 2400,
                 qPrintable(metrics.value(QStringLiteral("total_ms")).toString()));
        QCOMPARE(metrics.value(QStringLiteral("completion_order")).toList().size(), 6);

        // The window goes on: Reset, and a run on the simulated transport.
        controller.reset();
        QCOMPARE(controller.state(), EngineController::State::Idle);
        QVERIFY(controller.setParameter(QStringLiteral("transport"), QStringLiteral("simulated")));
        QVERIFY(controller.setParameter(QStringLiteral("base_delay_ms"), 10));
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), EngineController::State::Finished, 10000);
        QCOMPARE(controller.metrics().value(QStringLiteral("errors")).toInt(), 0);
    }
};

QTEST_MAIN(TestEngineControllerHttp)
#include "tst_enginecontrollerhttp.moc"
