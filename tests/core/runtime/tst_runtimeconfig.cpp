#include "runtime/runtimeconfig.h"

#include <QTest>

using namespace taskscope;

class TestRuntimeConfig : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreValid()
    {
        QVERIFY(RuntimeConfig{}.validate().isEmpty());
    }

    void deterministicIsOneWorkerOnVirtualTime()
    {
        const auto config = RuntimeConfig::deterministic(7);
        QCOMPARE(config.workerThreads, 1);
        QCOMPARE(config.clockMode, ClockMode::Virtual);
        QCOMPARE(config.rngSeed, 7u);
        QVERIFY(config.validate().isEmpty());
    }

    void outOfRangeValuesNameTheParameterAndRange_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<QString>("name");
        QTest::addColumn<qulonglong>("stack");
        QTest::addColumn<double>("scale");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no workers") << 0 << "w" << 0ull << 1.0 << "workerThreads is 0; valid range is 1–64";
        QTest::newRow("too many") << 65 << "w" << 0ull << 1.0 << "workerThreads is 65; valid range is 1–64";
        QTest::newRow("empty name") << 2 << "" << 0ull << 1.0 << "threadName";
        QTest::newRow("long name") << 2 << "a-very-long-name" << 0ull << 1.0 << "threadName";
        QTest::newRow("tiny stack") << 2 << "w" << 1000ull << 1.0 << "threadStackSize is 1000 bytes";
        QTest::newRow("slow") << 2 << "w" << 0ull << 0.001 << "timeScale is 0.001; valid range is 0.01–100";
        QTest::newRow("fast") << 2 << "w" << 0ull << 101.0 << "timeScale is 101; valid range is 0.01–100";
    }

    void outOfRangeValuesNameTheParameterAndRange()
    {
        QFETCH(int, workers);
        QFETCH(QString, name);
        QFETCH(qulonglong, stack);
        QFETCH(double, scale);
        QFETCH(QString, expected);
        RuntimeConfig config;
        config.workerThreads = workers;
        config.threadName = name;
        config.threadStackSize = stack;
        config.timeScale = scale;
        const QString error = config.validate();
        QVERIFY2(error.startsWith(expected), qPrintable(error));
    }

    void workerNicenessOutsideItsRangeIsRefused()
    {
        RuntimeConfig config;
        config.workerNiceness = 20;
        QCOMPARE(config.validate(), QStringLiteral("workerNiceness is 20; valid range is 0–19"));
        config.workerNiceness = -1;
        QCOMPARE(config.validate(), QStringLiteral("workerNiceness is -1; valid range is 0–19"));
        config.workerNiceness = 19;
        QVERIFY(config.validate().isEmpty());
    }

    void workerNamesFitTheOsLimit()
    {
        RuntimeConfig config;
        config.threadName = QStringLiteral("abcdefghijkl");
        QVERIFY(config.validate().isEmpty());
        QCOMPARE(config.workerName(63), QStringLiteral("abcdefghijkl-63"));
        QVERIFY(config.workerName(63).size() <= 15);
    }
};

QTEST_GUILESS_MAIN(TestRuntimeConfig)
#include "tst_runtimeconfig.moc"
