#include <QAbstractItemModelTester>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "engine/enginecontroller.h"
#include "models/sourcelisting.h"
#endif

using namespace taskscope;

namespace {

QStringList resourceLines(const QString &file)
{
    QFile source(QStringLiteral(":/Taskscope/source/") + file);
    if (!source.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QString text = QString::fromUtf8(source.readAll());
    if (text.endsWith(QLatin1Char('\n')))
        text.chop(1);
    return text.split(QLatin1Char('\n'));
}

} // namespace

class TestSourceListing : public QObject
{
    Q_OBJECT

private slots:
    void listsTheScenarioThenThePatternFilesItIncludes()
    {
        SourceListing listing;
        QAbstractItemModelTester tester(&listing, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&listing, &QAbstractItemModel::modelReset);
        listing.setScenarioId(QStringLiteral("connection-pool"));
        QCOMPARE(resets.count(), 1);
        QCOMPARE(listing.files(), (QStringList{"connectionpoolscenario.cpp", "connectionpool.cpp", "connectionpool.h"}));

        int row = 0;
        for (const QString &file : listing.files()) {
            const QStringList lines = resourceLines(file);
            QVERIFY2(lines.size() > 20, qPrintable(file));
            for (int number = 1; number <= lines.size(); ++number, ++row) {
                const QModelIndex index = listing.index(row);
                QCOMPARE(index.data(SourceListing::FileNameRole).toString(), file);
                QCOMPARE(index.data(SourceListing::LineNumberRole).toInt(), number);
                QCOMPARE(index.data(SourceListing::TextRole).toString(), lines.at(number - 1));
                QCOMPARE(index.data(SourceListing::AwaitingCountRole).toInt(), 0);
            }
        }
        QCOMPARE(listing.rowCount(), row);
        // The compiled-in copy is the real file: its first line is the scenario's include.
        QCOMPARE(listing.index(0).data(SourceListing::TextRole).toString(),
                 QStringLiteral("#include \"scenarios/connectionpoolscenario.h\""));
    }

    void aScenarioWithoutPatternsListsItsOwnFileAndAnUnknownOneNothing()
    {
        SourceListing listing;
        QAbstractItemModelTester tester(&listing, QAbstractItemModelTester::FailureReportingMode::QtTest);
        listing.setScenarioId(QStringLiteral("join-set"));
        QCOMPARE(listing.files(), QStringList{QStringLiteral("joinsetscenario.cpp")});
        QCOMPARE(listing.rowCount(), resourceLines(QStringLiteral("joinsetscenario.cpp")).size());
        listing.setScenarioId(QStringLiteral("no-such-scenario"));
        QCOMPARE(listing.rowCount(), 0);
        QVERIFY(listing.files().isEmpty());
    }

