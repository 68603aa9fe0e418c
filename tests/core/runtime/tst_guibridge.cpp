// A QCoro::Task on the GUI thread awaits engine JoinHandles and resumes on the GUI thread.

#include <QCoreApplication>
#include <QTest>
#include <QThread>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "time/sleep.h"

#include <QCoroTask>

#include <thread>
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

QCoro::Task<QString> guiSide(Runtime &runtime, QThread *&resumedOn)
{
    JoinHandle<int> handle = runtime.spawn([]() -> Task<int> {
        co_await sleep(5ms);
        co_return 21;
    }());
    const int value = co_await handle.join();
    resumedOn = QThread::currentThread();
    JoinHandle<int> failing = runtime.spawn([]() -> Task<int> {
        co_await sleep(1ms);
        throw std::runtime_error("engine side failed");
    }());
    try {
        co_await failing;
    } catch (const JoinError &error) {
        co_return QStringLiteral("%1 then %2").arg(value * 2).arg(error.message());
    }
    co_return QString();
}

} // namespace

class TestGuiBridge : public QObject
{
    Q_OBJECT

private slots:
    void aQCoroTaskAwaitsAJoinHandleAndResumesOnItsOwnThread()
    {
        RuntimeConfig config;
        config.workerThreads = 2;
        Runtime runtime(config);
        QThread *resumedOn = nullptr;
        QString result;
        bool done = false;
        auto task = guiSide(runtime, resumedOn);
        task.then([&](const QString &value) {
            result = value;
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
        QCOMPARE(result, QStringLiteral("42 then engine side failed"));
        QCOMPARE(resumedOn, QThread::currentThread());
    }

    void awaitingOnAThreadWithoutAnEventLoopIsALogicError()
    {
        Runtime runtime(virtualConfig());
        JoinHandle<int> handle = runtime.spawn([]() -> Task<int> {
            co_await sleep(1h);
            co_return 0;
        }());
        bool threw = false;
        // A plain OS thread: Qt gave it no event dispatcher.
        std::thread plain([&] {
            auto awaiter = handle.join();
            try {
                (void)awaiter.await_suspend(std::noop_coroutine());
            } catch (const std::logic_error &) {
                threw = true;
            }
        });
        plain.join();
        QVERIFY(threw);
        handle.abort();
    }
};

QTEST_GUILESS_MAIN(TestGuiBridge)
#include "tst_guibridge.moc"
