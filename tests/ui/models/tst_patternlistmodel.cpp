#include "models/patternlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QTest>

using namespace taskscope;

class TestPatternListModel : public QObject
{
    Q_OBJECT

private slots:
    void listsEverySeedPatternOnceInSeedOrder()
    {
        PatternListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QStringList expected{"runtime", "spawning", "cancellation", "streams", "fanout", "actor",
                                   "pool", "ratelimit", "backpressure", "breaker", "retry", "tracing"};
        QCOMPARE(model.rowCount(), expected.size());
        QSet<QString> titles;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QModelIndex index = model.index(row);
            QCOMPARE(model.data(index, PatternListModel::IdRole).toString(), expected[row]);
            QCOMPARE(model.indexOf(expected[row]), row);
            const QString title = model.data(index, PatternListModel::TitleRole).toString();
            QVERIFY(!title.isEmpty());
            QCOMPARE(model.data(index, Qt::DisplayRole).toString(), title);
            titles.insert(title);
            QVERIFY(!model.data(index, PatternListModel::SummaryRole).toString().isEmpty());
            QVERIFY(!model.data(index, PatternListModel::ShowsRole).toString().isEmpty());
        }
        QCOMPARE(titles.size(), expected.size());
    }

    void eachPatternNamesTheScenarioThatRunsIt()
    {
        PatternListModel model;
        QCOMPARE(model.data(model.index(0), PatternListModel::ScenarioRole).toString(), QStringLiteral("runtime"));
        QCOMPARE(model.data(model.index(1), PatternListModel::ScenarioRole).toString(), QStringLiteral("join-set"));
        QCOMPARE(model.indexOf(QStringLiteral("connection-pool")), model.indexOf(QStringLiteral("pool")));
        QCOMPARE(model.roleNames().value(PatternListModel::ScenarioRole), QByteArray("scenarioId"));
    }

    void unknownIdAndBadIndexGiveNothing()
    {
        PatternListModel model;
        QCOMPARE(model.indexOf(QStringLiteral("nope")), -1);
        QVERIFY(!model.data(model.index(99), PatternListModel::TitleRole).isValid());
        QVERIFY(!model.data(model.index(0), Qt::UserRole + 99).isValid());
    }

    void roleNamesAreWhatQmlReads()
    {
        PatternListModel model;
        const auto names = model.roleNames();
        QCOMPARE(names.value(PatternListModel::IdRole), QByteArray("patternId"));
        QCOMPARE(names.value(PatternListModel::TitleRole), QByteArray("title"));
        QCOMPARE(names.value(PatternListModel::SectionRole), QByteArray("section"));
    }
};

QTEST_GUILESS_MAIN(TestPatternListModel)
#include "tst_patternlistmodel.moc"
