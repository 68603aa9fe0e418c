#include "scenarios/retryscenario.h"

#include "patterns/circuitbreaker.h"
#include "patterns/retry.h"
#include "runtime/joinset.h"
#include "scenarios/simulateddownstream.h"
#include "time/sleep.h"

#include <memory>

namespace taskscope {

namespace {

/// One retried call and which one it was.
struct NumberedResult
{
    int index = 0;
    RetryResult result;
    std::int64_t rejected = 0; ///< attempts the breaker refused
};

// One call and its retries. It shares the retry policy, the downstream and the breaker (null
// when off), so a run cancelled half-way (Reset, --duration) can unwind its calls in any order.
Task<NumberedResult> retriedCall(int index, std::shared_ptr<const Retry> retry,
                                 std::shared_ptr<SimulatedDownstream> downstream,
                                 std::shared_ptr<CircuitBreaker> breaker)
{
    NumberedResult numbered;
    numbered.index = index;
    numbered.result = co_await retry->run([&]() -> Task<bool> {
        if (!breaker)
            co_return co_await downstream->call();
        const CallOutcome outcome = co_await breaker->call(downstream->call());
        if (outcome == CallOutcome::Rejected)
            ++numbered.rejected; // a refused attempt is a failed one: it is retried like any other
        co_return outcome == CallOutcome::Success;
    });
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

    const int calls = values.value(QStringLiteral("calls")).toInt();
    const Duration interval = ms("call_interval_ms");
    std::int64_t attemptsTotal = 0;
    std::int64_t successes = 0;
    std::int64_t gaveUp = 0;
    std::int64_t rejected = 0;
    QVariantList firstBackoffs;
    {
        JoinSet<NumberedResult> running;
        auto collect = [&](const NumberedResult &finished) {
            attemptsTotal += finished.result.attempts;
            ++(finished.result.succeeded ? successes : gaveUp);
            rejected += finished.rejected;
            if (finished.index == 0) {
                for (Duration wait : finished.result.backoffs)
                    firstBackoffs.append(toMs(wait));
            }
        };
        for (int index = 0; index < calls; ++index) {
            co_await sleepUntil(start + interval * index);
            running.spawn(retriedCall(index, retry, downstream, breaker),
                          QStringLiteral("call-%1").arg(index));
        }
        while (auto finished = co_await running.joinNext())
            collect(finished->value());
    }

    QVariantMap metrics;
    metrics.insert(QStringLiteral("calls"), calls);
    metrics.insert(QStringLiteral("attempts_total"), qlonglong(attemptsTotal));
    metrics.insert(QStringLiteral("successes"), qlonglong(successes));
    metrics.insert(QStringLiteral("gave_up"), qlonglong(gaveUp));
    metrics.insert(QStringLiteral("backoff_ms"), firstBackoffs);
    metrics.insert(QStringLiteral("rejected"), qlonglong(rejected));
    if (breaker)
        metrics.insert(QStringLiteral("breaker_transitions"), qulonglong(breaker->stats().transitions.size()));
    metrics.insert(QStringLiteral("elapsed_ms"), toMs(runtime.now() - start));
    co_return metrics;
}

} // namespace taskscope
