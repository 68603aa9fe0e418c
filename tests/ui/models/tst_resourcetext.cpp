#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "models/resourcetext.h"

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "scenarios/scenario.h"
#endif

using namespace taskscope;

namespace {

// Every scenario the pattern pages cover, in catalogue order (some land on other branches).
const QStringList s_pageIds = {
    QStringLiteral("runtime"), QStringLiteral("join-set"), QStringLiteral("cancellation"),
    QStringLiteral("stream-pipeline"), QStringLiteral("fan-out"), QStringLiteral("actor"),
    QStringLiteral("connection-pool"), QStringLiteral("rate-limiter"), QStringLiteral("backpressure"),
    QStringLiteral("circuit-breaker"), QStringLiteral("retry"), QStringLiteral("tracing")};

} // namespace

class TestResourceText : public QObject
{
    Q_OBJECT

private slots:
    void readsAResourceAndSaysWhenThereIsNone()
    {
        ResourceText text;
        QSignalSpy changed(&text, &ResourceText::sourceChanged);
        text.setSource(QUrl(QStringLiteral("qrc:/Taskscope/explanations/actor.md")));
        QCOMPARE(changed.count(), 1);
        QVERIFY(text.exists());
        QVERIFY(text.text().startsWith(QStringLiteral("# Actor with a mailbox\n")));

        text.setSource(QUrl(QStringLiteral("qrc:/Taskscope/explanations/nope.md")));
        QCOMPARE(changed.count(), 2);
        QVERIFY(!text.exists());
        QVERIFY(text.text().isEmpty());

        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("local.md"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("ünïcode\n");
        file.close();
        text.setSource(QUrl::fromLocalFile(path));
        QCOMPARE(text.text(), QStringLiteral("ünïcode\n"));
    }

    /// The explanations keep their promise: what to watch, exactly three things to try, each
    /// naming a real parameter in backticks, and a word on the seed; short enough for a projector.
    void everyPageHasItsExplanationInTheAgreedShape_data()
    {
        QTest::addColumn<QString>("id");
        for (const QString &id : s_pageIds)
            QTest::newRow(qPrintable(id)) << id;
    }

    void everyPageHasItsExplanationInTheAgreedShape()
    {
        QFETCH(QString, id);
        ResourceText explanation;
        explanation.setSource(QUrl(QStringLiteral("qrc:/Taskscope/explanations/%1.md").arg(id)));
        QVERIFY(explanation.exists());
        const QString text = explanation.text();
        QVERIFY(text.startsWith(QStringLiteral("# ")));
        QVERIFY(text.contains(QStringLiteral("\n## What to watch\n")));
        const qsizetype tryAt = text.indexOf(QStringLiteral("\n## Three things to try\n"));
        QVERIFY(tryAt > 0);
        const QString tries = text.mid(tryAt).section(QStringLiteral("\n## "), 1, 1);
        static const QRegularExpression item(QStringLiteral(R"(^\d\. .*`[a-z_]+`)"), QRegularExpression::MultilineOption);
        int items = 0;
        for (auto it = item.globalMatch(tries); it.hasNext(); it.next())
            ++items;
        QCOMPARE(items, 3);
        // The explanation says exactly which variants the pattern ships.
        const taskscope::Scenario *scenario = taskscope::ScenarioCatalog::find(id);
        QVERIFY(scenario);
        const QStringList variants = scenario->variants();
        if (variants.size() == 2) {
            QVERIFY(text.contains(QStringLiteral("\n## Two variants: seed and robust\n")));
            QVERIFY(text.contains(QStringLiteral("\n## What the seed gets wrong\n")));
        } else if (variants == QStringList{QStringLiteral("guide")}) {
            QVERIFY(text.contains(QStringLiteral("\n## One variant: the guide's code\n")));
        } else {
            QCOMPARE(variants, QStringList{QStringLiteral("robust")});
            QVERIFY(text.contains(QStringLiteral("\n## One variant: robust only\n")));
        }
        QVERIFY2(text.split(QLatin1Char('\n')).size() <= 40, qPrintable(id));
    }

    void everyPageHasAShortTokioVersion_data() { everyPageHasItsExplanationInTheAgreedShape_data(); }

    void everyPageHasAShortTokioVersion()
    {
        QFETCH(QString, id);
        ResourceText tokio;
        tokio.setSource(QUrl(QStringLiteral("qrc:/Taskscope/tokio/%1.rs").arg(id)));
        QVERIFY(tokio.exists());
        const qsizetype lines = tokio.text().count(QLatin1Char('\n'));
        QVERIFY2(lines >= 20 && lines <= 70, qPrintable(QString::number(lines)));
        QVERIFY(tokio.text().startsWith(QStringLiteral("// Taskscope's \"%1\" scenario in Tokio").arg(id)));
    }
};

QTEST_GUILESS_MAIN(TestResourceText)
#include "tst_resourcetext.moc"
