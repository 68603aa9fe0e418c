#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "patterns/httptransport.h"
#include "patterns/simulatedhttptransport.h"
#include "runtime/runtime.h"
#include "scenarios/fanoutscenario.h"
#include "scenarios/scenariorunner.h"
#include "trace/tracerecorder.h"
#endif

#include <QScopeGuard>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <stdexcept>
#include <thread>

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Runs fan-out on a deterministic runtime (virtual clock, simulated transport) with @p overrides.
QVariantMap runFanOut(const QVariantMap &overrides = {}, const RuntimeConfig &config = RuntimeConfig::deterministic(1))
{
    return runScenario(FanOutScenario(), overrides, QStringLiteral("robust"), config);
}

QList<int> ints(const QVariant &list)
{
    QList<int> out;
    for (const QVariant &item : list.toList())
        out << item.toInt();
    return out;
}

/// The request indices sorted by their delay (ties by index): the order answers must arrive in.
QList<int> byDelay(const QList<int> &delays)
{
    QList<int> indices(delays.size());
    std::iota(indices.begin(), indices.end(), 0);
    std::stable_sort(indices.begin(), indices.end(), [&](int a, int b) { return delays.at(a) < delays.at(b); });
    return indices;
}

/// Every counter value a run traced, by counter name, in the order set, with the times (ms).
struct TracedCounters
{
    QHash<QString, QList<qlonglong>> values;
    QHash<QString, QList<double>> timesMs;
};

/// Runs fan-out deterministically with @p overrides, recording its trace; gives the metrics
/// and fills @p traced with the counters.
QVariantMap runFanOutTraced(const QVariantMap &overrides, TracedCounters &traced)
{
    const TracedRun run = runScenarioTraced(FanOutScenario(), overrides);
    const QVariantMap &metrics = run.metrics;
    for (const TraceEvent &event : run.events) {
        if (event.kind != TraceKind::Counter)
            continue;
        const QString name = run.names.value(event.object);
        traced.values[name] << qlonglong(event.value);
        traced.timesMs[name] << double(event.timeNs) / 1e6;
    }
    return metrics;
}

/// A transport=http stand-in whose start blocks its caller for 40 ms, as starting the real
/// server and I/O thread does, and counts the starts made on a runtime's worker. Its requests
/// are the simulated ones, on the real clock.
class SlowStartTransport final : public HttpTransport
{
public:
    [[nodiscard]] QString name() const override { return QStringLiteral("http"); }
    bool prepare(QString *) override
    {
        ++starts;
        if (Runtime::current())
            ++startsOnAWorker;
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        return true;
    }
    [[nodiscard]] Task<HttpResponse> get(QString pathAndQuery) override { return m_requests.get(std::move(pathAndQuery)); }

    std::atomic<int> starts{0};
    std::atomic<int> startsOnAWorker{0};

private:
    SimulatedHttpTransport m_requests;
};

/// A transport=http stand-in that counts which client each request asked for; its requests
/// are the simulated ones, on the real clock.
class ClientCountingTransport final : public HttpTransport
{
public:
    [[nodiscard]] QString name() const override { return QStringLiteral("http"); }
    [[nodiscard]] Task<HttpResponse> get(QString pathAndQuery) override
    {
        ++shared;
        return m_requests.get(std::move(pathAndQuery));
    }
    [[nodiscard]] Task<HttpResponse> getWithOwnClient(QString pathAndQuery) override
    {
        ++own;
        return m_requests.get(std::move(pathAndQuery));
    }

    std::atomic<int> shared{0};
    std::atomic<int> own{0};

private:
    SimulatedHttpTransport m_requests;
};

/// A deterministic run of @p variant, with the tasks it spawned beside its metrics.
QVariantMap runCountingTasks(const QString &variant, const QVariantMap &overrides)
{
    Runtime runtime(RuntimeConfig::deterministic(1));
    FanOutScenario scenario;
    QVariantMap parameters = scenario.defaultParameters();
    parameters.insert(overrides);
    ScenarioContext context{runtime, parameters, variant, {}};
    const std::uint64_t before = runtime.tasksSpawned();
    QVariantMap metrics = runtime.blockOn(scenario.run(context));
    metrics.insert(QStringLiteral("tasks_spawned"), qulonglong(runtime.tasksSpawned() - before));
    metrics.insert(QStringLiteral("live_after_run"), qulonglong(runtime.liveTasks()));
    return metrics;
}

} // namespace

