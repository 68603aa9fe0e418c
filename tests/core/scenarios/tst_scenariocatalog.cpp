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

    void aPatternShipsSeedAndRobustOrOnlyTheGuidesCode()
    {
        for (const auto &scenario : ScenarioCatalog::all()) {
            const QStringList variants = scenario->variants();
            // Retry's recipe is ours: it ships only robust.
            QVERIFY2(variants == (QStringList{"seed", "robust"}) || variants == QStringList{"guide"}
                         || (scenario->id() == QLatin1String("retry") && variants == QStringList{"robust"}),
                     qPrintable(scenario->id() + QStringLiteral(": ") + variants.join(QLatin1Char(','))));
            QCOMPARE(scenario->defaultVariant(), variants.contains(QStringLiteral("robust")) ? QStringLiteral("robust") : QStringLiteral("guide"));
        }
        // The guide's code has a material defect in these.
        for (const char *id : {"rate-limiter", "circuit-breaker", "connection-pool", "backpressure", "fan-out"})
            QCOMPARE(ScenarioCatalog::find(QLatin1String(id))->variants(), (QStringList{"seed", "robust"}));
        // The guide shows no retry code: the recipe here is ours, not "the guide's code".
        QCOMPARE(ScenarioCatalog::find(QStringLiteral("retry"))->variants(), QStringList{"robust"});
        // The actor's and the runtime's two variants ran the same code: one variant now.
        for (const char *id : {"actor", "runtime", "join-set", "stream-pipeline", "cancellation", "tracing"})
            QCOMPARE(ScenarioCatalog::find(QLatin1String(id))->variants(), QStringList{"guide"});
    }

    void seedAndRobustStillNameTheOneVariantOfAPatternWithoutADefect()
    {
        const Scenario *actor = ScenarioCatalog::find(QStringLiteral("actor"));
        for (const QString &old : {QStringLiteral("seed"), QStringLiteral("robust")}) {
            const std::optional<ResolvedVariant> resolved = actor->resolveVariant(old);
            QVERIFY(resolved);
            QCOMPARE(resolved->id, QStringLiteral("guide"));
            QVERIFY(resolved->deprecatedAlias);
        }
        QCOMPARE(actor->resolveVariant(QString())->id, QStringLiteral("guide"));
        QVERIFY(!actor->resolveVariant(QStringLiteral("guide"))->deprecatedAlias);
        QVERIFY(!actor->resolveVariant(QStringLiteral("fixed")));

        const Scenario *pool = ScenarioCatalog::find(QStringLiteral("connection-pool"));
        QCOMPARE(pool->resolveVariant(QString())->id, QStringLiteral("robust"));
        QCOMPARE(pool->resolveVariant(QStringLiteral("seed"))->id, QStringLiteral("seed"));
        QVERIFY(!pool->resolveVariant(QStringLiteral("guide")));
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
