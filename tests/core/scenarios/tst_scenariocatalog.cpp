#include <QSet>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "scenarios/scenario.h"
#include "scenariotest.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

/// What every scenario in the catalog owes the GUI, the CLI and the presets, checked for all
/// of them at once (so a scenario added later is held to it too).
class TestScenarioCatalog : public QObject
{
    Q_OBJECT

private slots:
    void everyScenarioIsFoundByItsOwnIdAndDescribesItself()
    {
        QSet<QString> ids;
        for (const auto &scenario : ScenarioCatalog::all()) {
            const QString id = scenario->id();
            QVERIFY2(!ids.contains(id), qPrintable(id));
            ids.insert(id);
            QCOMPARE(ScenarioCatalog::find(id), scenario.get());
            QVERIFY2(!scenario->title().isEmpty() && !scenario->description().isEmpty(), qPrintable(id));
            QVERIFY2(!scenario->variants().isEmpty(), qPrintable(id));
        }
        QCOMPARE(ScenarioCatalog::ids().size(), qsizetype(ids.size()));
        QCOMPARE(ScenarioCatalog::find(QStringLiteral("no-such-scenario")), nullptr);
    }

    void everyDefaultIsValidAndEveryParameterIsDocumented()
    {
        for (const auto &scenario : ScenarioCatalog::all()) {
            QSet<QString> names;
            for (const ParameterSpec &spec : scenario->parameters()) {
                const QString where = scenario->id() + QLatin1Char('.') + spec.name;
                QVERIFY2(!names.contains(spec.name), qPrintable(where));
                names.insert(spec.name);
                QVERIFY2(!spec.label.isEmpty() && !spec.help.isEmpty(), qPrintable(where));
                QString error;
                QVERIFY2(spec.validate(spec.defaultValue, &error).has_value(), qPrintable(where + QStringLiteral(": ") + error));
            }
        }
    }

    void everyParameterOfEveryScenarioRefusesAnOutOfRangeValueByName()
    {
        for (const auto &scenario : ScenarioCatalog::all()) {
            verifyEveryParameterRefusesOutOfRange(*scenario);
            if (QTest::currentTestFailed())
                QFAIL(qPrintable(QStringLiteral("in scenario %1").arg(scenario->id())));
        }
    }
};

QTEST_GUILESS_MAIN(TestScenarioCatalog)
#include "tst_scenariocatalog.moc"
