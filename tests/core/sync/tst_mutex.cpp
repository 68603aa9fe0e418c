#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "runtime/runtime.h"
#include "runtime/yieldnow.h"
#include "sync/mutex.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

class TestMutex : public QObject
{
    Q_OBJECT

private slots:
    void theGuardIsHeldAcrossAwaitsAndExcludesOthers()
    {
        RuntimeConfig config;
        config.workerThreads = 4;
        Runtime runtime(config);
        Mutex<std::vector<int>> shared;
        runtime.blockOn([](Mutex<std::vector<int>> &m) -> Task<void> {
            std::vector<JoinHandle<void>> tasks;
            for (int t = 0; t < 8; ++t) {
                tasks.push_back(spawn([](Mutex<std::vector<int>> &mutex, int id) -> Task<void> {
                    for (int i = 0; i < 200; ++i) {
                        auto guard = co_await mutex.lock();
                        guard->push_back(id);
                        co_await yieldNow(); // others run, but cannot enter
                        guard->push_back(id);
                    }
                }(m, t)));
            }
            for (auto &task : tasks)
                co_await task.join();
        }(shared));
        auto guard = shared.tryLock();
        QVERIFY(guard.has_value());
        const std::vector<int> &values = **guard;
        QCOMPARE(values.size(), std::size_t(8 * 200 * 2));
        for (std::size_t i = 0; i < values.size(); i += 2)
            QCOMPARE(values[i], values[i + 1]); // pairs never interleave
    }

    void lockersAreServedInFifoOrder()
    {
        Runtime runtime(virtualConfig());
        Mutex<QStringList> log;
        runtime.blockOn([](Mutex<QStringList> &m) -> Task<void> {
            auto held = co_await m.lock();
            std::vector<JoinHandle<void>> tasks;
            for (int i = 0; i < 4; ++i) {
                tasks.push_back(spawn([](Mutex<QStringList> &mutex, int n) -> Task<void> {
                    co_await sleep(std::chrono::milliseconds(n));
                    auto guard = co_await mutex.lock();
                    guard->append(QString::number(n));
                }(m, 3 - i)));
            }
            co_await sleep(10ms);
            held->append(QStringLiteral("waiters=%1").arg(m.waiterCount()));
            { auto release = std::move(held); }
            for (auto &task : tasks)
                co_await task.join();
        }(log));
        QCOMPARE(**log.tryLock(), QStringList({"waiters=4", "0", "1", "2", "3"}));
    }

    void aMutexCarriesItsNameAndIdForTheTrace()
    {
        Mutex<int> plain(1);
        Mutex<QString> named(MutexName{QStringLiteral("pool lock")}, QStringLiteral("value"));
        QCOMPARE(plain.name(), QStringLiteral("mutex"));
        QCOMPARE(named.name(), QStringLiteral("pool lock"));
        QVERIFY(named.objectId() != plain.objectId());
        QCOMPARE(**named.tryLock(), QStringLiteral("value"));
    }

    void tryLockFailsWhileHeld()
    {
        Runtime runtime(virtualConfig());
        Mutex<int> value(5);
        const QList<bool> results = runtime.blockOn([](Mutex<int> &m) -> Task<QList<bool>> {
            auto guard = co_await m.lock();
            QList<bool> out{m.isLocked(), m.tryLock().has_value()};
            *guard = 6;
            co_return out;
        }(value));
        QCOMPARE(results, QList<bool>({true, false}));
        QVERIFY(!value.isLocked());
        QCOMPARE(**value.tryLock(), 6);
    }
};

QTEST_GUILESS_MAIN(TestMutex)
#include "tst_mutex.moc"
