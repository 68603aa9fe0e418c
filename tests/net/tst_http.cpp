// Real HTTP on loopback: the embedded server, httpGet awaited by engine tasks on a real
// runtime, cancellation while a reply is in flight, and the fan-out scenario over http.

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "scenariotest.h"
#include "net/httpget.h"
#include "net/httptestserver.h"
#include "net/iothread.h"
#include "net/networkhttptransport.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "scenarios/fanoutscenario.h"
#include "scenarios/scenariorunner.h"
#include "time/sleep.h"
#include "time/timeout.h"
#endif

#include <memory>
#include <stdexcept>

using namespace taskscope;
using namespace taskscope::test;

namespace {

/// Two workers on the real clock: requests take real time here.
RuntimeConfig httpConfig()
{
    RuntimeConfig config = realConfig(2);
    config.threadName = QStringLiteral("tst-http");
    return config;
}

/// Runs @p task on @p runtime, failing (by exception, which QTest reports) after 15 s.
template<typename T>
T runWithin(Runtime &runtime, Task<T> task)
{
    auto limited = runtime.blockOn(timeout(std::chrono::seconds(15), std::move(task)));
    if (limited.timedOut())
        throw std::runtime_error("the engine task did not finish within 15 s");
    return std::move(limited.value());
}

/// GETs @p url with a QNetworkAccessManager on the test's own thread (the server alone).
struct PlainAnswer
{
    int status = 0;
    QByteArray body;
};
PlainAnswer plainGet(QNetworkAccessManager &manager, const QUrl &url)
{
    QNetworkReply *reply = manager.get(QNetworkRequest(url));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(10000))
        return {};
    PlainAnswer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return answer;
}

Task<HttpResponse> getFrom(std::shared_ptr<detail::IoState> io, QUrl url)
{
    co_return co_await HttpGetAwaiter(std::move(io), std::move(url), std::source_location::current());
}

Task<HttpResponse> joined(JoinHandle<HttpResponse> handle)
{
    co_return co_await handle.join();
}

/// What one engine request gave, and when (ms since the runtime started).
struct Timed
{
    int index = 0;
    int status = 0;
    long long atMs = 0;
};

Task<Timed> timedGet(std::shared_ptr<detail::IoState> io, QUrl url, int index)
{
    HttpResponse response = co_await HttpGetAwaiter(std::move(io), std::move(url), std::source_location::current());
    co_return Timed{index, response.status, elapsedMs(currentRuntime("timedGet"))};
}

QList<int> ints(const QVariant &list)
{
    QList<int> out;
    for (const QVariant &item : list.toList())
        out << item.toInt();
    return out;
}

} // namespace

