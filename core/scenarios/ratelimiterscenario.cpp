#include "scenarios/ratelimiterscenario.h"

#include "patterns/ratelimiter.h"
#include "runtime/joinset.h"
#include "runtime/yieldnow.h"
#include "runtime/impl/loom.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <algorithm>

namespace taskscope {

namespace {

/// What one client did.
struct ClientCounts
{
    std::int64_t admitted = 0;
    std::int64_t rejected = 0;
};

/// The running totals of every client together, traced for the rate-limiter page:
/// "admitted", "rejected" and "over admitted" (admissions beyond what a correct bucket allows
/// by now: capacity + refill_per_s × elapsed, in requests of cost tokens).
struct LiveTally
{
    LiveTally(Instant start, std::int64_t capacity, std::int64_t refillPerSecond, std::int64_t cost)
        : start(start)
        , capacity(capacity)
        , refillPerSecond(refillPerSecond)
        , cost(cost)
    {
    }

    void note(bool wasAdmitted, Instant now)
    {
        // Relaxed: running totals for the trace; the final counts come from the clients' own.
        if (!wasAdmitted) {
            rejectedLevel.set(std::int64_t(rejected.fetch_add(1, std::memory_order_relaxed) + 1));
            return;
        }
        const auto total = std::int64_t(admitted.fetch_add(1, std::memory_order_relaxed) + 1);
        admittedLevel.set(total);
        const std::int64_t elapsedNs = (now - start).count();
        const std::int64_t refilled = refillPerSecond * (elapsedNs / 1'000'000'000)
            + refillPerSecond * (elapsedNs % 1'000'000'000) / 1'000'000'000;
        // Traced from the first excess on (the bound catches up as time passes: back to 0).
        const std::int64_t over = total - (capacity + refilled) / cost;
        if (over > 0)
            everOver.store(true, std::memory_order_relaxed);
        if (everOver.load(std::memory_order_relaxed))
            overLevel.set(std::max<std::int64_t>(0, over));
    }

    const Instant start;
    const std::int64_t capacity;
    const std::int64_t refillPerSecond;
    const std::int64_t cost;
    detail::Atomic<std::uint64_t> admitted{0};
    detail::Atomic<std::uint64_t> rejected{0};
    detail::Atomic<bool> everOver{false};
    TraceCounter admittedLevel{QStringLiteral("admitted")};
    TraceCounter rejectedLevel{QStringLiteral("rejected")};
    TraceCounter overLevel{QStringLiteral("over admitted")};
};

/// How the clients ask.
struct ClientPlan
{
    std::int64_t cost = 1;
    bool wait = false;     ///< wait mode: acquire() until the deadline; try mode: tryAcquire()
    Duration interval{};   ///< between requests; 0: as fast as the bucket lets them
    Instant deadline;      ///< no request starts after this
};

// One client: requests until the deadline. With no interval it yields after an admission
// and waits 1 ms after a refusal: asking again at once would only spin (the task view
// rightly warns about a task that keeps waking itself, which is not this page's lesson),
// and on the virtual clock, where time moves only once every task waits, it would freeze
// time.
Task<ClientCounts> rateClient(std::shared_ptr<TokenBucket> bucket, std::shared_ptr<LiveTally> tally, ClientPlan plan)
{
    ClientCounts counts;
    Runtime &runtime = currentRuntime("rate-limiter client");
    while (runtime.now() < plan.deadline) {
        const bool admitted =
            plan.wait ? co_await bucket->acquire(plan.cost, plan.deadline) : co_await bucket->tryAcquire(plan.cost);
        ++(admitted ? counts.admitted : counts.rejected);
        tally->note(admitted, runtime.now());
        if (plan.interval > Duration::zero())
            co_await sleep(plan.interval);
        else if (!admitted)
            co_await sleep(std::chrono::milliseconds(1));
        else
            co_await yieldNow();
    }
    co_return counts;
}

} // namespace

QString RateLimiterScenario::description() const
{
    return QStringLiteral("Clients ask a token bucket of capacity tokens, refilled at refill_per_s, for cost tokens per "
                          "request until duration_ms has passed: in try mode a refused request counts as rejected, in "
                          "wait mode it tries again every 10 ms (seed) or sleeps until the tokens exist (robust). No "
                          "correct bucket admits more than bound = capacity + refill_per_s × elapsed. The seed variant "
                          "refills only inside a request, once 100 ms or more have passed since its last refill, by "
                          "elapsed × rate truncated: a bucket left alone fills up, but clients that ask without pause "
                          "refill it every 100 ms, and below 10 tokens/s each of those refills adds nothing. It then "
                          "checks the count and subtracts in a separate step, so on several workers two clients can "
                          "take the same tokens (over_admitted > 0) and the count wraps below zero (underflows); "
                          "magnify_race_us widens that window to make it show. The robust variant admits under a lock "
                          "and refills exactly.");
}

std::vector<ParameterSpec> RateLimiterScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("capacity"), QStringLiteral("Capacity"), Type::Int, 1, 100000, 10, QStringLiteral("tokens"),
         QStringLiteral("Tokens the bucket holds at most (and starts with)."), {}},
        {QStringLiteral("refill_per_s"), QStringLiteral("Refill rate"), Type::Int, 0, 1000000, 5, QStringLiteral("tokens/s"),
         QStringLiteral("Tokens added per second."), {}},
        {QStringLiteral("clients"), QStringLiteral("Clients"), Type::Int, 1, 10000, 8, QStringLiteral("tasks"),
         QStringLiteral("Concurrent tasks making requests."), {}},
        {QStringLiteral("cost"), QStringLiteral("Cost"), Type::Int, 1, 1000, 1, QStringLiteral("tokens"),
         QStringLiteral("Tokens each request takes."), {}},
        {QStringLiteral("mode"), QStringLiteral("Mode"), Type::Choice, 0, 0, QStringLiteral("try"), QString(),
         QStringLiteral("try: a request without tokens is rejected; wait: it waits for them."),
         {QStringLiteral("try"), QStringLiteral("wait")}},
        {QStringLiteral("request_interval_ms"), QStringLiteral("Request interval"), Type::Int, 0, 60000, 0,
         QStringLiteral("ms"), QStringLiteral("Pause between a client's requests; 0: at once after an admission, 1 ms after a refusal."), {}},
        {QStringLiteral("duration_ms"), QStringLiteral("Duration"), Type::Int, 1, 600000, 2000, QStringLiteral("ms"),
         QStringLiteral("How long clients keep requesting."), {}},
        {QStringLiteral("magnify_race_us"), QStringLiteral("Race magnifier"), Type::Int, 0, 2000, 0,
         QStringLiteral("µs"),
         QStringLiteral("Magnifier, not the seed's code: widens its check-then-subtract window by holding the worker "
                        "this long between the check and the subtraction, so two clients take the same tokens more "
                        "often (0: off, the seed as written; the robust variant ignores it)."),
         {}},
    };
}

