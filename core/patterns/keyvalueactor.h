#pragma once

/// The seed's key-value actor: one task owns a QHash store and serves Get, Set and Delete
/// messages from a bounded mailbox, one at a time, each answered through its own oneshot.
/// Nobody else touches the store, so it needs no lock; the mailbox is the only shared thing.
///
/// ```
/// KeyValueHandle store = KeyValueHandle::spawn({.mailboxCapacity = 8});
/// co_await store.set(QStringLiteral("name"), QStringLiteral("Alice"));
/// std::optional<QString> name = co_await store.get(QStringLiteral("name"));
/// bool deleted = co_await store.remove(QStringLiteral("name"));          // true: it was there
/// ```
/// Which to use when: KeyValueHandle is what callers hold (cheap to copy, one per client);
/// KeyValueActor is the task behind it, spawned by KeyValueHandle::spawn. The actor ends
/// when the last handle is gone and its mailbox is empty.
/// Traces, for the actor's page: the counters "kv mailbox" (messages waiting, after each send
/// and each receive), "kv senders waiting" (senders held back by a full mailbox now), "kv
/// sender waits" (sends that had to wait, in all), "kv gets" / "kv sets" / "kv deletes"
/// (messages of each kind the actor has answered) and "kv store size" (keys in the store).

#include "runtime/joinhandle.h"
#include "runtime/impl/loom.h"
#include "runtime/task.h"
#include "sync/mpsc.h"
#include "sync/oneshot.h"
#include "time/clock.h"
#include "trace/tracecounter.h"

#include <QHash>
#include <QString>

#include <memory>
#include <optional>
#include <variant>

namespace taskscope {

class Runtime;

namespace detail {

/// Get: the value of @p key, or nothing (the seed's `oneshot::Sender<Option<String>>`).
struct KeyValueGet
{
    QString key;
    oneshot::Sender<std::optional<QString>> respondTo;
};

/// Set: stores @p value under @p key and answers only that it is done (the seed's `()`).
struct KeyValueSet
{
    QString key;
    QString value;
    oneshot::Sender<std::monostate> respondTo;
};

/// Delete: removes @p key and answers whether it was there (the seed's `bool`).
struct KeyValueDelete
{
    QString key;
    oneshot::Sender<bool> respondTo;
};

/// One mailbox entry (the seed's ActorMessage).
using KeyValueMessage = std::variant<KeyValueGet, KeyValueSet, KeyValueDelete>;

/// Counters the handles share with each other, with the actor and with whoever watches it.
struct KeyValueStats
{
    Atomic<std::uint64_t> senderWaits{0};
    Atomic<std::size_t> maxMailboxLength{0};
    Atomic<std::int64_t> sendersWaiting{0};
    TraceCounter mailboxLevel{QStringLiteral("kv mailbox")};
    TraceCounter sendersWaitingLevel{QStringLiteral("kv senders waiting")};
    TraceCounter senderWaitsTotal{QStringLiteral("kv sender waits")};
    // Written by the actor task only, one message at a time.
    TraceCounter getsAnswered{QStringLiteral("kv gets")};
    TraceCounter setsAnswered{QStringLiteral("kv sets")};
    TraceCounter deletesAnswered{QStringLiteral("kv deletes")};
    TraceCounter storeSize{QStringLiteral("kv store size")};
};

} // namespace detail

/// How a KeyValueActor is set up.
struct KeyValueActorOptions
{
    /// Messages the mailbox holds before senders wait (≥ 1; the seed uses 8).
    std::size_t mailboxCapacity = 8;
    /// Time the actor spends on each message (0: none).
    Duration handleTime{};
    /// True: the handling time is CPU work that holds the worker (busyFor); false: the
    /// actor sleeps, and the worker is free meanwhile.
    bool handleBlocksWorker = true;
};

/// The actor task: owns the store and the mailbox's receiving end (the seed's KeyValueActor).
class KeyValueActor
{
public:
    /// An actor serving @p mailbox; it traces into @p stats (shared with its handles).
    KeyValueActor(mpsc::Receiver<detail::KeyValueMessage> mailbox, KeyValueActorOptions options,
                  std::shared_ptr<detail::KeyValueStats> stats = std::make_shared<detail::KeyValueStats>());
    KeyValueActor(KeyValueActor &&) noexcept = default;
    KeyValueActor(const KeyValueActor &) = delete;
    KeyValueActor &operator=(const KeyValueActor &) = delete;

    /// Serves messages until every sender is gone and the mailbox is empty; gives the
    /// number of messages it handled.
    [[nodiscard]] Task<std::uint64_t> run();

private:
    Task<void> handle(detail::KeyValueMessage message);

    mpsc::Receiver<detail::KeyValueMessage> m_mailbox;
    KeyValueActorOptions m_options;
    std::shared_ptr<detail::KeyValueStats> m_stats;
    QHash<QString, QString> m_store;
    // Messages answered, by kind (the actor's own: no other task touches them).
    std::int64_t m_gets = 0;
    std::int64_t m_sets = 0;
    std::int64_t m_deletes = 0;
};

/// A caller's end of a KeyValueActor (the seed's KeyValueHandle): copy it freely.
class KeyValueHandle
{
public:
    /// Spawns a KeyValueActor on the runtime of the calling task and gives its handle.
    /// @p actorTask, when given, receives the actor's JoinHandle (its value: messages handled).
    [[nodiscard]] static KeyValueHandle spawn(KeyValueActorOptions options = {},
                                              JoinHandle<std::uint64_t> *actorTask = nullptr,
                                              QString name = QStringLiteral("kv-actor"));
    /// Spawns a KeyValueActor on @p runtime (usable from outside the runtime).
    [[nodiscard]] static KeyValueHandle spawn(Runtime &runtime, KeyValueActorOptions options = {},
                                              JoinHandle<std::uint64_t> *actorTask = nullptr,
                                              QString name = QStringLiteral("kv-actor"));

    /// The value stored under @p key, or nullopt (also when the actor is gone).
    [[nodiscard]] Task<std::optional<QString>> get(QString key) const;
    /// Stores @p value under @p key; done once the actor has answered (or is gone).
    [[nodiscard]] Task<void> set(QString key, QString value) const;
    /// Removes @p key; true when it was there, false when absent (or the actor is gone).
    [[nodiscard]] Task<bool> remove(QString key) const;

    /// Sends that found the mailbox full and had to wait for room.
    [[nodiscard]] std::uint64_t senderWaits() const noexcept;
    /// The longest the mailbox has been, measured right after each send.
    [[nodiscard]] std::size_t maxMailboxLength() const noexcept;
    /// Messages waiting in the mailbox now.
    [[nodiscard]] std::size_t mailboxLength() const noexcept { return m_mailbox.len(); }
    [[nodiscard]] std::size_t mailboxCapacity() const noexcept { return m_mailbox.capacity(); }

private:
    KeyValueHandle(mpsc::Sender<detail::KeyValueMessage> mailbox, std::shared_ptr<detail::KeyValueStats> stats);

    mpsc::Sender<detail::KeyValueMessage> m_mailbox;
    std::shared_ptr<detail::KeyValueStats> m_stats;
};

} // namespace taskscope