class TestFanOutScenario : public QObject
{
    Q_OBJECT

private slots:
    void isListedAfterStreamPipelineWithTheIssuesDefaults()
    {
        const QStringList ids = ScenarioCatalog::ids();
        QCOMPARE(ids.indexOf(QStringLiteral("fan-out")), ids.indexOf(QStringLiteral("stream-pipeline")) + 1);
        const Scenario *scenario = ScenarioCatalog::find(QStringLiteral("fan-out"));
        QVERIFY(scenario);
        const QVariantMap defaults = scenario->defaultParameters();
        QCOMPARE(defaults.value("requests").toInt(), 3);
        QCOMPARE(defaults.value("base_delay_ms").toInt(), 1000);
        QCOMPARE(defaults.value("concurrency").toInt(), 0);
        QCOMPARE(defaults.value("failure_rate").toDouble(), 0.0);
        QCOMPARE(defaults.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(defaults.value("delay_order").toString(), QStringLiteral("ascending"));
    }

    void defaultsCompleteInDelayOrderAllAtOnce()
    {
        const QVariantMap metrics = runFanOut();
        // Deterministic mode forces the simulated transport, even though the default is http.
        QCOMPARE(metrics.value("transport").toString(), QStringLiteral("simulated"));
        QCOMPARE(ints(metrics.value("delays_ms")), (QList<int>{1000, 2000, 3000}));
        QCOMPARE(ints(metrics.value("completion_order")), (QList<int>{0, 1, 2}));
        QCOMPARE(ints(metrics.value("statuses")), (QList<int>{200, 200, 200}));
        // All at once: the run takes as long as the slowest request, not the sum.
        QCOMPARE(metrics.value("total_ms").toLongLong(), 3000);
        QCOMPARE(metrics.value("max_in_flight").toInt(), 3);
        QCOMPARE(metrics.value("errors").toInt(), 0);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0ull);
    }

    void completionOrderFollowsTheDelaysNotTheRequestOrder()
    {
        // Requests go out 0, 1, 2, 3 but the first waits longest.
        const QVariantMap descending = runFanOut({{"requests", 4}, {"delay_order", "descending"}});
        QCOMPARE(ints(descending.value("delays_ms")), (QList<int>{4000, 3000, 2000, 1000}));
        QCOMPARE(ints(descending.value("completion_order")), (QList<int>{3, 2, 1, 0}));
        QCOMPARE(descending.value("total_ms").toLongLong(), 4000);

        const QVariantMap shuffled = runFanOut({{"requests", 20}, {"delay_order", "shuffled"}, {"base_delay_ms", 10}});
        const QList<int> delays = ints(shuffled.value("delays_ms"));
        QVERIFY2(delays != byDelay(delays), "the shuffle left the delays in request order");
        QCOMPARE(ints(shuffled.value("completion_order")), byDelay(delays));
        QCOMPARE(shuffled.value("total_ms").toLongLong(), 200);
    }

