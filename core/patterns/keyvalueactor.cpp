#include "patterns/keyvalueactor.h"

#include "runtime/runtime.h"
#include "time/sleep.h"

namespace taskscope {

// Implementation notes
// --------------------
// The store belongs to the actor's frame and is only ever touched by the actor task, one
// message at a time: that is the whole synchronisation story of an actor. Callers hold a
// copy of the mailbox's Sender; a request is one mailbox message plus a oneshot for the
// answer, so a reply can never reach the wrong caller. Request coroutines take their Sender
// and stats by value, so a request task does not depend on the handle it came from.

namespace {

template<typename... Handlers>
struct Overloaded : Handlers...
{
    using Handlers::operator()...;
};
// C++20 deduces this for an aggregate; clang before 17 (the fuzz preset's 16) needs it said.
template<typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

/// Raises @p highWater to @p value if it is higher.
void raiseHighWater(detail::Atomic<std::size_t> &highWater, std::size_t value) noexcept
{
    // Relaxed: a display statistic; nothing else is published through it, and the CAS loop
    // alone guarantees the maximum is never lowered.
    std::size_t seen = highWater.load(std::memory_order_relaxed);
    while (seen < value && !highWater.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
}

/// Posts @p message to the mailbox (the seed's `let _ = self.sender.send(msg).await`). When
/// the actor is gone the message, reply sender included, is dropped here, so the caller's
/// answer then reads as "no reply".
Task<void> post(mpsc::Sender<detail::KeyValueMessage> mailbox, std::shared_ptr<detail::KeyValueStats> stats,
                detail::KeyValueMessage message)
{
    // trySend first, only to count the sends that had to wait: the wait itself is the
    // seed's plain `send(msg).await`, served in FIFO order.
    mpsc::SendResult<detail::KeyValueMessage> posted = mailbox.trySend(std::move(message));
    if (posted.isFull()) {
        // Relaxed: a counter read for display and after the run; it orders nothing.
        stats->senderWaitsTotal.set(std::int64_t(stats->senderWaits.fetch_add(1, std::memory_order_relaxed) + 1));
        // Counts this sender as held back until its send goes through, or it is cancelled in it.
        struct Waiting
        {
            detail::KeyValueStats &stats;
            // Relaxed: a level for the trace, publishing nothing.
            explicit Waiting(detail::KeyValueStats &s) : stats(s)
            {
                stats.sendersWaitingLevel.set(stats.sendersWaiting.fetch_add(1, std::memory_order_relaxed) + 1);
            }
            ~Waiting() { stats.sendersWaitingLevel.set(stats.sendersWaiting.fetch_sub(1, std::memory_order_relaxed) - 1); }
            Waiting(const Waiting &) = delete;
            Waiting &operator=(const Waiting &) = delete;
        } waiting(*stats);
        posted = co_await mailbox.send(posted.takeValue());
    }
    if (!posted.isSent())
        co_return;
    const std::size_t length = mailbox.len();
    raiseHighWater(stats->maxMailboxLength, length);
    stats->mailboxLevel.set(std::int64_t(length));
}

// The request coroutines get both ends of their reply channel from the (plain) handle
// functions: a structured binding declared inside a coroutine is not kept safely in its frame
// by every compiler we build with.

Task<std::optional<QString>> getRequest(mpsc::Sender<detail::KeyValueMessage> mailbox,
                                        std::shared_ptr<detail::KeyValueStats> stats, detail::KeyValueGet message,
                                        oneshot::Receiver<std::optional<QString>> answer)
{
    co_await post(std::move(mailbox), std::move(stats), std::move(message));
    std::optional<std::optional<QString>> value = co_await answer;
    co_return value ? std::move(*value) : std::nullopt; // `recv.await.unwrap_or(None)`
}

Task<void> setRequest(mpsc::Sender<detail::KeyValueMessage> mailbox, std::shared_ptr<detail::KeyValueStats> stats,
                      detail::KeyValueSet message, oneshot::Receiver<std::monostate> answer)
{
    co_await post(std::move(mailbox), std::move(stats), std::move(message));
    (void)co_await answer; // `let _ = recv.await`
}

Task<bool> deleteRequest(mpsc::Sender<detail::KeyValueMessage> mailbox, std::shared_ptr<detail::KeyValueStats> stats,
                         detail::KeyValueDelete message, oneshot::Receiver<bool> answer)
{
    co_await post(std::move(mailbox), std::move(stats), std::move(message));
    const std::optional<bool> existed = co_await answer;
    co_return existed.value_or(false); // `recv.await.unwrap_or(false)`
}

Task<std::uint64_t> serve(KeyValueActor actor)
{
    co_return co_await actor.run();
}

} // namespace

KeyValueActor::KeyValueActor(mpsc::Receiver<detail::KeyValueMessage> mailbox, KeyValueActorOptions options,
                             std::shared_ptr<detail::KeyValueStats> stats)
    : m_mailbox(std::move(mailbox))
    , m_options(options)
    , m_stats(std::move(stats))
{
}

Task<std::uint64_t> KeyValueActor::run()
{
    std::uint64_t handled = 0;
    while (std::optional<detail::KeyValueMessage> message = co_await m_mailbox.recv()) {
        m_stats->mailboxLevel.set(std::int64_t(m_mailbox.len()));
        co_await handle(std::move(*message));
        ++handled;
    }
    co_return handled;
}

Task<void> KeyValueActor::handle(detail::KeyValueMessage message)
{
    if (m_options.handleTime > Duration::zero()) {
        if (m_options.handleBlocksWorker)
            busyFor(m_options.handleTime);
        else
            co_await sleep(m_options.handleTime);
    }
    // A reply whose caller has gone comes back from send(); like the seed (`let _ =`), drop it.
    std::visit(Overloaded{
                   [this](detail::KeyValueGet &get) {
                       const auto found = m_store.constFind(get.key);
                       (void)get.respondTo.send(found == m_store.cend() ? std::nullopt : std::optional<QString>(*found));
                       m_stats->getsAnswered.set(++m_gets);
                   },
                   [this](detail::KeyValueSet &set) {
                       m_store.insert(set.key, std::move(set.value));
                       m_stats->storeSize.set(m_store.size());
                       (void)set.respondTo.send(std::monostate{});
                       m_stats->setsAnswered.set(++m_sets);
                   },
                   [this](detail::KeyValueDelete &remove) {
                       const bool existed = m_store.remove(remove.key) > 0;
                       m_stats->storeSize.set(m_store.size());
                       (void)remove.respondTo.send(existed);
                       m_stats->deletesAnswered.set(++m_deletes);
                   },
               },
               message);
}

KeyValueHandle::KeyValueHandle(mpsc::Sender<detail::KeyValueMessage> mailbox,
                               std::shared_ptr<detail::KeyValueStats> stats)
    : m_mailbox(std::move(mailbox))
    , m_stats(std::move(stats))
{
}

KeyValueHandle KeyValueHandle::spawn(KeyValueActorOptions options, JoinHandle<std::uint64_t> *actorTask, QString name)
{
    return spawn(currentRuntime("KeyValueHandle::spawn"), options, actorTask, std::move(name));
}

KeyValueHandle KeyValueHandle::spawn(Runtime &runtime, KeyValueActorOptions options,
                                     JoinHandle<std::uint64_t> *actorTask, QString name)
{
    auto [sender, receiver] =
        mpsc::channel<detail::KeyValueMessage>(options.mailboxCapacity, name + QStringLiteral(" mailbox"));
    auto stats = std::make_shared<detail::KeyValueStats>();
    JoinHandle<std::uint64_t> actor = runtime.spawn(serve(KeyValueActor(std::move(receiver), options, stats)), name);
    if (actorTask)
        *actorTask = std::move(actor);
    return KeyValueHandle(std::move(sender), std::move(stats));
}

Task<std::optional<QString>> KeyValueHandle::get(QString key) const
{
    auto [reply, answer] = oneshot::channel<std::optional<QString>>(QStringLiteral("kv reply"));
    return getRequest(m_mailbox, m_stats, detail::KeyValueGet{std::move(key), std::move(reply)}, std::move(answer));
}

Task<void> KeyValueHandle::set(QString key, QString value) const
{
    auto [reply, answer] = oneshot::channel<std::monostate>(QStringLiteral("kv reply"));
    return setRequest(m_mailbox, m_stats, detail::KeyValueSet{std::move(key), std::move(value), std::move(reply)},
                      std::move(answer));
}

Task<bool> KeyValueHandle::remove(QString key) const
{
    auto [reply, answer] = oneshot::channel<bool>(QStringLiteral("kv reply"));
    return deleteRequest(m_mailbox, m_stats, detail::KeyValueDelete{std::move(key), std::move(reply)},
                         std::move(answer));
}

std::uint64_t KeyValueHandle::senderWaits() const noexcept
{
    // Relaxed: a statistic; read after the run (joined tasks) it is exact.
    return m_stats->senderWaits.load(std::memory_order_relaxed);
}

std::size_t KeyValueHandle::maxMailboxLength() const noexcept
{
    // Relaxed: as senderWaits().
    return m_stats->maxMailboxLength.load(std::memory_order_relaxed);
}

} // namespace taskscope
