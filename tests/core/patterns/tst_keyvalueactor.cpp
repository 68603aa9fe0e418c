#include <QTest>

#ifndef Q_MOC_RUN // moc cannot parse the C++20 library headers behind the engine
#include "coretest.h"
#include "patterns/keyvalueactor.h"
#include "runtime/joinset.h"
#include "runtime/runtime.h"
#include "time/sleep.h"
#endif

using namespace taskscope;
using namespace taskscope::test;

namespace {

using Reply = std::optional<QString>;

const Reply none = std::nullopt;

Reply value(const char *text)
{
    return QString::fromLatin1(text);
}

} // namespace

class TestKeyValueActor : public QObject
{
    Q_OBJECT

private slots:
    void theMessagesReplyAsTheGuidesEnumDoes()
    {
        // Get answers Option<String>, Set answers (), Delete answers bool.
        static_assert(std::is_same_v<decltype(detail::KeyValueGet::respondTo), oneshot::Sender<std::optional<QString>>>);
        static_assert(std::is_same_v<decltype(detail::KeyValueSet::respondTo), oneshot::Sender<std::monostate>>);
        static_assert(std::is_same_v<decltype(detail::KeyValueDelete::respondTo), oneshot::Sender<bool>>);
        static_assert(std::is_same_v<decltype(std::declval<KeyValueHandle>().set({}, {})), Task<void>>);
        static_assert(std::is_same_v<decltype(std::declval<KeyValueHandle>().remove({})), Task<bool>>);
    }

    void getAfterSetSeesTheLatestValue()
    {
        Runtime runtime(virtualConfig());
        const QList<Reply> replies = runtime.blockOn([]() -> Task<QList<Reply>> {
            const KeyValueHandle store = KeyValueHandle::spawn();
            QList<Reply> out;
            out << co_await store.get(QStringLiteral("name"));
            co_await store.set(QStringLiteral("name"), QStringLiteral("Alice"));
            out << co_await store.get(QStringLiteral("name"));
            co_await store.set(QStringLiteral("name"), QStringLiteral("Bob"));
            out << co_await store.get(QStringLiteral("name"));
            co_return out;
        }());
        QCOMPARE(replies, (QList<Reply>{none, value("Alice"), value("Bob")}));
    }

    void deleteAnswersWhetherTheKeyWasThereAndTheKeyIsGone()
    {
        Runtime runtime(virtualConfig());
        struct Seen
        {
            bool firstDelete = false;
            Reply afterDelete;
            bool secondDelete = true;
            Reply other;
        };
        const Seen seen = runtime.blockOn([]() -> Task<Seen> {
            const KeyValueHandle store = KeyValueHandle::spawn();
            Seen out;
            co_await store.set(QStringLiteral("name"), QStringLiteral("Alice"));
            co_await store.set(QStringLiteral("other"), QStringLiteral("kept"));
            out.firstDelete = co_await store.remove(QStringLiteral("name"));
            out.afterDelete = co_await store.get(QStringLiteral("name"));
            out.secondDelete = co_await store.remove(QStringLiteral("name"));
            out.other = co_await store.get(QStringLiteral("other"));
            co_return out;
        }());
        QVERIFY(seen.firstDelete);
        QCOMPARE(seen.afterDelete, none);
        QVERIFY(!seen.secondDelete);
        QCOMPARE(seen.other, value("kept"));
    }

    void anEmptyValueIsStoredAndIsNotAbsence()
    {
        Runtime runtime(virtualConfig());
        const std::pair<Reply, bool> replies = runtime.blockOn([]() -> Task<std::pair<Reply, bool>> {
            const KeyValueHandle store = KeyValueHandle::spawn();
            co_await store.set(QStringLiteral("k"), QString());
            const Reply stored = co_await store.get(QStringLiteral("k"));
            const bool existed = co_await store.remove(QStringLiteral("k"));
            co_return std::pair{stored, existed};
        }());
        QCOMPARE(replies.first, Reply(QString()));
        QVERIFY(replies.second);
    }

    void theActorEndsWhenTheLastHandleIsGoneAfterServingEverything()
    {
        Runtime runtime(virtualConfig());
        const std::uint64_t handled = runtime.blockOn([]() -> Task<std::uint64_t> {
            JoinHandle<std::uint64_t> actor;
            {
                const KeyValueHandle store = KeyValueHandle::spawn({}, &actor);
                const KeyValueHandle copy = store; // copies share the one actor
                co_await store.set(QStringLiteral("a"), QStringLiteral("1"));
                (void)co_await copy.get(QStringLiteral("a"));
                (void)co_await copy.remove(QStringLiteral("a"));
            }
            co_return co_await actor.join();
        }());
        QCOMPARE(handled, std::uint64_t(3));
        QCOMPARE(runtime.liveTasks(), std::size_t(0));
    }

