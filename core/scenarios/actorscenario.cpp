#include "scenarios/actorscenario.h"

#include "patterns/keyvalueactor.h"
#include "runtime/joinset.h"
#include "runtime/impl/loom.h"

#include "trace/tracecounter.h"

#include <QHash>

#include <algorithm>
#include <memory>
#include <vector>

namespace taskscope {

namespace {

/// What the clients trace for the actor's page, beside what the actor itself traces.
///
/// Every request is marked twice: the instant "kv request" as the client sends it and "kv
/// answered" as its reply arrives, both with the value (client × key_space + key) × 4 + kind
/// (kind 0 get, 1 set, 2 delete), so the page can draw it leaving that client and coming back.
/// The first keysShownClients clients also trace the counter "kv keys of client <n>": a bit
/// per key they hold in the store (when key_space ≤ keysShownKeys), which is the store's exact
/// contents for those keys, since only that client touches them.
struct ClientTrace
{
    static constexpr int keysShownClients = 12;
    static constexpr int keysShownKeys = 32;

    ClientTrace(int clients, int keySpace)
        : keySpace(keySpace)
    {
        if (keySpace > keysShownKeys)
            return;
        for (int index = 0; index < std::min(clients, keysShownClients); ++index)
            keys.push_back(std::make_unique<TraceCounter>(QStringLiteral("kv keys of client %1").arg(index)));
    }

    /// The instants' value for one request.
    [[nodiscard]] std::int64_t code(int client, int key, int kind) const
    {
        return (std::int64_t(client) * keySpace + key) * 4 + kind;
    }

    const int keySpace;
    const TraceInstant request{QStringLiteral("kv request")};
    const TraceInstant answered{QStringLiteral("kv answered")};
    std::vector<std::unique_ptr<TraceCounter>> keys;
};

/// What one client has done and seen so far. The run owns them all and reads them at its
/// end or when it is cut short, while the client may still run on another worker: atomics,
/// each a count on its own (no order between them is read, and the end reads them after the
/// client is joined).
struct ClientTally
{
    detail::Atomic<qlonglong> ops{0};
    detail::Atomic<qlonglong> gets{0};
    detail::Atomic<qlonglong> sets{0};
    detail::Atomic<qlonglong> deletes{0};
    detail::Atomic<qlonglong> hits{0};
    detail::Atomic<qlonglong> lost{0};   ///< replies that differ from the client's model
    detail::Atomic<qlonglong> stored{0}; ///< keys of this client in the store
    /// The handle's figures as this client last saw them (both only grow): the run's, when it
    /// is cut short and the handle is gone.
    detail::Atomic<qlonglong> senderWaitsSeen{0};
    detail::Atomic<qlonglong> maxMailboxLengthSeen{0};
};

// A client owns the keys "c<index>/k<n>" and nobody else touches them, so its model of the
// store is exact: every reply must equal what the model predicts, whatever the interleaving.
// The trace is shared by every client (and outlives them: the run owns it).
Task<void> client(KeyValueHandle store, int index, int operations, int keySpace,
                  std::shared_ptr<const ClientTrace> trace, std::shared_ptr<std::vector<ClientTally>> tallies)
{
    Runtime &runtime = currentRuntime("actor client");
    QHash<QString, QString> model;
    ClientTally &tally = (*tallies)[std::size_t(index)];
    const TraceCounter *keysHeld = std::size_t(index) < trace->keys.size() ? trace->keys[std::size_t(index)].get() : nullptr;
    std::int64_t keyBits = 0;
    for (int n = 0; n < operations; ++n) {
        const int keyNumber = int(runtime.random() % std::uint64_t(keySpace));
        const QString key = QStringLiteral("c%1/k%2").arg(index).arg(keyNumber);
        const std::optional<QString> expected =
            model.contains(key) ? std::optional<QString>(model.value(key)) : std::nullopt;
        bool replyMatches = true;
        const std::uint64_t roll = runtime.random() % 100; // the mix: 50 % get, 40 % set, 10 % delete
        const int kind = roll < 50 ? 0 : roll < 90 ? 1 : 2;
        const std::int64_t code = trace->code(index, keyNumber, kind);
        trace->request.mark(code);
        if (kind == 0) {
            const std::optional<QString> reply = co_await store.get(key);
            replyMatches = reply == expected;
            ++tally.gets;
            if (reply)
                ++tally.hits;
        } else if (kind == 1) {
            // Set answers `()`: nothing to check but that the answer came.
            const QString value = QStringLiteral("%1#%2").arg(key).arg(n);
            co_await store.set(key, value);
            model.insert(key, value);
            ++tally.sets;
        } else {
            // Delete answers whether the key was there.
            const bool existed = co_await store.remove(key);
            replyMatches = existed == expected.has_value();
            model.remove(key);
            ++tally.deletes;
        }
        trace->answered.mark(code);
        if (keysHeld && kind != 0) {
            const std::int64_t bits = kind == 1 ? keyBits | (std::int64_t(1) << keyNumber) : keyBits & ~(std::int64_t(1) << keyNumber);
            if (bits != keyBits)
                keysHeld->set(keyBits = bits);
        }
        if (!replyMatches)
            ++tally.lost;
        tally.stored = model.size();
        tally.senderWaitsSeen = qlonglong(store.senderWaits());
        tally.maxMailboxLengthSeen = qlonglong(store.maxMailboxLength());
        ++tally.ops;
    }
}

} // namespace

QString ActorScenario::description() const
{
    return QStringLiteral("One actor task owns a key-value store and serves get/set/delete messages (50/40/10) "
                          "from a mailbox of mailbox_capacity, each answered through its own oneshot. Clients "
                          "that find the mailbox full wait (sender_waits); each checks every reply against a "
                          "model of its own keys (lost must stay 0): a get answers the value, a set only that it "
                          "is done, a delete whether the key was there, as the guide's messages do. The guide's "
                          "actor has no defect: one variant, the guide's code.");
}

std::vector<ParameterSpec> ActorScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("clients"), QStringLiteral("Clients"), Type::Int, 1, 10000, 4, QStringLiteral("tasks"),
         QStringLiteral("Concurrent tasks sending requests to the actor."), {}},
        {QStringLiteral("ops_per_client"), QStringLiteral("Operations per client"), Type::Int, 0, 100000, 100,
         QStringLiteral("ops"), QStringLiteral("Requests each client sends, one after the other."), {}},
        {QStringLiteral("mailbox_capacity"), QStringLiteral("Mailbox capacity"), Type::Int, 1, 10000, 8,
         QStringLiteral("messages"), QStringLiteral("Messages the mailbox holds before senders wait (the seed: 8)."), {}},
        {QStringLiteral("handle_us"), QStringLiteral("Handling time"), Type::Int, 0, 1000000, 0, QStringLiteral("µs"),
         QStringLiteral("CPU time the actor spends on each message (holds its worker)."), {}},
        {QStringLiteral("key_space"), QStringLiteral("Keys per client"), Type::Int, 1, 100000, 16,
         QStringLiteral("keys"), QStringLiteral("Distinct keys each client uses (its own range)."), {}},
    };
}

