#include "scenarios/retryscenario.h"

#include "patterns/circuitbreaker.h"
#include "patterns/retry.h"
#include "runtime/impl/loom.h"
#include "runtime/joinset.h"
#include "scenarios/simulateddownstream.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <memory>
#include <utility>

namespace taskscope {

namespace {

/// What the calls trace for the retry page: each attempt's start and outcome and each backoff,
/// as instants whose value says which call and which attempt (call × 32 + attempt; attempts
/// ≤ 20), and running totals as counters.
///   "retry attempt"  as attempt k of call c starts: c × 32 + k
///   "retry outcome"  as it ends: (c × 32 + k) × 4 + 0 failed, 1 succeeded, 2 refused by the breaker
///   "retry backoff"  as the wait before retry n begins: wait_µs × 2^22 + c × 32 + n
///                    (c × 32 < 2^22 for calls ≤ 100000; the whole stays below 2^53, exact in QML)
///   counters "retry attempts", "retry successes", "retry gave up": totals so far.
struct RetryTrace
{
    static constexpr std::int64_t attemptSlots = 32;
    static constexpr std::int64_t waitShift = std::int64_t(1) << 22;

    [[nodiscard]] static std::int64_t attemptCode(int call, int attempt)
    {
        return std::int64_t(call) * attemptSlots + attempt;
    }

    /// Adds one to @p total and traces the new total on @p counter.
    static void countOne(detail::Atomic<std::int64_t> &total, const TraceCounter &counter)
    {
        // Relaxed: a running total for the trace; it publishes nothing.
        counter.set(total.fetch_add(1, std::memory_order_relaxed) + 1);
    }

    const TraceInstant attempt{QStringLiteral("retry attempt")};
    const TraceInstant outcome{QStringLiteral("retry outcome")};
    const TraceInstant backoff{QStringLiteral("retry backoff")};
    const TraceCounter attemptsCounter{QStringLiteral("retry attempts")};
    const TraceCounter successesCounter{QStringLiteral("retry successes")};
    const TraceCounter gaveUpCounter{QStringLiteral("retry gave up")};
    detail::Atomic<std::int64_t> attempts{0};
    detail::Atomic<std::int64_t> successes{0};
    detail::Atomic<std::int64_t> gaveUp{0};
    /// Attempts the breaker refused (not traced; the run's metric).
    detail::Atomic<std::int64_t> rejected{0};
};

/// One retried call and which one it was.
struct NumberedResult
{
    int index = 0;
    RetryResult result;
};

// One call and its retries. It shares the retry policy, the downstream, the breaker (null
// when off) and the trace, so a run cancelled half-way (Reset, --duration) can unwind its
// calls in any order.
Task<NumberedResult> retriedCall(int index, std::shared_ptr<const Retry> retry,
                                 std::shared_ptr<SimulatedDownstream> downstream,
                                 std::shared_ptr<CircuitBreaker> breaker, std::shared_ptr<RetryTrace> trace)
{
    NumberedResult numbered;
    numbered.index = index;
    int attemptNumber = 0;
    auto traceBackoff = [&](int retryNumber, Duration wait) {
        const auto waitUs = std::chrono::duration_cast<std::chrono::microseconds>(wait).count();
        trace->backoff.mark(waitUs * RetryTrace::waitShift + RetryTrace::attemptCode(index, retryNumber));
    };
    numbered.result = co_await retry->run(
        [&]() -> Task<bool> {
            const std::int64_t code = RetryTrace::attemptCode(index, attemptNumber++);
            trace->attempt.mark(code);
            RetryTrace::countOne(trace->attempts, trace->attemptsCounter);
            bool succeeded = false;
            bool refused = false;
            if (!breaker) {
                succeeded = co_await downstream->call();
            } else {
                const CallOutcome outcome = co_await breaker->call(downstream->call());
                refused = outcome == CallOutcome::Rejected;
                if (refused) // a refused attempt is a failed one: it is retried like any other
                    trace->rejected.fetch_add(1, std::memory_order_relaxed); // Relaxed: a count on its own
                succeeded = outcome == CallOutcome::Success;
            }
            trace->outcome.mark(code * 4 + (succeeded ? 1 : refused ? 2 : 0));
            co_return succeeded;
        },
        traceBackoff);
    RetryTrace::countOne(numbered.result.succeeded ? trace->successes : trace->gaveUp,
                         numbered.result.succeeded ? trace->successesCounter : trace->gaveUpCounter);
    co_return numbered;
}

double toMs(Duration duration)
{
    return std::chrono::duration<double, std::milli>(duration).count();
}

} // namespace

QString RetryScenario::description() const
{
    return QStringLiteral(
        "The run starts calls requests, one every call_interval_ms, each to a downstream that takes downstream_latency_ms and fails "
        "with probability downstream_failure_rate (changeable while it runs). A failed call is tried again, up to "
        "attempts in all, after min(max_backoff_ms, base_backoff_ms × 2^n) before retry n: exactly that with "
        "jitter none, a uniformly random part of it with jitter full, which spreads the retries of calls that "
        "failed together. With breaker on, every attempt goes through a robust circuit breaker (default "
        "settings of the circuit-breaker scenario); an attempt it rejects counts as failed.");
}

std::vector<ParameterSpec> RetryScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    return {
        {QStringLiteral("attempts"), QStringLiteral("Attempts"), Type::Int, 1, 20, 3, QStringLiteral("attempts"),
         QStringLiteral("Attempts per call in all, the first one included."), {}},
        {QStringLiteral("base_backoff_ms"), QStringLiteral("Base backoff"), Type::Int, 0, 60000, 50, QStringLiteral("ms"),
         QStringLiteral("Wait before the first retry; it doubles for each further retry."), {}},
        {QStringLiteral("max_backoff_ms"), QStringLiteral("Max backoff"), Type::Int, 0, 600000, 2000, QStringLiteral("ms"),
         QStringLiteral("The longest wait before a retry."), {}},
        {QStringLiteral("jitter"), QStringLiteral("Jitter"), Type::Choice, 0, 0, QStringLiteral("full"), QString(),
         QStringLiteral("full: wait a random time up to the backoff; none: exactly the backoff."),
         {QStringLiteral("full"), QStringLiteral("none")}},
        {QStringLiteral("downstream_failure_rate"), QStringLiteral("Downstream failure rate"), Type::Double, 0, 1, 0.5,
         QString(), QStringLiteral("Probability that a downstream call fails; changeable while the run goes."), {}, true},
        {QStringLiteral("downstream_latency_ms"), QStringLiteral("Downstream latency"), Type::Int, 0, 60000, 20,
         QStringLiteral("ms"), QStringLiteral("How long each downstream call takes."), {}},
        {QStringLiteral("calls"), QStringLiteral("Calls"), Type::Int, 1, 100000, 20, QStringLiteral("calls"),
         QStringLiteral("Calls made in all, each retried on its own."), {}},
        {QStringLiteral("call_interval_ms"), QStringLiteral("Call interval"), Type::Int, 0, 60000, 100, QStringLiteral("ms"),
         QStringLiteral("Time between the starts of two calls."), {}},
        {QStringLiteral("breaker"), QStringLiteral("Circuit breaker"), Type::Bool, 0, 0, false, QString(),
         QStringLiteral("Send every attempt through a robust circuit breaker."), {}},
    };
}

