#include "patternlistmodel.h"

#include <array>

namespace taskscope {
namespace {

struct Pattern
{
    const char *id;
    const char *title;
    const char *section; // the seed document's group
    const char *summary;
    const char *shows;   // what the live page animates
    const char *scenario; // the scenario that runs it (core/scenarios)
};

// clang-format off
constexpr std::array s_patterns{
    Pattern{"runtime", "Runtime configuration", "Runtime fundamentals",
            "A multi-threaded runtime is a fixed set of named worker threads that take turns "
            "polling tasks. Its size, thread names and stack size are chosen before it starts; "
            "a timeout wraps any operation and gives up on it at a deadline.",
            "Worker lanes filling with polls; a slow operation racing its timeout.",
            "runtime"},
    Pattern{"spawning", "Spawning and JoinSet", "Runtime fundamentals",
            "Spawning hands a task to the scheduler and returns a handle to await its result. "
            "A JoinSet owns a group of tasks and yields their results in the order they finish, "
            "not the order they were started.",
            "Five tasks sleeping 0–400 ms, joined as each completes.",
            "join-set"},
    Pattern{"cancellation", "Cancellation tokens", "Runtime fundamentals",
            "A cancellation token is a shared flag with children: cancelling a parent reaches "
            "every descendant. A task races its work against the token and stops at its next "
            "await point, running its clean-up on the way out.",
            "A tree of tokens; cancellation spreading down to the tasks that hold them.",
            "cancellation"},
    Pattern{"streams", "Stream processing", "Advanced patterns",
            "A stream yields values over time, one at a time, only when asked. Combinators "
            "such as map and filter build a pipeline lazily; collecting the stream pulls every "
            "item through it.",
            "Items flowing from the source through map and filter into the collected result.",
            "stream-pipeline"},
    Pattern{"fanout", "Concurrent HTTP fan-out", "Advanced patterns",
            "Many requests go out at once, optionally capped at a few in flight, and their "
            "results are handled in the order they finish, not the order they were sent: the "
            "slow request no longer holds up the fast ones.",
            "Requests to a real HTTP server on loopback, landing in completion order.",
            "fan-out"},
    Pattern{"actor", "Actor with a mailbox", "Advanced patterns",
            "An actor owns its state and serves one message at a time from a channel. Callers "
            "hold a cheap handle that sends a request with a one-shot reply channel and awaits "
            "the answer.",
            "Mailbox depth, messages in flight and replies returning to their callers.",
            "actor"},
    Pattern{"pool", "Connection pool", "Advanced patterns",
            "A pool keeps a few expensive connections and lends them out. A semaphore caps how "
            "many are in use; returning a connection and releasing its permit must happen in "
            "the right order, or the pool opens more than it should.",
            "Connections lent and returned, permits, and connections created.",
            "connection-pool"},
    Pattern{"ratelimit", "Token-bucket rate limiting", "Advanced patterns",
            "A bucket refills at a steady rate up to a burst size; each request takes a token "
            "or waits. Checking and taking must be one atomic step, or concurrent callers "
            "over-admit.",
            "The bucket level, admitted and rejected requests, and over-admissions.",
            "rate-limiter"},
    Pattern{"backpressure", "Backpressure", "Advanced patterns",
            "A bounded queue between a fast producer and a slow consumer makes the producer "
            "wait when the queue is full, so memory stays bounded and the slowest stage sets "
            "the pace.",
            "Queue depth filling and draining, and producers blocked on send.",
            "backpressure"},
    Pattern{"breaker", "Circuit breaker", "Error recovery",
            "A breaker counts failures of a downstream call. Past a threshold it opens and "
            "fails fast; after a recovery timeout it lets a few probes through and closes "
            "again only if they succeed.",
            "Closed, open and half-open states, failures and probes over time.",
            "circuit-breaker"},
    Pattern{"retry", "Retry with backoff", "Error recovery",
            "A failed call is tried again after a pause that doubles each time, up to a cap. "
            "Full jitter draws each pause at random below that bound, so callers that failed "
            "together do not all come back at the same instant.",
            "Calls backing off, retries as they start, and the downstream's load.",
            "retry"},
    Pattern{"tracing", "Timing and tracing", "Performance",
            "Every poll, wake and resource event is recorded cheaply while the program runs, "
            "so slow tasks, blocked workers and busy queues can be found and exported.",
            "A span timeline per task and the export to Perfetto.",
            "tracing"},
};
// clang-format on

} // namespace

PatternListModel::PatternListModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int PatternListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(s_patterns.size());
}

QVariant PatternListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Pattern &pattern = s_patterns[std::size_t(index.row())];
    switch (role) {
    case IdRole:
        return QString::fromLatin1(pattern.id);
    case Qt::DisplayRole:
    case TitleRole:
        return QString::fromUtf8(pattern.title);
    case SectionRole:
        return QString::fromUtf8(pattern.section);
    case SummaryRole:
        return QString::fromUtf8(pattern.summary);
    case ShowsRole:
        return QString::fromUtf8(pattern.shows);
    case ScenarioRole:
        return QString::fromLatin1(pattern.scenario);
    default:
        return {};
    }
}

QHash<int, QByteArray> PatternListModel::roleNames() const
{
    return {
        {IdRole, "patternId"},
        {TitleRole, "title"},
        {SectionRole, "section"},
        {SummaryRole, "summary"},
        {ShowsRole, "shows"},
        {ScenarioRole, "scenarioId"},
    };
}

int PatternListModel::indexOf(const QString &id) const
{
    for (std::size_t row = 0; row < s_patterns.size(); ++row) {
        if (id == QLatin1String(s_patterns[row].id) || id == QLatin1String(s_patterns[row].scenario))
            return int(row);
    }
    return -1;
}

} // namespace taskscope
