// The taskscope command line, run as a user runs it: the real executable, in a process.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString s_scenarios =
    QStringLiteral("runtime, join-set, cancellation, actor, connection-pool, stream-pipeline, fan-out, "
                   "rate-limiter, backpressure, circuit-breaker, retry, tracing");

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// Writes @p json to a file named @p name in @p directory; its path.
QString writeFile(const QTemporaryDir &directory, const QString &name, const QByteArray &json)
{
    const QString path = directory.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
        return {};
    return path;
}

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
        QTest::newRow("fan-out failure rate")
            << QStringList{h, s, "fan-out", "--set", "failure_rate=2"}
            << "parameter failure_rate = \"2\" is not valid: expected a number 0–1";
        QTest::newRow("workers") << QStringList{h, s, "runtime", "--workers", "0"}
                                 << "--workers 0 is out of range; valid range is 1–64";
        QTest::newRow("variant") << QStringList{h, s, "runtime", "--variant", "fast"}
                                 << "--variant \"fast\" is not valid for runtime; use one of: guide";
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
        QCOMPARE(parameters.at(0).toObject().value(QStringLiteral("live")).toBool(true), false);

        // A parameter that changes while a run goes says so.
        for (const QJsonValue &scenario : scenarios) {
            if (scenario.toObject().value(QStringLiteral("id")).toString() != QLatin1String("circuit-breaker"))
                continue;
            QStringList live;
            for (const QJsonValue &parameter : scenario.toObject().value(QStringLiteral("parameters")).toArray()) {
                if (parameter.toObject().value(QStringLiteral("live")).toBool())
                    live << parameter.toObject().value(QStringLiteral("name")).toString();
            }
            QCOMPARE(live, QStringList{QStringLiteral("downstream_failure_rate")});
        }
    }

    void listScenariosSaysWhichPatternsShipTwoVariants()
    {
        const Result json = runTaskscope({QStringLiteral("--list-scenarios"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        QHash<QString, QJsonArray> variants;
        QHash<QString, QString> defaults;
        for (const QJsonValue &scenario : QJsonDocument::fromJson(json.out).array()) {
            const QString id = scenario.toObject().value(QStringLiteral("id")).toString();
            variants.insert(id, scenario.toObject().value(QStringLiteral("variants")).toArray());
            defaults.insert(id, scenario.toObject().value(QStringLiteral("default_variant")).toString());
        }
        QCOMPARE(variants.value(QStringLiteral("connection-pool")), (QJsonArray{"seed", "robust"}));
        QCOMPARE(defaults.value(QStringLiteral("connection-pool")), QStringLiteral("robust"));
        for (const char *id : {"actor", "runtime", "join-set", "stream-pipeline"}) {
            QCOMPARE(variants.value(QLatin1String(id)), (QJsonArray{"guide"}));
            QCOMPARE(defaults.value(QLatin1String(id)), QStringLiteral("guide"));
        }

        const Result text = runTaskscope({QStringLiteral("--list-scenarios")});
        QVERIFY(text.out.contains("actor  Actor pattern\n"));
        QVERIFY2(text.out.contains("    variant: guide, the guide's code (its one variant)\n"), text.out.constData());
        QVERIFY(text.out.contains("    variants: seed, robust (default robust)\n"));
        // Retry's one variant is not the guide's code, and the list says so.
        QVERIFY2(text.out.contains("variant: robust only, not the guide's code (its one variant)\n"), text.out.constData());
        QCOMPARE(variants.value(QStringLiteral("retry")), (QJsonArray{"robust"}));
        QCOMPARE(variants.value(QStringLiteral("fan-out")), (QJsonArray{"seed", "robust"}));

        const Result help = runTaskscope({QStringLiteral("--help")});
        QVERIFY2(help.out.contains("seed or robust, for the patterns that ship both") && help.out.contains("variant guide"),
                 help.out.constData());
    }

    void aOneVariantPatternRunsAsGuideAndTheOldNamesStillWorkWithANote()
    {
        const Result plain = runTaskscope({"--headless", "--scenario", "actor", "--deterministic", "--json"});
        QCOMPARE(plain.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(plain.out).object().value(QStringLiteral("variant")).toString(),
                 QStringLiteral("guide"));
        QVERIFY2(plain.err.isEmpty(), plain.err.constData());

        for (const char *old : {"robust", "seed"}) {
            const Result aliased = runTaskscope({"--headless", "--scenario", "actor", "--variant", old,
                                                 "--deterministic", "--json"});
            QCOMPARE(aliased.exitCode, 0);
            QCOMPARE(QJsonDocument::fromJson(aliased.out).object().value(QStringLiteral("variant")).toString(),
                     QStringLiteral("guide"));
            QCOMPARE(aliased.err, QByteArray("taskscope: --variant ") + old
                                      + " is deprecated for actor: it ships one variant, the guide's code; "
                                        "running --variant guide\n");
        }
        // A two-variant pattern takes robust when none is named, and refuses guide.
        const Result pool = runTaskscope({"--headless", "--scenario", "connection-pool", "--deterministic", "--json",
                                          "--set", "clients=2", "--set", "requests_per_client=1"});
        QCOMPARE(QJsonDocument::fromJson(pool.out).object().value(QStringLiteral("variant")).toString(),
                 QStringLiteral("robust"));
        const Result guidePool = runTaskscope({"--headless", "--scenario", "connection-pool", "--variant", "guide"});
        QCOMPARE(guidePool.exitCode, 2);
        QVERIFY2(guidePool.err.contains("use one of: seed, robust"), guidePool.err.constData());
    }

    void aHeadlessCircuitBreakerRunListsItsTransitions()
    {
        const Result result = runTaskscope({"--headless", "--scenario", "circuit-breaker", "--variant", "seed",
                                            "--deterministic", "--seed", "7", "--set", "downstream_failure_rate=1",
                                            "--set", "callers=1", "--set", "duration_ms=1000", "--json"});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject metrics = QJsonDocument::fromJson(result.out).object().value(QStringLiteral("metrics")).toObject();
        const QJsonObject first = metrics.value(QStringLiteral("transitions")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("from")).toString(), QStringLiteral("closed"));
        QCOMPARE(first.value(QStringLiteral("to")).toString(), QStringLiteral("open"));
        QCOMPARE(first.value(QStringLiteral("at_ms")).toDouble(), 300.0); // the 5th failure, exactly
        QCOMPARE(metrics.value(QStringLiteral("failures")).toInt(), 5);
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

    void aRunCutAtItsDurationPrintsTheMetricsOfWhatRan()
    {
        // The rate limiter runs 2 s; cut at 1 s, its counts are of that second.
        const QStringList run{"--headless", "--scenario", "rate-limiter", "--deterministic", "--duration", "1"};
        const Result json = runTaskscope(run + QStringList{"--json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject metrics =
            QJsonDocument::fromJson(json.out).object().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.value(QStringLiteral("stopped_at_duration")).toBool(), true);
        QCOMPARE(metrics.value(QStringLiteral("elapsed_ms")).toInt(), 1000); // exactly, on the virtual clock
        QVERIFY(metrics.value(QStringLiteral("admitted")).toInt() > 0);
        QVERIFY(metrics.value(QStringLiteral("admitted")).toInt() <= metrics.value(QStringLiteral("bound")).toInt());
        QVERIFY(metrics.value(QStringLiteral("rejected")).toInt() > 0);

        const Result text = runTaskscope(run);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("stopped at --duration 1 s"), text.out.constData());
        QVERIFY2(text.out.contains(QStringLiteral("  admitted: %1\n").arg(metrics.value(QStringLiteral("admitted")).toInt()).toUtf8()),
                 text.out.constData());
    }

    void aCancelThatCancelledNothingHasNoLatency()
    {
        const QStringList run{"--headless", "--scenario", "cancellation", "--deterministic", "--set", "work_ms=100",
                              "--set", "cancel_after_ms=200"};
        const Result json = runTaskscope(run + QStringList{"--json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject metrics =
            QJsonDocument::fromJson(json.out).object().value(QStringLiteral("metrics")).toObject();
        QVERIFY(metrics.contains(QStringLiteral("cancel_latency_ms")));
        QVERIFY(metrics.value(QStringLiteral("cancel_latency_ms")).isNull());
        const Result text = runTaskscope(run);
        QVERIFY2(text.out.contains("  cancel_latency_ms: none\n"), text.out.constData());
    }

    void aHeadlessRunReportsTheTaskWarnings()
    {
        // The actor holds its worker 20 ms per message (virtual clock: exactly): the registry's
        // long-poll warning names it, in the JSON and in the summary.
        const QStringList arguments{"--headless", "--scenario", "actor", "--deterministic", "--set", "clients=1",
                                    "--set", "ops_per_client=3", "--set", "handle_us=20000"};
        const Result json = runTaskscope(arguments + QStringList{"--json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonArray warnings = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("warnings")).toArray();
        QVERIFY2(warnings.size() == 1, json.out.constData());
        QVERIFY2(warnings.at(0).toString().contains(QStringLiteral("(kv-actor) held worker 0 for 20.0 ms in one poll")),
                 qPrintable(warnings.at(0).toString()));
        const Result text = runTaskscope(arguments);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("  warning: task "), text.out.constData());

        const Result quiet = runTaskscope({"--headless", "--scenario", "runtime", "--deterministic", "--json"});
        QCOMPARE(QJsonDocument::fromJson(quiet.out).object().value(QStringLiteral("warnings")).toArray().size(), 0);
    }

    void fanOutGoesOverRealHttpWithNothingElseRunning()
    {
        const Result result = runTaskscope({"--headless", "--scenario", "fan-out", "--set", "transport=http", "--set",
                                            "base_delay_ms=200", "--set", "delay_order=descending", "--json"});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject metrics = QJsonDocument::fromJson(result.out).object().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.value(QStringLiteral("transport")).toString(), QStringLiteral("http"));
        QCOMPARE(metrics.value(QStringLiteral("completion_order")).toArray(), (QJsonArray{2, 1, 0}));
        QCOMPARE(metrics.value(QStringLiteral("statuses")).toArray(), (QJsonArray{200, 200, 200}));
        QVERIFY(metrics.value(QStringLiteral("total_ms")).toInt() >= 600);
    }

    void fanOutInDeterministicModeIsSimulated()
    {
        const Result result = runTaskscope(
            {"--headless", "--scenario", "fan-out", "--deterministic", "--set", "transport=http", "--json"});
        QCOMPARE(result.exitCode, 0);
        const QJsonObject metrics = QJsonDocument::fromJson(result.out).object().value(QStringLiteral("metrics")).toObject();
        QCOMPARE(metrics.value(QStringLiteral("transport")).toString(), QStringLiteral("simulated"));
        QCOMPARE(metrics.value(QStringLiteral("completion_order")).toArray(), (QJsonArray{0, 1, 2}));
        QCOMPARE(metrics.value(QStringLiteral("total_ms")).toInt(), 3000); // exactly, on the virtual clock
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

    void aPresetSetsScenarioVariantAndParametersAndSetOverridesIt()
    {
        QTemporaryDir directory;
        const QString path = writeFile(directory, QStringLiteral("slow.json"), R"({
            "scenario": "runtime", "variant": "seed",
            "parameters": { "work_ms": 900, "timeout_ms": 400, "background_tasks": 2 } })");
        QVERIFY(!path.isEmpty());
        const Result fromPreset = runTaskscope({"--headless", "--preset", path, "--deterministic", "--json"});
        QCOMPARE(fromPreset.exitCode, 0);
        QJsonObject report = QJsonDocument::fromJson(fromPreset.out).object();
        QCOMPARE(report.value(QStringLiteral("scenario")).toString(), QStringLiteral("runtime"));
        // An old preset's "seed" for a pattern that ships only the guide's code runs as guide.
        QCOMPARE(report.value(QStringLiteral("variant")).toString(), QStringLiteral("guide"));
        QJsonObject params = report.value(QStringLiteral("params")).toObject();
        QCOMPARE(params.value(QStringLiteral("work_ms")).toInt(), 900);
        QCOMPARE(params.value(QStringLiteral("background_tasks")).toInt(), 2);
        QCOMPARE(report.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("elapsed_ms")).toInt(), 400);

        // --set and --variant come after the preset and win; the rest of the preset stays.
        const Result overridden = runTaskscope({"--headless", "--preset", path, "--scenario", "runtime", "--set",
                                                "timeout_ms=2000", "--variant", "guide", "--deterministic", "--json"});
        QCOMPARE(overridden.exitCode, 0);
        report = QJsonDocument::fromJson(overridden.out).object();
        QCOMPARE(report.value(QStringLiteral("variant")).toString(), QStringLiteral("guide"));
        params = report.value(QStringLiteral("params")).toObject();
        QCOMPARE(params.value(QStringLiteral("timeout_ms")).toInt(), 2000);
        QCOMPARE(params.value(QStringLiteral("work_ms")).toInt(), 900);
        QCOMPARE(report.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("elapsed_ms")).toInt(), 900);
    }

    void aBadPresetExitsWithTwoAndNamesTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("message");
        QTest::newRow("out of range") << QByteArray(R"({"scenario": "actor", "parameters": {"clients": 0}})")
                                      << QStringList()
                                      << "preset bad.json: parameter clients = \"0\" is not valid: expected an "
                                         "integer 1–10000 tasks";
        QTest::newRow("not JSON") << QByteArray("{\"scenario\": ") << QStringList()
                                  << "preset bad.json: not JSON: unterminated object at offset 13";
        QTest::newRow("other scenario") << QByteArray(R"({"scenario": "actor"})")
                                        << QStringList{"--scenario", "runtime"}
                                        << "preset %1 is for scenario actor, not runtime";
    }

    void aBadPresetExitsWithTwoAndNamesTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QStringList, extra);
        QFETCH(QString, message);
        QTemporaryDir directory;
        const QString path = writeFile(directory, QStringLiteral("bad.json"), json);
        QVERIFY(!path.isEmpty());
        const Result result = runTaskscope(QStringList{"--headless", "--preset", path} + extra);
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(QString::fromUtf8(result.err), QStringLiteral("taskscope: %1\n").arg(message.contains(QLatin1String("%1")) ? message.arg(path) : message));
        QVERIFY(result.out.isEmpty());
    }

    /// Fault table, "a preset names a parameter this version lacks": the run goes, on what the
    /// file holds that this version knows, and stderr names what was left out.
    void aPresetFromANewerVersionRunsWhatItKnowsAndSaysWhatItLeftOut()
    {
        QTemporaryDir directory;
        const QString path = writeFile(directory, QStringLiteral("newer.json"),
                                       R"({"scenario": "actor", "parameters": {"clients": 2, "ops_per_client": 3,
                                           "mailbox_policy": "drop-oldest"}})");
        const Result result = runTaskscope({"--headless", "--deterministic", "--json", "--preset", path});
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.startsWith("taskscope: preset newer.json: scenario actor has no parameter \"mailbox_policy\" "
                                       "in this version"),
                 result.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(result.out).object();
        QCOMPARE(report.value(QStringLiteral("params")).toObject().value(QStringLiteral("clients")).toInt(), 2);
    }

    void aPresetThatIsNoFileIsRefusedAtOnce()
    {
        // /dev/zero never ends: it is refused unread, not read until memory runs out.
        const Result result = runTaskscope({"--headless", "--preset", "/dev/zero"});
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(QString::fromUtf8(result.err), QStringLiteral("taskscope: preset zero: cannot read it: it is not a regular file\n"));
    }

    /// Fault table, "the machine is saturated by another process": the frame-time benchmark
    /// says, on every line, how loaded the machine was, so a slow figure can be told from a
    /// busy machine. (That the long-poll warnings then name the preemption is
    /// tst_taskregistry's aLongPollSaysWhetherItComputedWaitedOrWasPreempted and, on real
    /// threads, theRuntimeAccountsForLongPollsOnTheRealClock.)
    void theUiBenchmarkReportsTheMachinesLoadOnEveryLine()
    {
        const Result result = runTaskscope({"--bench-ui", "0.5"});
        QCOMPARE(result.exitCode, 0);
        const QList<QByteArray> lines = result.out.trimmed().split('\n');
        QVERIFY2(lines.size() >= 2, result.out.constData());
        for (const QByteArray &line : lines) {
            const QJsonObject figures = QJsonDocument::fromJson(line).object();
            QVERIFY2(figures.value(QStringLiteral("cpus")).toInt() >= 1, line.constData());
            QVERIFY2(figures.value(QStringLiteral("load_avg_1m")).isDouble(), line.constData());
            QVERIFY2(figures.value(QStringLiteral("load_avg_5m")).isDouble(), line.constData());
            QCOMPARE(figures.value(QStringLiteral("machine_busy")).toBool(),
                     figures.value(QStringLiteral("load_avg_1m")).toDouble() > figures.value(QStringLiteral("cpus")).toDouble());
        }
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