    void aFullMailboxMakesSendersWaitAndIsNeverExceeded()
    {
        Runtime runtime(virtualConfig());
        struct Outcome
        {
            std::uint64_t senderWaits;
            std::size_t maxLength;
            int correct;
        };
        const Outcome outcome = runtime.blockOn([]() -> Task<Outcome> {
            KeyValueActorOptions options;
            options.mailboxCapacity = 2;
            options.handleTime = 1ms;
            options.handleBlocksWorker = false; // the actor sleeps, so senders run meanwhile
            const KeyValueHandle store = KeyValueHandle::spawn(options);
            JoinSet<bool> clients;
            for (int i = 0; i < 10; ++i) {
                clients.spawn([](KeyValueHandle kv, int index) -> Task<bool> {
                    const QString key = QString::number(index);
                    co_await kv.set(key, key);
                    const Reply now = co_await kv.get(key);
                    co_return now == key;
                }(store, i));
            }
            int correct = 0;
            while (auto result = co_await clients.joinNext())
                correct += result->value() ? 1 : 0;
            co_return Outcome{store.senderWaits(), store.maxMailboxLength(), correct};
        }());
        QCOMPARE(outcome.correct, 10);
        QVERIFY(outcome.senderWaits > 0);
        QCOMPARE(outcome.maxLength, std::size_t(2));
    }

    void aMailboxOfOneServesOneClientWithoutWaiting()
    {
        Runtime runtime(virtualConfig());
        const std::pair<std::uint64_t, std::size_t> stats = runtime.blockOn([]() -> Task<std::pair<std::uint64_t, std::size_t>> {
            KeyValueActorOptions options;
            options.mailboxCapacity = 1;
            const KeyValueHandle store = KeyValueHandle::spawn(options);
            for (int i = 0; i < 50; ++i)
                co_await store.set(QStringLiteral("k"), QString::number(i));
            co_return std::pair{store.senderWaits(), store.maxMailboxLength()};
        }());
        // One client waits for each reply before it sends again: the mailbox is never full.
        QCOMPARE(stats.first, std::uint64_t(0));
        QCOMPARE(stats.second, std::size_t(1));
    }

    void handlingTimeIsSpentOnEveryMessage()
    {
        Runtime runtime(virtualConfig());
        runtime.blockOn([]() -> Task<void> {
            KeyValueActorOptions options;
            options.handleTime = 3ms;
            const KeyValueHandle store = KeyValueHandle::spawn(options);
            for (int i = 0; i < 4; ++i)
                (void)co_await store.get(QStringLiteral("k"));
        }());
        QCOMPARE(elapsedMs(runtime), 12);
    }

    void requestsToAStoppedActorGiveNothingAndDeleteGivesFalse()
    {
        Runtime runtime(virtualConfig());
        const std::pair<Reply, bool> replies = runtime.blockOn([]() -> Task<std::pair<Reply, bool>> {
            JoinHandle<std::uint64_t> actor;
            const KeyValueHandle store = KeyValueHandle::spawn({}, &actor);
            co_await store.set(QStringLiteral("k"), QStringLiteral("v"));
            actor.abort();
            try {
                co_await actor.join();
            } catch (const JoinError &) {
            }
            const Reply got = co_await store.get(QStringLiteral("k"));
            co_await store.set(QStringLiteral("k"), QStringLiteral("w")); // answers nothing, and returns
            const bool deleted = co_await store.remove(QStringLiteral("k"));
            co_return std::pair{got, deleted};
        }());
        QCOMPARE(replies.first, none);
        QVERIFY(!replies.second); // the guide's `unwrap_or(false)`
    }

    void repliesReachTheirOwnCallersOnSeveralWorkers()
    {
        Runtime runtime(virtualConfig(4));
        const int wrong = runtime.blockOn([]() -> Task<int> {
            KeyValueActorOptions options;
            options.mailboxCapacity = 4;
            const KeyValueHandle store = KeyValueHandle::spawn(options);
            JoinSet<int> clients;
            for (int c = 0; c < 32; ++c) {
                clients.spawn([](KeyValueHandle kv, int client) -> Task<int> {
                    int mismatches = 0;
                    for (int n = 0; n < 50; ++n) {
                        const QString key = QStringLiteral("%1/%2").arg(client).arg(n % 5);
                        const QString next = QStringLiteral("%1:%2").arg(key).arg(n);
                        co_await kv.set(key, next);
                        if (co_await kv.get(key) != next)
                            ++mismatches;
                    }
                    co_return mismatches;
                }(store, c));
            }
            int total = 0;
            while (auto result = co_await clients.joinNext())
                total += result->value();
            co_return total;
        }());
        QCOMPARE(wrong, 0);
    }
};

QTEST_GUILESS_MAIN(TestKeyValueActor)
#include "tst_keyvalueactor.moc"