Task<QVariantMap> RetryScenario::run(ScenarioContext &context) const
{
    const QVariantMap &values = context.parameters;
    auto ms = [&values](const char *name) {
        return std::chrono::milliseconds(values.value(QLatin1String(name)).toLongLong());
    };
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    RetryPolicy policy;
    policy.attempts = values.value(QStringLiteral("attempts")).toInt();
    policy.baseBackoff = ms("base_backoff_ms");
    policy.maxBackoff = ms("max_backoff_ms");
    policy.jitter = values.value(QStringLiteral("jitter")).toString() == QLatin1String("none") ? Jitter::None : Jitter::Full;
    const auto retry = std::make_shared<const Retry>(policy, QStringLiteral("downstream call"));
    const QString rateName = QStringLiteral("downstream_failure_rate");
    auto downstream = std::make_shared<SimulatedDownstream>(
        context.live->bind(rateName, values.value(rateName).toDouble()), ms("downstream_latency_ms"));
    std::shared_ptr<CircuitBreaker> breaker;
    if (values.value(QStringLiteral("breaker")).toBool())
        breaker = std::make_shared<CircuitBreaker>(runtime, CircuitBreakerOptions{});

    const auto trace = std::make_shared<RetryTrace>();
    const int calls = values.value(QStringLiteral("calls")).toInt();
    const Duration interval = ms("call_interval_ms");
    // Calls started and call 0's backoffs once it has ended: only this task writes them; the
    // runner reads them after a cut, in this task too. The totals are the trace's, which the
    // calls keep as they go.
    struct SoFar
    {
        int started = 0;
        QVariantList firstBackoffs;
    };
    auto soFar = std::make_shared<SoFar>();
    context.metricsSoFar = [soFar, trace, breaker, start, &runtime] {
        // Relaxed: each total stands alone; read after every call is joined, or after a cut,
        // where one a moment old still counts what ran.
        QVariantMap metrics;
        metrics.insert(QStringLiteral("calls"), soFar->started);
        metrics.insert(QStringLiteral("attempts_total"), qlonglong(trace->attempts.load(std::memory_order_relaxed)));
        metrics.insert(QStringLiteral("successes"), qlonglong(trace->successes.load(std::memory_order_relaxed)));
        metrics.insert(QStringLiteral("gave_up"), qlonglong(trace->gaveUp.load(std::memory_order_relaxed)));
        metrics.insert(QStringLiteral("backoff_ms"), soFar->firstBackoffs);
        metrics.insert(QStringLiteral("rejected"), qlonglong(trace->rejected.load(std::memory_order_relaxed)));
        if (breaker)
            metrics.insert(QStringLiteral("breaker_transitions"), qulonglong(breaker->stats().transitions.size()));
        metrics.insert(QStringLiteral("elapsed_ms"), toMs(runtime.now() - start));
        return metrics;
    };
    {
        JoinSet<NumberedResult> running;
        auto collect = [&](const NumberedResult &finished) {
            if (finished.index == 0) {
                for (Duration wait : finished.result.backoffs)
                    soFar->firstBackoffs.append(toMs(wait));
            }
        };
        for (int index = 0; index < calls; ++index) {
            co_await sleepUntil(start + interval * index);
            running.spawn(retriedCall(index, retry, downstream, breaker, trace),
                          QStringLiteral("call-%1").arg(index));
            ++soFar->started;
        }
        while (auto finished = co_await running.joinNext())
            collect(finished->value());
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
