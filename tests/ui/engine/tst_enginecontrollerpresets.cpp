#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#endif

using namespace taskscope;

class TestEngineControllerPresets : public QObject
{
    Q_OBJECT

private slots:
    void theShippedPresetsOfTheScenarioAreOffered()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        const QVariantList presets = controller.presets();
        QVERIFY(presets.size() >= 2);
        QStringList titles;
        for (const QVariant &preset : presets) {
            const QVariantMap entry = preset.toMap();
            titles << entry.value(QStringLiteral("title")).toString();
            QVERIFY(!entry.value(QStringLiteral("description")).toString().isEmpty());
            QVERIFY(entry.value(QStringLiteral("url")).toUrl().toString().startsWith(
                QStringLiteral("qrc:/Taskscope/presets/actor/")));
        }
        QVERIFY(titles.contains(QStringLiteral("Mailbox too small")));

        controller.setScenarioId(QStringLiteral("not-yet-a-scenario"));
        QVERIFY(controller.presets().isEmpty());
    }

    void loadingAShippedPresetSetsScenarioVariantAndParameters()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        QVERIFY(controller.setParameter(QStringLiteral("key_space"), 3));
        QSignalSpy applied(&controller, &EngineController::presetApplied);

        // A preset of another scenario switches to it; left-out parameters take defaults.
        QCOMPARE(controller.loadPreset(QUrl(QStringLiteral("qrc:/Taskscope/presets/rate-limiter/seed-under-contention.json"))),
                 QString());
        QCOMPARE(controller.scenarioId(), QStringLiteral("rate-limiter"));
        QCOMPARE(controller.variant(), QStringLiteral("seed"));
        QCOMPARE(controller.effectiveParameters().value(QStringLiteral("clients")).toInt(), 32);
        QCOMPARE(controller.effectiveParameters().value(QStringLiteral("refill_per_s")).toInt(), 1000);
        QVERIFY(!controller.parameters().contains(QStringLiteral("key_space")));
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.at(0).at(0).toString(), QStringLiteral("rate-limiter"));
    }

    void aRejectedPresetChangesNothing()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("broken.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"scenario": "connection-pool", "variant": "seed", "parameters": {"pool_size": 0}})");
        file.close();

        EngineController controller;
        controller.setScenarioId(QStringLiteral("actor"));
        QVERIFY(controller.setParameter(QStringLiteral("clients"), 7));
        QSignalSpy parametersChanged(&controller, &EngineController::parametersChanged);
        QSignalSpy scenarioChanged(&controller, &EngineController::scenarioIdChanged);

        QCOMPARE(controller.loadPreset(QUrl::fromLocalFile(path)),
                 QStringLiteral("preset broken.json: parameter pool_size = \"0\" is not valid: expected an "
                                "integer 1–1000 connections"));
        QCOMPARE(controller.scenarioId(), QStringLiteral("actor"));
        QCOMPARE(controller.variant(), QStringLiteral("guide"));
        QCOMPARE(controller.parameters(), (QVariantMap{{QStringLiteral("clients"), 7LL}}));
        QCOMPARE(parametersChanged.count(), 0);
        QCOMPARE(scenarioChanged.count(), 0);
    }

    void whatIsSavedLoadsBackIntoAnotherController()
    {
        QTemporaryDir directory;
        const QUrl url = QUrl::fromLocalFile(directory.filePath(QStringLiteral("mine.json")));
        EngineController first;
        first.setScenarioId(QStringLiteral("connection-pool"));
        first.setVariant(QStringLiteral("seed"));
        QVERIFY(first.setParameter(QStringLiteral("pool_size"), 2));
        QVERIFY(first.setParameter(QStringLiteral("hold_ms"), 35));
        QCOMPARE(first.savePreset(url), QString());

        EngineController second;
        second.setScenarioId(QStringLiteral("runtime"));
        QCOMPARE(second.loadPreset(url), QString());
        QCOMPARE(second.scenarioId(), QStringLiteral("connection-pool"));
        QCOMPARE(second.variant(), QStringLiteral("seed"));
        QCOMPARE(second.effectiveParameters(), first.effectiveParameters());
    }

    void aVariantTheScenarioLacksIsSavedAsItsOwn()
    {
        QTemporaryDir directory;
        const QUrl url = QUrl::fromLocalFile(directory.filePath(QStringLiteral("tracing.json")));
        EngineController controller;
        controller.setScenarioId(QStringLiteral("tracing"));
        controller.setVariant(QStringLiteral("seed")); // left over from a page that has it
        QCOMPARE(controller.savePreset(url), QString());
        controller.setVariant(QStringLiteral("robust"));
        QCOMPARE(controller.loadPreset(url), QString());
        QCOMPARE(controller.variant(), QStringLiteral("guide"));
        QFile saved(url.toLocalFile());
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QVERIFY(saved.readAll().contains(R"("variant": "guide")"));
    }

    void theVariantIsTheGuidesCodeWhereThereIsNothingToSwitch()
    {
        EngineController controller;
        QSignalSpy changed(&controller, &EngineController::variantChanged);
        controller.setScenarioId(QStringLiteral("actor"));
        QCOMPARE(controller.variants(), QStringList{QStringLiteral("guide")});
        QCOMPARE(controller.variant(), QStringLiteral("guide"));
        // Choosing seed on a one-variant page keeps the choice for the next page that has it.
        controller.setVariant(QStringLiteral("seed"));
        QCOMPARE(controller.variant(), QStringLiteral("guide"));
        controller.setScenarioId(QStringLiteral("connection-pool"));
        QCOMPARE(controller.variants(), (QStringList{QStringLiteral("seed"), QStringLiteral("robust")}));
        QCOMPARE(controller.variant(), QStringLiteral("seed"));
        QVERIFY(changed.count() >= 2);
        // Naming a one-variant page's own variant is no choice: it leaves seed/robust alone.
        controller.setScenarioId(QStringLiteral("runtime"));
        controller.setVariant(QStringLiteral("guide"));
        controller.setScenarioId(QStringLiteral("circuit-breaker"));
        QCOMPARE(controller.variant(), QStringLiteral("seed"));
    }
};

QTEST_GUILESS_MAIN(TestEngineControllerPresets)
#include "tst_enginecontrollerpresets.moc"