Task<QVariantMap> ActorScenario::run(ScenarioContext &context) const
{
    const QVariantMap &parameters = context.parameters;
    const int clients = parameters.value(QStringLiteral("clients")).toInt();
    const int operations = parameters.value(QStringLiteral("ops_per_client")).toInt();
    const int keySpace = parameters.value(QStringLiteral("key_space")).toInt();
    KeyValueActorOptions options;
    options.mailboxCapacity = std::size_t(parameters.value(QStringLiteral("mailbox_capacity")).toLongLong());
    options.handleTime = std::chrono::microseconds(parameters.value(QStringLiteral("handle_us")).toLongLong());
    options.handleBlocksWorker = true;
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    std::uint64_t senderWaits = 0;
    std::size_t maxMailboxLength = 0;
    JoinHandle<std::uint64_t> actor;
    const auto trace = std::make_shared<const ClientTrace>(clients, keySpace);
    auto tallies = std::make_shared<std::vector<ClientTally>>(std::size_t(clients));
    // Every client's tally together; handled and the mailbox figures once the actor has ended
    // (a run cut short reports its clients' side).
    auto metricsOf = [tallies, start, &runtime](std::uint64_t handled, std::size_t maxMailboxLength,
                                                 std::uint64_t senderWaits) {
        qlonglong ops = 0, gets = 0, sets = 0, deletes = 0, hits = 0, lost = 0, stored = 0;
        for (const ClientTally &tally : *tallies) {
            ops += tally.ops;
            gets += tally.gets;
            sets += tally.sets;
            deletes += tally.deletes;
            hits += tally.hits;
            lost += tally.lost;
            stored += tally.stored;
        }
        QVariantMap metrics;
        metrics.insert(QStringLiteral("ops"), ops);
        metrics.insert(QStringLiteral("gets"), gets);
        metrics.insert(QStringLiteral("sets"), sets);
        metrics.insert(QStringLiteral("deletes"), deletes);
        metrics.insert(QStringLiteral("hits"), hits);
        metrics.insert(QStringLiteral("lost"), lost);
        metrics.insert(QStringLiteral("handled"), qlonglong(handled));
        metrics.insert(QStringLiteral("max_mailbox_len"), qlonglong(maxMailboxLength));
        metrics.insert(QStringLiteral("sender_waits"), qlonglong(senderWaits));
        // Keys left in the store: each client's model is exact for its own keys (lost = 0).
        metrics.insert(QStringLiteral("store_size"), stored);
        metrics.insert(QStringLiteral("elapsed_ms"),
                       qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(runtime.now() - start).count()));
        return metrics;
    };
    {
        const KeyValueHandle store = KeyValueHandle::spawn(runtime, options, &actor, QStringLiteral("kv-actor"));
        // Cut short, the handle is gone with this frame: each op counted was answered, and the
        // mailbox figures are the latest a client saw.
        context.metricsSoFar = [metricsOf, tallies] {
            qlonglong answered = 0, senderWaits = 0, maxMailboxLength = 0;
            for (const ClientTally &tally : *tallies) {
                answered += tally.ops;
                senderWaits = std::max<qlonglong>(senderWaits, tally.senderWaitsSeen);
                maxMailboxLength = std::max<qlonglong>(maxMailboxLength, tally.maxMailboxLengthSeen);
            }
            return metricsOf(std::uint64_t(answered), std::size_t(maxMailboxLength), std::uint64_t(senderWaits));
        };
        JoinSet<void> tasks;
        for (int index = 0; index < clients; ++index)
            tasks.spawn(client(store, index, operations, keySpace, trace, tallies), QStringLiteral("client-%1").arg(index));
        while (auto finished = co_await tasks.joinNext())
            (void)finished->value(); // a client that failed fails the run
        senderWaits = store.senderWaits();
        maxMailboxLength = store.maxMailboxLength();
    }
    // Every handle is gone now: the actor drains its mailbox and ends.
    const std::uint64_t handled = co_await actor.join();
    context.metricsSoFar = nullptr; // nothing it holds outlives the run
    co_return metricsOf(handled, maxMailboxLength, senderWaits);
}

} // namespace taskscope
