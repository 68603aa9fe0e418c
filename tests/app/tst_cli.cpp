// The taskscope command line, run as a user runs it: the real executable, in a process.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString s_scenarios =
    QStringLiteral("runtime, join-set, cancellation, actor, connection-pool, stream-pipeline, rate-limiter, "
                   "backpressure, tracing");

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runTaskscope(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(TASKSCOPE_BINARY), arguments);
    if (!process.waitForFinished(60000))
        return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void badInputExitsWithTwoAndOneClearLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        const QString h = QStringLiteral("--headless");
        const QString s = QStringLiteral("--scenario");
        QTest::newRow("unknown scenario") << QStringList{h, s, "nope"}
                                          << "unknown scenario \"nope\"; valid scenarios are: " + s_scenarios;
        QTest::newRow("unknown parameter")
            << QStringList{h, s, "runtime", "--set", "speed=3"}
            << "scenario runtime has no parameter \"speed\"; its parameters are: work_ms, timeout_ms, background_tasks";
        QTest::newRow("out of range") << QStringList{h, s, "runtime", "--set", "timeout_ms=0"}
                                      << "parameter timeout_ms = \"0\" is not valid: expected an integer 1–600000 ms";
        QTest::newRow("wrong type") << QStringList{h, s, "runtime", "--set", "work_ms=soon"}
                                    << "parameter work_ms = \"soon\" is not valid: expected an integer 0–600000 ms";
        QTest::newRow("set without =") << QStringList{h, s, "runtime", "--set", "work_ms"}
                                       << "--set \"work_ms\" needs the form NAME=VALUE";
        QTest::newRow("unwritable trace")
            << QStringList{h, s, "runtime", "--trace-out", "/nonexistent/dir/trace.json"}
            << "cannot write the trace to /nonexistent/dir/trace.json: the directory /nonexistent/dir does not exist";
        QTest::newRow("workers") << QStringList{h, s, "runtime", "--workers", "0"}
                                 << "--workers 0 is out of range; valid range is 1–64";
        QTest::newRow("variant") << QStringList{h, s, "runtime", "--variant", "fast"}
                                 << "--variant \"fast\" is not valid; use one of: seed, robust";
        QTest::newRow("headless without scenario") << QStringList{h}
                                                   << "--headless needs --scenario ID; valid scenarios are: " + s_scenarios;
        QTest::newRow("unknown option") << QStringList{"--frobnicate"} << "Unknown option 'frobnicate'. (see --help)";
        QTest::newRow("bench-ui seconds") << QStringList{"--bench-ui", "soon"}
                                          << "--bench-ui \"soon\" is not a number of seconds; valid range is 0.5–600";
        QTest::newRow("window size") << QStringList{"--size", "100x100"}
                                     << "--size \"100x100\" is not WIDTHxHEIGHT between 640x480 and 8192x8192";
    }

    void badInputExitsWithTwoAndOneClearLine()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result result = runTaskscope(arguments);
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(QString::fromUtf8(result.err), QStringLiteral("taskscope: %1\n").arg(message));
        QVERIFY(result.out.isEmpty());
    }

    void listScenariosAsJsonDescribesTheSchema()
    {
        const Result result = runTaskscope({QStringLiteral("--list-scenarios"), QStringLiteral("--json")});
        QCOMPARE(result.exitCode, 0);
        const QJsonArray scenarios = QJsonDocument::fromJson(result.out).array();
        QStringList ids;
        for (const QJsonValue &scenario : scenarios)
            ids << scenario.toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(ids.join(QStringLiteral(", ")), s_scenarios);
        const QJsonObject runtime = scenarios.at(0).toObject();
        QCOMPARE(runtime.value(QStringLiteral("id")).toString(), QStringLiteral("runtime"));
        const QJsonArray parameters = runtime.value(QStringLiteral("parameters")).toArray();
        QCOMPARE(parameters.size(), 3);
        QCOMPARE(parameters.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("work_ms"));
        QCOMPARE(parameters.at(0).toObject().value(QStringLiteral("default")).toInt(), 3000);
    }

    void aHeadlessRunReportsTheScenariosMetricsAsJson()
    {
        const Result result = runTaskscope({"--headless", "--scenario", "runtime", "--deterministic", "--seed", "3",
                                            "--set", "work_ms=900", "--set", "timeout_ms=400", "--json"});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject report = QJsonDocument::fromJson(result.out).object();
        QCOMPARE(report.value(QStringLiteral("scenario")).toString(), QStringLiteral("runtime"));
        QCOMPARE(report.value(QStringLiteral("seed")).toInt(), 3);
        QCOMPARE(report.value(QStringLiteral("deterministic")).toBool(), true);
        QCOMPARE(report.value(QStringLiteral("params")).toObject().value(QStringLiteral("timeout_ms")).toInt(), 400);
        const QJsonObject metrics = report.value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.value(QStringLiteral("timed_out")).toBool(), true);
        QCOMPARE(metrics.value(QStringLiteral("completed")).toBool(), false);
        QCOMPARE(metrics.value(QStringLiteral("elapsed_ms")).toInt(), 400); // exactly, on the virtual clock
        QCOMPARE(metrics.value(QStringLiteral("worker_names")).toArray().at(0).toString(), QStringLiteral("ts-worker-0"));
        const QJsonObject runtime = report.value(QStringLiteral("runtime")).toObject();
        QCOMPARE(runtime.value(QStringLiteral("workers")).toInt(), 1);
        QCOMPARE(runtime.value(QStringLiteral("tasks_spawned")).toInt(), 9); // the run + 8 background tasks
        QVERIFY(runtime.value(QStringLiteral("polls")).toInt() > 9);
        QVERIFY(runtime.value(QStringLiteral("events_recorded")).toInt() > 0);
        QCOMPARE(runtime.value(QStringLiteral("events_dropped")).toInt(), 0);
    }

    void deterministicRunsWithTheSameSeedGiveByteIdenticalTraces()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QByteArray traces[2];
        for (int i = 0; i < 2; ++i) {
            const QString path = directory.filePath(QStringLiteral("trace%1.json").arg(i));
            const Result result = runTaskscope({"--headless", "--scenario", "runtime", "--deterministic", "--seed", "7",
                                                "--set", "work_ms=250", "--trace-out", path});
            QCOMPARE(result.exitCode, 0);
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            traces[i] = file.readAll();
        }
        QVERIFY(traces[0].size() > 1000);
        QVERIFY(traces[0] == traces[1]);
        const QJsonObject trace = QJsonDocument::fromJson(traces[0]).object();
        QVERIFY(trace.value(QStringLiteral("traceEvents")).toArray().size() > 50);
    }

    void aTraceThatCannotBeWrittenLeavesNoFileBehind()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("missing/trace.json"));
        const Result result = runTaskscope({"--headless", "--scenario", "runtime", "--trace-out", path});
        QCOMPARE(result.exitCode, 2);
        QVERIFY(!QFile::exists(path));
        QVERIFY(QDir(directory.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
