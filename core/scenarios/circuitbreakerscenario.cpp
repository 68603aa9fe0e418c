#include "scenarios/circuitbreakerscenario.h"

#include "patterns/circuitbreaker.h"
#include "runtime/joinset.h"
#include "scenarios/simulateddownstream.h"
#include "time/sleep.h"

#include <memory>
#include <utility>

namespace taskscope {

namespace {

/// What the callers saw, all together, as they go: the run reads it at its end or when it is
/// cut short, while callers may still run on other workers. Each count stands alone (nothing
/// orders one against another, and the end reads them after every caller is joined).
struct CallerCounts
{
    detail::Atomic<std::int64_t> calls{0};
    detail::Atomic<std::int64_t> successes{0};
    detail::Atomic<std::int64_t> failures{0};
    detail::Atomic<std::int64_t> rejected{0};
};

// One caller: a call through the breaker, a pause, again, until the deadline. It shares the
// breaker, the downstream and the counts, so a run cancelled half-way (Reset, --duration) can
// unwind its callers in any order.
Task<void> breakerCaller(std::shared_ptr<CircuitBreaker> breaker, std::shared_ptr<SimulatedDownstream> downstream,
                         Duration interval, Instant deadline, std::shared_ptr<CallerCounts> counts)
{
    Runtime &runtime = currentRuntime("circuit-breaker caller");
    while (runtime.now() < deadline) {
        ++counts->calls;
        switch (co_await breaker->call(downstream->call())) {
        case CallOutcome::Success: ++counts->successes; break;
        case CallOutcome::Failure: ++counts->failures; break;
        case CallOutcome::Rejected: ++counts->rejected; break;
        }
        co_await sleep(interval);
    }
}

double msSince(Instant start, Instant at)
{
    return std::chrono::duration<double, std::milli>(at - start).count();
}

} // namespace

QString CircuitBreakerScenario::description() const
{
    return QStringLiteral(
        "The callers call a downstream service that takes downstream_latency_ms and fails with probability "
        "downstream_failure_rate (changeable while it runs) through a circuit breaker, one call every "
        "call_interval_ms, for duration_ms. Open, the breaker rejects calls without trying; after "
        "recovery_timeout_ms a call turns it half-open to test the service. The seed variant counts failures "
        "and never resets the count while closed (failure_threshold failures, however far apart, open it), and "
        "lets every call through while half-open (half_open_admitted). The robust variant opens when the "
        "failure rate over the last window_size calls reaches failure_rate_threshold (after minimum_calls), "
        "counts calls slower than slow_call_ms as failures, and admits exactly half_open_probes trial calls.");
}

std::vector<ParameterSpec> CircuitBreakerScenario::parameters() const
{
    using Type = ParameterSpec::Type;
    const QString robustOnly = QStringLiteral(" (robust variant only)");
    return {
        {QStringLiteral("failure_threshold"), QStringLiteral("Failure threshold"), Type::Int, 1, 10000, 5,
         QStringLiteral("failures"), QStringLiteral("Seed variant: failures counted since the last close that open the breaker."), {}},
        {QStringLiteral("recovery_timeout_ms"), QStringLiteral("Recovery timeout"), Type::Int, 1, 600000, 1000,
         QStringLiteral("ms"), QStringLiteral("How long the breaker stays open before a call may test the service."), {}},
        {QStringLiteral("downstream_failure_rate"), QStringLiteral("Downstream failure rate"), Type::Double, 0, 1, 0.5,
         QString(), QStringLiteral("Probability that a downstream call fails; changeable while the run goes."), {}, true},
        {QStringLiteral("downstream_latency_ms"), QStringLiteral("Downstream latency"), Type::Int, 0, 60000, 20,
         QStringLiteral("ms"), QStringLiteral("How long each downstream call takes."), {}},
        {QStringLiteral("callers"), QStringLiteral("Callers"), Type::Int, 1, 1000, 4, QStringLiteral("tasks"),
         QStringLiteral("Concurrent tasks calling through the breaker."), {}},
        {QStringLiteral("call_interval_ms"), QStringLiteral("Call interval"), Type::Int, 1, 60000, 50, QStringLiteral("ms"),
         QStringLiteral("Pause between one caller's calls."), {}},
        {QStringLiteral("duration_ms"), QStringLiteral("Duration"), Type::Int, 1, 600000, 5000, QStringLiteral("ms"),
         QStringLiteral("How long the callers keep calling."), {}},
        {QStringLiteral("window_size"), QStringLiteral("Window size"), Type::Int, 1, 10000, 20, QStringLiteral("calls"),
         QStringLiteral("Latest outcomes the failure rate is computed over") + robustOnly + QLatin1Char('.'), {}},
        {QStringLiteral("failure_rate_threshold"), QStringLiteral("Failure rate threshold"), Type::Double, 0.01, 1, 0.5,
         QString(), QStringLiteral("Failure rate in the window at which the breaker opens") + robustOnly + QLatin1Char('.'), {}},
        {QStringLiteral("minimum_calls"), QStringLiteral("Minimum calls"), Type::Int, 1, 10000, 10, QStringLiteral("calls"),
         QStringLiteral("Outcomes needed before the failure rate is judged") + robustOnly + QLatin1Char('.'), {}},
        {QStringLiteral("half_open_probes"), QStringLiteral("Half-open probes"), Type::Int, 1, 1000, 1, QStringLiteral("calls"),
         QStringLiteral("Trial calls admitted while half-open; all must succeed to close") + robustOnly + QLatin1Char('.'), {}},
        {QStringLiteral("slow_call_ms"), QStringLiteral("Slow call"), Type::Int, 0, 600000, 0, QStringLiteral("ms"),
         QStringLiteral("A call taking at least this long counts as a failure; 0: off") + robustOnly + QLatin1Char('.'), {}},
    };
}

Task<QVariantMap> CircuitBreakerScenario::run(ScenarioContext &context) const
{
    const QVariantMap &values = context.parameters;
    auto ms = [&values](const char *name) {
        return std::chrono::milliseconds(values.value(QLatin1String(name)).toLongLong());
    };
    Runtime &runtime = context.runtime;
    const Instant start = runtime.now();

    CircuitBreakerOptions options;
    options.variant = context.variant == QLatin1String("seed") ? BreakerVariant::Seed : BreakerVariant::Robust;
    options.failureThreshold = values.value(QStringLiteral("failure_threshold")).toInt();
    options.recoveryTimeout = ms("recovery_timeout_ms");
    options.windowSize = values.value(QStringLiteral("window_size")).toInt();
    options.failureRateThreshold = values.value(QStringLiteral("failure_rate_threshold")).toDouble();
    options.minimumCalls = values.value(QStringLiteral("minimum_calls")).toInt();
    options.halfOpenProbes = values.value(QStringLiteral("half_open_probes")).toInt();
    options.slowCallDuration = ms("slow_call_ms");
    auto breaker = std::make_shared<CircuitBreaker>(runtime, options);
    const QString rateName = QStringLiteral("downstream_failure_rate");
    auto downstream = std::make_shared<SimulatedDownstream>(
        context.live->bind(rateName, values.value(rateName).toDouble()), ms("downstream_latency_ms"));

    const Instant deadline = start + ms("duration_ms");
    auto total = std::make_shared<CallerCounts>();
    context.metricsSoFar = [breaker, total, start, &runtime] {
        const BreakerStats stats = breaker->stats();
        QVariantList transitions;
        for (const BreakerTransition &transition : stats.transitions) {
            transitions.append(QVariantMap{
                {QStringLiteral("from"), breakerStateName(transition.from)},
                {QStringLiteral("to"), breakerStateName(transition.to)},
                {QStringLiteral("at_ms"), msSince(start, transition.at)},
            });
        }
        QVariantMap metrics;
        metrics.insert(QStringLiteral("calls"), qlonglong(total->calls));
        metrics.insert(QStringLiteral("successes"), qlonglong(total->successes));
        metrics.insert(QStringLiteral("failures"), qlonglong(total->failures));
        metrics.insert(QStringLiteral("rejected"), qlonglong(total->rejected));
        metrics.insert(QStringLiteral("transitions"), transitions);
        metrics.insert(QStringLiteral("half_open_admitted"), qulonglong(stats.halfOpenAdmitted));
        metrics.insert(QStringLiteral("half_open_admitted_max"), qulonglong(stats.halfOpenAdmittedMax));
        metrics.insert(QStringLiteral("final_state"), breakerStateName(breaker->state()));
        metrics.insert(QStringLiteral("elapsed_ms"), msSince(start, runtime.now()));
        return metrics;
    };
    {
        JoinSet<void> callers;
        const int count = values.value(QStringLiteral("callers")).toInt();
        for (int index = 0; index < count; ++index)
            callers.spawn(breakerCaller(breaker, downstream, ms("call_interval_ms"), deadline, total),
                          QStringLiteral("caller-%1").arg(index));
        while (auto finished = co_await callers.joinNext())
            (void)finished->value(); // a caller that failed fails the run
    }
    // Taken out as the run ends, so that nothing it holds outlives the run.
    co_return std::exchange(context.metricsSoFar, nullptr)();
}

} // namespace taskscope