    void awaitingCountsLandOnTheirLines()
    {
        SourceListing listing;
        QAbstractItemModelTester tester(&listing, QAbstractItemModelTester::FailureReportingMode::QtTest);
        listing.setScenarioId(QStringLiteral("actor"));
        QSignalSpy changed(&listing, &QAbstractItemModel::dataChanged);
        QSignalSpy awaitingChanged(&listing, &SourceListing::awaitingChanged);

        // Full paths (as std::source_location spells them), bare names, and a file not listed.
        listing.setAwaiting({{QStringLiteral("/build/../../core/patterns/keyvalueactor.cpp:30"), 3},
                             {QStringLiteral("actorscenario.cpp:20"), 1},
                             {QStringLiteral("keyvalueactor.cpp:30"), 1},
                             {QStringLiteral("joinset.h:90"), 5}});
        const int scenarioRow = listing.rowOf(QStringLiteral("actorscenario.cpp"), 20);
        const int patternRow = listing.rowOf(QStringLiteral("keyvalueactor.cpp"), 30);
        QVERIFY(scenarioRow >= 0 && patternRow > scenarioRow);
        QCOMPARE(listing.index(scenarioRow).data(SourceListing::AwaitingCountRole).toInt(), 1);
        QCOMPARE(listing.index(patternRow).data(SourceListing::AwaitingCountRole).toInt(), 4);
        QCOMPARE(listing.index(patternRow + 1).data(SourceListing::AwaitingCountRole).toInt(), 0);
        QCOMPARE(listing.awaitingTotal(), 5);
        QCOMPARE(listing.firstAwaitingRow(), scenarioRow);
        QCOMPARE(awaitingChanged.count(), 1);
        QCOMPARE(changed.count(), 1);
        const QModelIndex first = changed.at(0).at(0).value<QModelIndex>();
        const QModelIndex last = changed.at(0).at(1).value<QModelIndex>();
        QCOMPARE(first.row(), scenarioRow);
        QCOMPARE(last.row(), patternRow);

        // The same counts again: nothing to tell the view.
        listing.setAwaiting(listing.awaiting());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(awaitingChanged.count(), 1);

        // The tasks move on: the old lines clear.
        listing.setAwaiting({});
        QCOMPARE(listing.index(patternRow).data(SourceListing::AwaitingCountRole).toInt(), 0);
        QCOMPARE(listing.firstAwaitingRow(), -1);
        QCOMPARE(listing.awaitingTotal(), 0);
        QCOMPARE(changed.count(), 2);
    }

    /// The controller's awaitingLines, from a real run on the (paced) virtual clock, point at
    /// the scenario's own await lines.
    void aLiveRunHighlightsTheLinesWhereItsTasksWait()
    {
        EngineController controller;
        controller.setScenarioId(QStringLiteral("cancellation"));
        controller.setDeterministic(true);
        controller.setSpeed(EngineController::maxSpeed);
        // Work outlasts the test, the cancel never comes: every task stays parked at its await.
        QVERIFY(controller.setParameter(QStringLiteral("work_ms"), 600000));
        QVERIFY(controller.setParameter(QStringLiteral("cancel_after_ms"), 600000));
        SourceListing listing;
        QAbstractItemModelTester tester(&listing, QAbstractItemModelTester::FailureReportingMode::QtTest);
        listing.setScenarioId(controller.scenarioId());
        connect(&controller, &EngineController::frameUpdated, &listing,
                [&] { listing.setAwaiting(controller.awaitingLines()); });

        controller.run();
        // 1 root + 3 children + 9 grandchildren, each racing work against its token, and the
        // run itself waiting for the cancel: all idle in cancellationscenario.cpp.
        QTRY_VERIFY_WITH_TIMEOUT(listing.awaitingTotal() >= 13, 10000);
        const QVariantMap lines = controller.awaitingLines();
        int listed = 0;
        for (auto it = lines.begin(); it != lines.end(); ++it) {
            QVERIFY2(!it.key().contains(QLatin1Char('/')), qPrintable(it.key())); // bare file names
            const QString file = it.key().section(QLatin1Char(':'), 0, 0);
            const int number = it.key().section(QLatin1Char(':'), 1).toInt();
            const int row = listing.rowOf(file, number);
            if (row < 0)
                continue; // a primitive's own file
            listed += it.value().toInt();
            QCOMPARE(listing.index(row).data(SourceListing::AwaitingCountRole).toInt(), it.value().toInt());
            // The await is on that line or opens just above it (a call spread over lines).
            QString around;
            for (int back = 0; back <= 2 && row - back >= 0; ++back)
                around += listing.index(row - back).data(SourceListing::TextRole).toString();
            QVERIFY2(around.contains(QStringLiteral("co_await")), qPrintable(it.key()));
        }
        QCOMPARE(listing.awaitingTotal(), listed);
        QVERIFY(listing.firstAwaitingRow() >= 0);

        controller.reset();
        QVERIFY(controller.awaitingLines().isEmpty());
        QCOMPARE(listing.awaitingTotal(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSourceListing)
#include "tst_sourcelisting.moc"
