#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/simulatedhttptransport.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "time/sleep.h"
#endif

#include <memory>

using namespace taskscope;
using namespace taskscope::test;

class TestSimulatedHttpTransport : public QObject
{
    Q_OBJECT

private slots:
    void answersTheServersRoutesWithItsStatusesOnTheRuntimeClock()
    {
        Runtime runtime(virtualConfig());
        auto transport = std::make_shared<SimulatedHttpTransport>();
        const auto fetch = [&](const char *path) {
            return runtime.blockOn(transport->get(QString::fromLatin1(path)));
        };
        const long long before = elapsedMs(runtime);
        QCOMPARE(fetch("/delay/250").status, 200);
        QCOMPARE(elapsedMs(runtime) - before, 250);
        QCOMPARE(fetch("/delay/10?status=503").status, 503);
        QCOMPARE(fetch("/status/418").status, 418);
        QCOMPARE(fetch("/get").status, 200);
        QCOMPARE(fetch("/nowhere").status, 404);
        QCOMPARE(fetch("/delay/-5").status, 400);
        QCOMPARE(fetch("/status/42").status, 400);
        QCOMPARE(fetch("/delay/5?status=abc").status, 400);
    }

    void anAbortedDelayLeavesNothingBehind()
    {
        Runtime runtime(virtualConfig());
        auto transport = std::make_shared<SimulatedHttpTransport>();
        const long long ended = runtime.blockOn([](std::shared_ptr<SimulatedHttpTransport> http) -> Task<long long> {
            JoinSet<HttpResponse> set;
            set.spawn(http->get(QStringLiteral("/delay/60000")));
            co_await sleep(std::chrono::milliseconds(10));
            set.abortAll();
            auto result = co_await set.joinNext();
            co_return result && !result->isOk() && result->error().isCancelled() ? elapsedMs(currentRuntime("test")) : -1;
        }(transport));
        QCOMPARE(ended, 10);
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestSimulatedHttpTransport)
#include "tst_simulatedhttptransport.moc"