class TestHttp : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_server = std::make_unique<HttpTestServer>();
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_io = std::make_unique<IoThread>();
    }

    void cleanup()
    {
        m_io.reset();
        m_server.reset();
    }

    void theServerListensOnAFreeLoopbackPort()
    {
        QVERIFY(m_server->isRunning());
        QVERIFY(m_server->port() != 0);
        QCOMPARE(m_server->baseUrl().host(), QStringLiteral("127.0.0.1"));
        HttpTestServer second;
        QVERIFY(second.start());
        QVERIFY(second.port() != 0);
        QVERIFY(second.port() != m_server->port());
        second.stop();
        QVERIFY(!second.isRunning());
    }

    void theServerAnswersLikeHttpbin_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("bodyPart");
        QTest::newRow("delay") << "/delay/30" << 200 << QByteArray("\"delay_ms\"");
        QTest::newRow("delay with status") << "/delay/10?status=503" << 503 << QByteArray("delay_ms");
        QTest::newRow("status") << "/status/418" << 418 << QByteArray();
        QTest::newRow("get") << "/get?answer=42" << 200 << QByteArray("\"answer\"");
        QTest::newRow("unknown route") << "/nowhere" << 404 << QByteArray();
        QTest::newRow("unknown status") << "/status/42" << 400 << QByteArray();
        QTest::newRow("negative delay") << "/delay/-1" << 400 << QByteArray();
        QTest::newRow("bad status query") << "/delay/1?status=abc" << 400 << QByteArray();
    }

    void theServerAnswersLikeHttpbin()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QByteArray, bodyPart);
        QNetworkAccessManager manager;
        manager.setProxy(QNetworkProxy::NoProxy);
        const PlainAnswer answer = plainGet(manager, m_server->baseUrl().resolved(QUrl(path)));
        QCOMPARE(answer.status, status);
        QVERIFY2(answer.body.contains(bodyPart), answer.body.constData());
    }

    void aWaitingDelayDoesNotHoldTheServer()
    {
        QNetworkAccessManager manager;
        manager.setProxy(QNetworkProxy::NoProxy);
        QNetworkReply *slow = manager.get(QNetworkRequest(m_server->baseUrl().resolved(QUrl("/delay/20000"))));
        // The quick answer comes back while the slow one is still waiting on the server.
        QCOMPARE(plainGet(manager, m_server->baseUrl().resolved(QUrl("/status/204"))).status, 204);
        QVERIFY(!slow->isFinished());
        slow->abort();
        delete slow;
    }

    void httpGetWakesEngineTasksInTheOrderTheAnswersArrive()
    {
        Runtime runtime(httpConfig());
        const QUrl base = m_server->baseUrl();
        const QList<int> delays{600, 50, 300};
        const std::vector<Timed> done = runWithin(runtime, [](std::shared_ptr<detail::IoState> io, QUrl base,
                                                              QList<int> delays) -> Task<std::vector<Timed>> {
            JoinSet<Timed> set;
            for (int index = 0; index < delays.size(); ++index)
                set.spawn(timedGet(io, base.resolved(QUrl(QStringLiteral("/delay/%1").arg(delays.at(index)))), index));
            std::vector<Timed> out;
            while (auto result = co_await set.joinNext())
                out.push_back(result->value());
            co_return out;
        }(m_io->state(), base, delays));
        QCOMPARE(done.size(), std::size_t(3));
        QCOMPARE(done.at(0).index, 1);
        QCOMPARE(done.at(1).index, 2);
        QCOMPARE(done.at(2).index, 0);
        for (const Timed &each : done) {
            QCOMPARE(each.status, 200);
            // The runtime's real clock: never before the server's delay.
            QVERIFY2(each.atMs >= delays.at(each.index), qPrintable(QString::number(each.atMs)));
        }
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
    }

    void httpGetGivesStatusesAndTransportErrors()
    {
        Runtime runtime(httpConfig());
        const QUrl base = m_server->baseUrl();
        QCOMPARE(runWithin(runtime, getFrom(m_io->state(), base.resolved(QUrl("/status/503")))).status, 503);
        const HttpResponse withBody = runWithin(runtime, getFrom(m_io->state(), base.resolved(QUrl("/get?x=1"))));
        QCOMPARE(withBody.status, 200);
        QVERIFY(withBody.error.isEmpty());
        QVERIFY(withBody.body.contains("\"x\""));
        // Nobody listens on a stopped server's port: no answer, status 0 and an error.
        HttpTestServer gone;
        QVERIFY(gone.start());
        const QUrl goneUrl = gone.baseUrl().resolved(QUrl("/get"));
        gone.stop();
        const HttpResponse refused = runWithin(runtime, getFrom(m_io->state(), goneUrl));
        QCOMPARE(refused.status, 0);
        QVERIFY(!refused.answered());
        QVERIFY(!refused.error.isEmpty());
    }

    void aDroppedRequestGetsNoAnswerThroughEitherClient()
    {
        Runtime runtime(httpConfig());
        const QUrl dropped = m_server->baseUrl().resolved(QUrl("/delay/10?drop=1"));
        const HttpResponse shared = runWithin(runtime, getFrom(m_io->state(), dropped));
        QCOMPARE(shared.status, 0);
        QVERIFY(!shared.error.isEmpty());
        const HttpResponse own = runWithin(
            runtime, [](std::shared_ptr<detail::IoState> io, QUrl url) -> Task<HttpResponse> {
                co_return co_await HttpGetAwaiter(std::move(io), std::move(url), std::source_location::current(), true);
            }(m_io->state(), dropped));
        QCOMPARE(own.status, 0);
        // The same path without drop is answered, through a client of its own too.
        const HttpResponse answered = runWithin(
            runtime, [](std::shared_ptr<detail::IoState> io, QUrl url) -> Task<HttpResponse> {
                co_return co_await HttpGetAwaiter(std::move(io), std::move(url), std::source_location::current(), true);
            }(m_io->state(), m_server->baseUrl().resolved(QUrl("/delay/10?status=500"))));
        QCOMPARE(answered.status, 500);
    }

    void theSeedFanOutOverRealHttpHasNoConnectionLimitAndDropsTheUnanswered()
    {
        const HttpTransportInstallation http = installHttpTransport();
        // Eight requests, a client each, no limit: all eight out at once, all answered.
        const QVariantMap all = runScenario(FanOutScenario(), {{"transport", "http"}, {"requests", 8}, {"base_delay_ms", 100}},
                                            QStringLiteral("seed"), httpConfig());
        QCOMPARE(all.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(all.value("max_in_flight").toInt(), 8);
        QCOMPARE(ints(all.value("statuses")), QList<int>(8, 200));
        QCOMPARE(all.value("answers_dropped").toInt(), 0);
        QCOMPARE(all.value("live_after_run").toULongLong(), 0ull);
        // Every request reset: the guide's result is empty, and says nothing of why.
        const QVariantMap none = runScenario(FanOutScenario(), {{"transport", "http"}, {"requests", 4}, {"drop_rate", 1.0}},
                                             QStringLiteral("seed"), httpConfig());
        QVERIFY(ints(none.value("statuses")).isEmpty());
        QCOMPARE(none.value("answers_dropped").toInt(), 4);
        QCOMPARE(ints(none.value("completion_order")).size(), 4);
    }

    void httpGetOutsideATaskIsALogicError()
    {
        HttpGetAwaiter awaiter(m_io->state(), m_server->baseUrl(), std::source_location::current());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, (void)awaiter.await_suspend(std::noop_coroutine()));
    }

    void abortingATaskWhileItsReplyIsInFlightIsSafe()
    {
        Runtime runtime(httpConfig());
        const QUrl slowUrl = m_server->baseUrl().resolved(QUrl("/delay/20000"));
        const long long abortedAfter = runWithin(runtime, [](std::shared_ptr<detail::IoState> io, QUrl url) -> Task<long long> {
            Runtime &rt = currentRuntime("test");
            JoinHandle<HttpResponse> request = spawn(getFrom(io, url), QStringLiteral("slow request"));
            co_await sleep(std::chrono::milliseconds(200)); // let it reach the server
            const long long start = elapsedMs(rt);
            request.abort();
            bool cancelled = false;
            try {
                (void)co_await request.join();
            } catch (const JoinError &error) {
                cancelled = error.isCancelled();
            }
            co_return cancelled ? elapsedMs(rt) - start : -1;
        }(m_io->state(), slowUrl));
        QVERIFY2(abortedAfter >= 0 && abortedAfter < 5000, qPrintable(QString::number(abortedAfter)));
        // The I/O thread and the server still serve.
        QCOMPARE(runWithin(runtime, getFrom(m_io->state(), m_server->baseUrl().resolved(QUrl("/status/200")))).status,
                 200);
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
    }

    void abortsRacingTheirRepliesNeverTouchADeadTask()
    {
        // Replies that finish at about the moment their task is aborted: each join is either
        // an answer or a cancellation, and nothing crashes, hangs or leaks a task.
        Runtime runtime(httpConfig());
        const QUrl base = m_server->baseUrl();
        const QList<int> outcomes = runWithin(runtime, [](std::shared_ptr<detail::IoState> io, QUrl base) -> Task<QList<int>> {
            int answered = 0;
            int cancelled = 0;
            for (int round = 0; round < 60; ++round) {
                JoinHandle<HttpResponse> request =
                    spawn(getFrom(io, base.resolved(QUrl(QStringLiteral("/delay/%1").arg(round % 4)))));
                co_await sleep(std::chrono::microseconds(round * 97 % 4000));
                request.abort();
                try {
                    const HttpResponse response = co_await request.join();
                    // Answered just before the abort: a whole answer, never a torn one.
                    if (response.status == 200)
                        ++answered;
                } catch (const JoinError &error) {
                    if (error.isCancelled())
                        ++cancelled;
                }
            }
            co_return QList<int>{answered, cancelled};
        }(m_io->state(), base));
        qInfo("%d answered before their abort, %d cancelled", outcomes.at(0), outcomes.at(1));
        QCOMPARE(outcomes.at(0) + outcomes.at(1), 60);
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
        QCOMPARE(runWithin(runtime, getFrom(m_io->state(), base.resolved(QUrl("/status/200")))).status, 200);
    }

    void destroyingTheRuntimeWhileARequestWaitsIsSafe()
    {
        {
            Runtime runtime(httpConfig());
            JoinHandle<HttpResponse> request =
                runtime.spawn(getFrom(m_io->state(), m_server->baseUrl().resolved(QUrl("/delay/20000"))));
            // Whether the request is posted, in flight or not started yet when the runtime goes,
            // its frame is destroyed and the reply is aborted, touching nothing of the runtime.
            QTest::qWait(100);
        }
        Runtime after(httpConfig());
        QCOMPARE(runWithin(after, getFrom(m_io->state(), m_server->baseUrl().resolved(QUrl("/status/201")))).status,
                 201);
    }

    void stoppingTheIoThreadEndsRequestsInFlightWithAnError()
    {
        Runtime runtime(httpConfig());
        std::shared_ptr<detail::IoState> io = m_io->state();
        JoinHandle<HttpResponse> request =
            runtime.spawn(getFrom(io, m_server->baseUrl().resolved(QUrl("/delay/20000"))), QStringLiteral("waiting"));
        QTest::qWait(100);
        m_io.reset(); // aborts the reply, or finds the request not yet made
        const HttpResponse response = runWithin(runtime, joined(std::move(request)));
        QCOMPARE(response.status, 0);
        QVERIFY2(response.error.contains(QStringLiteral("I/O thread")), qPrintable(response.error));
        // Later requests on the stopped thread fail the same way, at once.
        const HttpResponse later = runWithin(runtime, getFrom(io, m_server->baseUrl()));
        QCOMPARE(later.status, 0);
        QVERIFY(!later.error.isEmpty());
    }

    void theFanOutScenarioRunsOverRealHttp()
    {
        QVERIFY(!installedHttpTransport());
        const HttpTransportInstallation http = installHttpTransport();
        QCOMPARE(installedHttpTransport().get(), &http.transport());

        // 200 ms apart: far more than a busy machine delays one wake-up behind another.
        const QVariantMap metrics = runScenario(FanOutScenario(), {{"transport", "http"}, {"base_delay_ms", 200}},
                                                QStringLiteral("robust"), httpConfig());
        QCOMPARE(metrics.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(ints(metrics.value("completion_order")), (QList<int>{0, 1, 2}));
        QCOMPARE(ints(metrics.value("statuses")), (QList<int>{200, 200, 200}));
        QCOMPARE(metrics.value("errors").toInt(), 0);
        QCOMPARE(metrics.value("max_in_flight").toInt(), 3);
        QVERIFY2(metrics.value("total_ms").toLongLong() >= 600, qPrintable(metrics.value("total_ms").toString()));
        QCOMPARE(metrics.value("live_after_run").toULongLong(), 0ull);
        QVERIFY(http.transport().baseUrl().port() > 0);

        // Descending delays over the network: answers arrive last request first.
        const QVariantMap descending =
            runScenario(FanOutScenario(), {{"transport", "http"}, {"base_delay_ms", 200}, {"delay_order", "descending"}},
                        QStringLiteral("robust"), httpConfig());
        QCOMPARE(ints(descending.value("completion_order")), (QList<int>{2, 1, 0}));

        // failure_rate 1: the server answers every request 500.
        const QVariantMap failing = runScenario(
            FanOutScenario(), {{"transport", "http"}, {"base_delay_ms", 10}, {"failure_rate", 1.0}, {"concurrency", 1}},
            QStringLiteral("robust"), httpConfig());
        QCOMPARE(ints(failing.value("statuses")), (QList<int>{500, 500, 500}));
        QCOMPARE(ints(failing.value("completion_order")), (QList<int>{0, 1, 2}));
        QCOMPARE(failing.value("max_in_flight").toInt(), 1);
    }

    void aFanOutRunAtTheDefaultsStartsTheNetworkWithoutHoldingAWorker()
    {
        // A fresh transport, so the server and the I/O thread start during the run, as they do
        // in a headless run: in the run's first poll they held a worker for 15–34 ms.
        const HttpTransportInstallation http = installHttpTransport();
        ScenarioRunOptions options;
        options.scenario = QStringLiteral("fan-out");
        QString error;
        const std::optional<ScenarioRunReport> report = ScenarioRunner::run(options, &error);
        QVERIFY2(report, qPrintable(error));
        QCOMPARE(report->metrics.value("transport").toString(), QStringLiteral("http"));
        QCOMPARE(ints(report->metrics.value("statuses")), (QList<int>{200, 200, 200}));
        QVERIFY(http.transport().baseUrl().port() > 0);
        // That the start runs off the workers is pinned in tst_fanoutscenario by where it ran;
        // a poll's length here is the machine's (busy hosts and sanitizers pass 10 ms).
    }

    void aStoppedTransportFailsTheRunWithItsReason()
    {
        const HttpTransportInstallation http = installHttpTransport();
        http.transport().stop();
        QString message;
        try {
            (void)runScenario(FanOutScenario(), {{"transport", "http"}, {"base_delay_ms", 10}}, QStringLiteral("robust"),
                              httpConfig());
        } catch (const std::runtime_error &error) {
            message = QString::fromUtf8(error.what());
        }
        QCOMPARE(message, QStringLiteral("transport=http could not start: the HTTP transport has been stopped"));
        // A request made through it anyway gets no answer, and says why.
        Runtime runtime(httpConfig());
        const HttpResponse response = runWithin(runtime, http.transport().get(QStringLiteral("/get")));
        QCOMPARE(response.status, 0);
        QCOMPARE(response.error, QStringLiteral("the HTTP transport has been stopped"));
    }

    void theInstallationEndsWithItsGuard()
    {
        {
            const HttpTransportInstallation http = installHttpTransport();
            QVERIFY(installedHttpTransport());
        }
        QVERIFY(!installedHttpTransport());
    }

private:
    std::unique_ptr<HttpTestServer> m_server;
    std::unique_ptr<IoThread> m_io;
};

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