    void zeroRequestsFinishAtOnceWithEmptyResults()
    {
        const QVariantMap metrics = runFanOut({{"requests", 0}});
        QVERIFY(metrics.value("completion_order").toList().isEmpty());
        QVERIFY(metrics.value("statuses").toList().isEmpty());
        QCOMPARE(metrics.value("total_ms").toLongLong(), 0);
        QCOMPARE(metrics.value("max_in_flight").toInt(), 0);
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0ull);
    }

    void concurrencyOneRunsThemOneByOneInRequestOrder()
    {
        // Descending delays would complete 2, 1, 0 all at once; one at a time they cannot.
        const QVariantMap metrics = runFanOut({{"concurrency", 1}, {"delay_order", "descending"}});
        QCOMPARE(ints(metrics.value("completion_order")), (QList<int>{0, 1, 2}));
        QCOMPARE(metrics.value("total_ms").toLongLong(), 3000 + 2000 + 1000);
        QCOMPARE(metrics.value("max_in_flight").toInt(), 1);
        QCOMPARE(ints(metrics.value("statuses")), (QList<int>{200, 200, 200}));
    }

    void aLimitStartsTheNextRequestWhenOneCompletes()
    {
        // Requests 0 (1 s) and 1 (2 s) start; 0 ends at 1 s and 2 (3 s) starts, ending at 4 s.
        const QVariantMap metrics = runFanOut({{"concurrency", 2}});
        QCOMPARE(metrics.value("max_in_flight").toInt(), 2);
        QCOMPARE(metrics.value("total_ms").toLongLong(), 4000);
        QCOMPARE(ints(metrics.value("completion_order")), (QList<int>{0, 1, 2}));
        // A limit above the number of requests is no limit.
        const QVariantMap loose = runFanOut({{"concurrency", 10}});
        QCOMPARE(loose.value("max_in_flight").toInt(), 3);
        QCOMPARE(loose.value("total_ms").toLongLong(), 3000);
    }

    void failureRateOneMakesEveryRequestAFiveHundred()
    {
        const QVariantMap metrics = runFanOut({{"failure_rate", 1.0}});
        QCOMPARE(ints(metrics.value("statuses")), (QList<int>{500, 500, 500}));
        // Still answers, in delay order: an HTTP error status is not a transport error.
        QCOMPARE(ints(metrics.value("completion_order")), (QList<int>{0, 1, 2}));
        QCOMPARE(metrics.value("errors").toInt(), 0);
    }

    void aFailureRateInBetweenIsDrawnFromTheSeed()
    {
        const QVariantMap overrides{{"requests", 200}, {"failure_rate", 0.5}, {"base_delay_ms", 1}};
        const QList<int> first = ints(runFanOut(overrides, RuntimeConfig::deterministic(5)).value("statuses"));
        const QList<int> again = ints(runFanOut(overrides, RuntimeConfig::deterministic(5)).value("statuses"));
        const QList<int> other = ints(runFanOut(overrides, RuntimeConfig::deterministic(6)).value("statuses"));
        QCOMPARE(again, first);
        QVERIFY(other != first);
        const auto failed = std::count(first.begin(), first.end(), 500);
        QCOMPARE(failed + std::count(first.begin(), first.end(), 200), qsizetype(200));
        // 200 fair draws: far from all or none (each of those has probability 2^-200).
        QVERIFY2(failed > 50 && failed < 150, qPrintable(QString::number(failed)));
    }

    void aZeroBaseDelayAnswersEverythingAtOnce()
    {
        const QVariantMap metrics = runFanOut({{"base_delay_ms", 0}, {"requests", 5}});
        QCOMPARE(metrics.value("total_ms").toLongLong(), 0);
        QCOMPARE(metrics.value("completion_order").toList().size(), 5);
        QCOMPARE(ints(metrics.value("statuses")), (QList<int>{200, 200, 200, 200, 200}));
    }

    void runsOnSeveralWorkersGiveTheSameOrder()
    {
        const QVariantMap metrics =
            runFanOut({{"requests", 8}, {"delay_order", "descending"}, {"base_delay_ms", 5}}, virtualConfig(4));
        QCOMPARE(ints(metrics.value("completion_order")), (QList<int>{7, 6, 5, 4, 3, 2, 1, 0}));
        QCOMPARE(metrics.value("total_ms").toLongLong(), 40);
    }

    void eachRequestIsTracedFromItsStartToItsStatusAndEachCompletionByPlace()
    {
        // Two at a time, descending, half of them failing: starts are staggered, statuses mixed.
        TracedCounters traced;
        const QVariantMap metrics = runFanOutTraced(
            {{"requests", 6}, {"base_delay_ms", 100}, {"concurrency", 2}, {"delay_order", "descending"},
             {"failure_rate", 0.5}},
            traced);
        const QList<int> statuses = ints(metrics.value("statuses"));
        const QList<int> delays = ints(metrics.value("delays_ms"));
        const QList<int> order = ints(metrics.value("completion_order"));
        QCOMPARE(order.size(), 6);
        QVERIFY2(statuses.contains(500) && statuses.contains(200), "seed 1 should mix 200s and 500s");
        for (int index = 0; index < 6; ++index) {
            const QString name = QStringLiteral("request %1").arg(index);
            // In flight (-1) when it went out, then its status, once each.
            QCOMPARE(traced.values.value(name), (QList<qlonglong>{-1, statuses.at(index)}));
            const QList<double> times = traced.timesMs.value(name);
            QCOMPARE(times.at(1) - times.at(0), double(delays.at(index)));
            // Its place in the completion order, as the collector handled it.
            const QString place = QStringLiteral("completion %1").arg(order.indexOf(index) + 1);
            QCOMPARE(traced.values.value(place), (QList<qlonglong>{index}));
        }
        QVERIFY(!traced.values.contains(QStringLiteral("completion 7")));
        // At most two in flight: request 2 goes out only when the first answer is in.
        QCOMPARE(traced.timesMs.value(QStringLiteral("request 2")).at(0), double(std::min(delays.at(0), delays.at(1))));
        const QList<qlonglong> inFlight = traced.values.value(QStringLiteral("requests in flight"));
        QVERIFY(!inFlight.isEmpty());
        QCOMPARE(*std::max_element(inFlight.begin(), inFlight.end()), metrics.value("max_in_flight").toLongLong());
    }

    void theSeedPollsEveryRequestFromItsOneTaskWithNoLimit()
    {
        const QVariantMap overrides{{"requests", 5}, {"base_delay_ms", 100}, {"concurrency", 2}};
        const QVariantMap seed = runCountingTasks(QStringLiteral("seed"), overrides);
        // One task, the run's own: the requests are futures polled inside it.
        QCOMPARE(seed.value("tasks_spawned").toULongLong(), 1ull);
        // The guide has no limit: concurrency is the robust variant's.
        QCOMPARE(seed.value("max_in_flight").toInt(), 5);
        QCOMPARE(seed.value("total_ms").toLongLong(), 500);
        QCOMPARE(ints(seed.value("completion_order")), (QList<int>{0, 1, 2, 3, 4}));
        QCOMPARE(seed.value("live_after_run").toULongLong(), 0ull);

        const QVariantMap robust = runCountingTasks(QStringLiteral("robust"), overrides);
        QCOMPARE(robust.value("tasks_spawned").toULongLong(), 6ull); // the run's and one per request
        QCOMPARE(robust.value("max_in_flight").toInt(), 2);
    }

    void theSeedKeepsErrorStatusesAndDropsTheRequestsWithoutAnAnswer()
    {
        const QVariantMap overrides{{"requests", 12}, {"base_delay_ms", 50}, {"failure_rate", 0.3}, {"drop_rate", 0.3}};
        const QVariantMap seedRun = runScenario(FanOutScenario(), overrides, QStringLiteral("seed"));
        const QVariantMap robust = runFanOut(overrides);
        // The same plan (drawn before anything runs) on both variants.
        QCOMPARE(seedRun.value("delays_ms"), robust.value("delays_ms"));
        const QList<int> robustStatuses = ints(robust.value("statuses"));
        const int unanswered = int(robustStatuses.count(0));
        QVERIFY2(unanswered > 0 && robustStatuses.contains(500), "seed 1 should drop some and fail some");
        QCOMPARE(robust.value("errors").toInt(), unanswered);
        // The guide's filter_map: the statuses of the answers, in completion order; a 500 is
        // kept, a request without an answer is gone from the list and counted only by us.
        QList<int> answeredInCompletionOrder;
        for (int index : ints(robust.value("completion_order"))) {
            if (robustStatuses.at(index) != 0)
                answeredInCompletionOrder << robustStatuses.at(index);
        }
        QCOMPARE(ints(seedRun.value("statuses")), answeredInCompletionOrder);
        QCOMPARE(seedRun.value("answers_dropped").toInt(), unanswered);
        QVERIFY(!seedRun.contains(QStringLiteral("errors")));
        QCOMPARE(ints(seedRun.value("completion_order")).size(), 12);
    }

    void theSeedSendsEachRequestThroughAClientOfItsOwn()
    {
        auto transport = std::make_shared<ClientCountingTransport>();
        setInstalledHttpTransport(transport);
        const auto uninstall = qScopeGuard([] { setInstalledHttpTransport(nullptr); });
        RuntimeConfig config;
        config.workerThreads = 1; // the real clock: transport=http is not forced to simulated
        const QVariantMap seed =
            runScenario(FanOutScenario(), {{"requests", 4}, {"base_delay_ms", 1}}, QStringLiteral("seed"), config);
        QCOMPARE(seed.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(transport->own.load(), 4);
        QCOMPARE(transport->shared.load(), 0);
        (void)runScenario(FanOutScenario(), {{"requests", 4}, {"base_delay_ms", 1}}, QStringLiteral("robust"), config);
        QCOMPARE(transport->own.load(), 4);
        QCOMPARE(transport->shared.load(), 4);
    }

    void settingsOutsideTheRangeAreRejectedWithTheName_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::addColumn<QString>("range");
        QTest::newRow("requests below") << "requests=-1" << "0–1000";
        QTest::newRow("requests above") << "requests=1001" << "0–1000";
        QTest::newRow("base delay") << "base_delay_ms=60001" << "0–60000 ms";
        QTest::newRow("concurrency") << "concurrency=-1" << "0–1000";
        QTest::newRow("failure rate") << "failure_rate=1.5" << "0–1";
        QTest::newRow("failure rate text") << "failure_rate=often" << "0–1";
        QTest::newRow("drop rate") << "drop_rate=-0.1" << "0–1";
        QTest::newRow("transport") << "transport=carrier-pigeon" << "http, simulated";
        QTest::newRow("delay order") << "delay_order=random" << "ascending, descending, shuffled";
    }

    void settingsOutsideTheRangeAreRejectedWithTheName()
    {
        QFETCH(QString, setting);
        QFETCH(QString, range);
        FanOutScenario scenario;
        QVariantMap parameters;
        const QString error = ScenarioRunner::applySetting(scenario, setting, parameters);
        const QString name = setting.section(QLatin1Char('='), 0, 0);
        QVERIFY2(error.contains(QStringLiteral("parameter %1 ").arg(name)) && error.contains(range), qPrintable(error));
        QVERIFY(parameters.isEmpty());
    }

    void startingTheHttpTransportHoldsNoWorker()
    {
        // The defaults, as the command line runs them (two real workers, transport=http), with
        // a transport that takes 40 ms to start: started in the run's first poll, it held a
        // worker that long, and the run warned of a blocking call between awaits.
        auto transport = std::make_shared<SlowStartTransport>();
        setInstalledHttpTransport(transport);
        const auto uninstall = qScopeGuard([] { setInstalledHttpTransport(nullptr); });
        ScenarioRunOptions options;
        options.scenario = QStringLiteral("fan-out");
        QString error;
        const std::optional<ScenarioRunReport> report = ScenarioRunner::run(options, &error);
        QVERIFY2(report, qPrintable(error));
        QCOMPARE(report->metrics.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(ints(report->metrics.value("completion_order")), (QList<int>{0, 1, 2}));
        // Where the start ran, not how long a poll took: a poll's length is the machine's
        // (a sanitizer build or a busy host makes ordinary polls pass the warning's 10 ms).
        QVERIFY(transport->starts >= 1);
        QCOMPARE(transport->startsOnAWorker.load(), 0);
    }

    void httpWithoutAnInstalledTransportFailsWithAClearError()
    {
        QVERIFY(!installedHttpTransport()); // this test program links no network
        RuntimeConfig config;
        config.workerThreads = 1; // the real clock: http is not forced to simulated
        FanOutScenario scenario;
        Runtime runtime(config);
        QVariantMap parameters = scenario.defaultParameters();
        parameters.insert(QStringLiteral("transport"), QStringLiteral("http"));
        ScenarioContext context{runtime, parameters, QStringLiteral("robust"), {}};
        QString message;
        try {
            (void)runtime.blockOn(scenario.run(context));
        } catch (const std::runtime_error &error) {
            message = QString::fromUtf8(error.what());
        }
        QVERIFY2(message.contains("transport=http") && message.contains("transport=simulated"), qPrintable(message));
        QCOMPARE(runtime.liveTasks(), std::size_t(0));

        // The headless runner reports it as the run's error (the command line prints it, status 1).
        ScenarioRunOptions options;
        options.scenario = QStringLiteral("fan-out");
        options.parameters.insert(QStringLiteral("transport"), QStringLiteral("http"));
        QString error;
        QVERIFY(!ScenarioRunner::run(options, &error));
        QVERIFY2(error.startsWith(QStringLiteral("scenario fan-out failed: ")) && error.contains(QStringLiteral("transport=http needs")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestFanOutScenario)
#include "tst_fanoutscenario.moc"