Task<QVariantMap> RateLimiterScenario::run(ScenarioContext &context) const
{
    const QVariantMap &parameters = context.parameters;
    const std::int64_t capacity = parameters.value(QStringLiteral("capacity")).toLongLong();
    const std::int64_t refillPerSecond = parameters.value(QStringLiteral("refill_per_s")).toLongLong();
    const int clients = parameters.value(QStringLiteral("clients")).toInt();
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    ClientPlan plan;
    plan.cost = parameters.value(QStringLiteral("cost")).toLongLong();
    plan.wait = parameters.value(QStringLiteral("mode")).toString() == QLatin1String("wait");
    plan.interval = std::chrono::milliseconds(parameters.value(QStringLiteral("request_interval_ms")).toLongLong());
    plan.deadline = start + std::chrono::milliseconds(parameters.value(QStringLiteral("duration_ms")).toLongLong());
    const BucketVariant variant = context.variant == QLatin1String("seed") ? BucketVariant::Seed : BucketVariant::Robust;

    auto bucket = std::make_shared<TokenBucket>(runtime, capacity, refillPerSecond, variant);
    if (variant == BucketVariant::Seed)
        bucket->setRaceMagnifier(std::chrono::microseconds(parameters.value(QStringLiteral("magnify_race_us")).toLongLong()));
    auto tally = std::make_shared<LiveTally>(start, capacity, refillPerSecond, plan.cost);
    auto metricsOf = [bucket, capacity, refillPerSecond, cost = plan.cost](std::int64_t admitted, std::int64_t rejected,
                                                                          Duration elapsed) {
        // The most requests a correct bucket can have admitted: floor((capacity + rate ×
        // elapsed) / cost), in integers (split into seconds and the rest, so rate ×
        // nanoseconds cannot overflow).
        const std::int64_t elapsedNs = elapsed.count();
        const std::int64_t refilled = refillPerSecond * (elapsedNs / 1'000'000'000)
            + refillPerSecond * (elapsedNs % 1'000'000'000) / 1'000'000'000;
        const std::int64_t bound = (capacity + refilled) / cost;
        QVariantMap metrics;
        metrics.insert(QStringLiteral("admitted"), qlonglong(admitted));
        metrics.insert(QStringLiteral("rejected"), qlonglong(rejected));
        metrics.insert(QStringLiteral("bound"), qlonglong(bound));
        metrics.insert(QStringLiteral("over_admitted"), qlonglong(std::max<std::int64_t>(0, admitted - bound)));
        metrics.insert(QStringLiteral("underflows"), qlonglong(bucket->underflows()));
        metrics.insert(QStringLiteral("tokens_final"), qlonglong(bucket->tokens()));
        metrics.insert(QStringLiteral("elapsed_ms"),
                       qlonglong(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
        return metrics;
    };
    // Cut short, the clients' own counts are gone with their frames: the running totals.
    context.metricsSoFar = [metricsOf, tally, start, &runtime] {
        // Relaxed: each total stands alone, and one a moment old still counts what ran.
        return metricsOf(std::int64_t(tally->admitted.load(std::memory_order_relaxed)),
                         std::int64_t(tally->rejected.load(std::memory_order_relaxed)), runtime.now() - start);
    };
    ClientCounts total;
    {
        JoinSet<ClientCounts> tasks;
        for (int index = 0; index < clients; ++index)
            tasks.spawn(rateClient(bucket, tally, plan), QStringLiteral("client-%1").arg(index));
        while (auto finished = co_await tasks.joinNext()) {
            total.admitted += finished->value().admitted;
            total.rejected += finished->value().rejected;
        }
    }
    context.metricsSoFar = nullptr; // it holds the bucket, whose refill task ends with the run
    co_return metricsOf(total.admitted, total.rejected, runtime.now() - start);
}

} // namespace taskscope
