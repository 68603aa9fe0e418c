#include "patterns/circuitbreaker.h"

#include "runtime/runtime.h"
#include "runtime/impl/loom.h"
#include "trace/tracecounter.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

// Implementation notes
//
// Seed variant. The seed keeps the state behind an RwLock, the failure count in an atomic
// and the last failure's instant behind a Mutex, and a call walks through them in separate
// steps: check_recovery (open and the timeout passed → half-open), read the state (open →
// reject), run the call, then on_success (count the success; half-open → closed, count = 0)
// or on_failure (count + 1; at the threshold → open, last failure = now). Each step here is
// one short critical section under `lock` (the count is an atomic, as in the seed), and the
// steps are not one transaction, as in the seed: a failure that lands while another caller
// has just closed the breaker still counts, and so on. Nothing ever zeroes the count while
// closed, and half-open admits every caller, until the first outcome decides.
//
// Robust variant. One critical section per decision, under `lock`. Closed keeps a ring of
// the last windowSize outcomes (true = failed) and its failure total; once
// min(minimumCalls, windowSize) outcomes are in, a rate ≥ failureRateThreshold opens it.
// Open rejects until recoveryTimeout after it opened; the first call after that turns it
// half-open, which admits halfOpenProbes calls (probesAdmitted) and rejects the rest; a probe
// failing opens it again at once, all probes succeeding close it with an empty window.
// Every transition increments `epoch`; a permit remembers the epoch it was admitted in and
// its outcome is ignored in another one, so a call admitted while closed that finishes
// while half-open is not mistaken for a probe (Resilience4j records such late outcomes in
// the metrics of the state that ended, which nobody evaluates again). A cancelled probe
// gives its slot back (release), as Resilience4j's releasePermission does.
//
// The statistics are relaxed atomics (counts read after the run, publishing nothing); the
// transition list is under `lock`.

namespace taskscope {

QString breakerStateName(BreakerState state)
{
    switch (state) {
    case BreakerState::Closed: return QStringLiteral("closed");
    case BreakerState::Open: return QStringLiteral("open");
    case BreakerState::HalfOpen: return QStringLiteral("half_open");
    }
    return {};
}

namespace detail {

struct CircuitBreakerState
{
    CircuitBreakerState(Runtime &runtime, const CircuitBreakerOptions &options, const QString &name)
        : runtime(runtime)
        , options(options)
        , closedMark(name + QStringLiteral(" closed"))
        , openMark(name + QStringLiteral(" open"))
        , halfOpenMark(name + QStringLiteral(" half-open"))
        , stateCounter(name + QStringLiteral(" state"))
        , failureCounter(name + QStringLiteral(" failures"))
        , rateCounter(name + QStringLiteral(" failure rate %"))
        , inFlightCounter(name + QStringLiteral(" half-open in flight"))
        , succeededCounter(name + QStringLiteral(" succeeded"))
        , failedCounter(name + QStringLiteral(" failed"))
        , rejectedCounter(name + QStringLiteral(" rejected"))
        , probesCounter(name + QStringLiteral(" half-open admitted"))
        , recoveryCounter(name + QStringLiteral(" recovery at ms"))
        , window(std::size_t(options.windowSize), false)
    {
    }

    Runtime &runtime;
    const CircuitBreakerOptions options;
    const TraceInstant closedMark;
    const TraceInstant openMark;
    const TraceInstant halfOpenMark;
    const TraceCounter stateCounter;
    const TraceCounter failureCounter;
    const TraceCounter rateCounter;
    const TraceCounter inFlightCounter;
    // Running totals of the statistics below, and when an open breaker may turn half-open
    // (runtime clock, ms), for the breaker's page.
    const TraceCounter succeededCounter;
    const TraceCounter failedCounter;
    const TraceCounter rejectedCounter;
    const TraceCounter probesCounter;
    const TraceCounter recoveryCounter;

    // Statistics (relaxed: counts only, read after the fact).
    Atomic<std::uint64_t> admitted{0};
    Atomic<std::uint64_t> rejected{0};
    Atomic<std::uint64_t> successes{0};
    Atomic<std::uint64_t> failures{0};
    Atomic<std::uint64_t> halfOpenAdmitted{0};

    mutable Mutex lock;
    // Under lock.
    BreakerState state = BreakerState::Closed;
    std::uint64_t epoch = 0;
    std::vector<BreakerTransition> transitions;
    std::uint64_t periodAdmitted = 0;    // admitted in the current half-open period
    std::uint64_t periodAdmittedMax = 0;
    std::int64_t halfOpenInFlight = 0;
    // Seed: the last failure that (re)opened it (the seed's last_failure).
    std::optional<Instant> lastFailure;
    // Seed: the seed's failure_count and success_count (atomics there too).
    Atomic<std::uint64_t> seedFailureCount{0};
    Atomic<std::uint64_t> seedSuccessCount{0};
    // Robust, under lock.
    Instant openedAt;
    std::vector<bool> window; // ring of outcomes, true = failed
    std::size_t windowNext = 0;
    std::size_t windowCount = 0;
    std::size_t windowFailures = 0;
    int probesAdmitted = 0;
    int probesSucceeded = 0;

    [[nodiscard]] bool seed() const noexcept { return options.variant == BreakerVariant::Seed; }

    /// Adds one to the statistic @p count and traces the total on @p counter.
    static void countOne(Atomic<std::uint64_t> &count, const TraceCounter &counter) noexcept
    {
        // Relaxed: a statistic only (see the notes).
        counter.set(std::int64_t(count.fetch_add(1, std::memory_order_relaxed) + 1));
    }

    /// Traces when an open breaker's recovery timeout ends, counted from @p from.
    void noteRecoveryFrom(Instant from) const noexcept
    {
        recoveryCounter.set(std::chrono::duration_cast<std::chrono::milliseconds>(
                                (from + options.recoveryTimeout).time_since_epoch())
                                .count());
    }

    /// Moves to @p to now and tells the trace. Caller holds the lock.
    void transitionLocked(BreakerState to, Instant now)
    {
        const BreakerState from = state;
        state = to;
        ++epoch;
        transitions.push_back({from, to, now});
        if (to == BreakerState::HalfOpen) {
            periodAdmitted = 0;
            probesAdmitted = 0;
            probesSucceeded = 0;
        }
        if (from == BreakerState::HalfOpen)
            setHalfOpenInFlightLocked(0);
        if (to == BreakerState::Open) {
            openedAt = now;
            noteRecoveryFrom(now);
        }
        if (to == BreakerState::Closed && !seed())
            clearWindowLocked();
        const TraceInstant &mark = to == BreakerState::Closed ? closedMark
            : to == BreakerState::Open                        ? openMark
                                                              : halfOpenMark;
        mark.mark(std::int64_t(to));
        stateCounter.set(std::int64_t(to));
    }

    void setHalfOpenInFlightLocked(std::int64_t value)
    {
        if (value == halfOpenInFlight)
            return;
        halfOpenInFlight = value;
        inFlightCounter.set(value);
    }

    void admitWhileHalfOpenLocked()
    {
        countOne(halfOpenAdmitted, probesCounter);
        periodAdmittedMax = std::max(periodAdmittedMax, ++periodAdmitted);
        setHalfOpenInFlightLocked(halfOpenInFlight + 1);
    }

    void clearWindowLocked()
    {
        std::fill(window.begin(), window.end(), false);
        windowNext = 0;
        windowCount = 0;
        windowFailures = 0;
        failureCounter.set(0);
        rateCounter.set(0);
    }

    // ---- Seed ----

    BreakerPermit seedTryAcquire()
    {
        const Instant now = runtime.now();
        // The seed's check_recovery(): open, and the timeout has passed since the last failure.
        {
            LockGuard guard(lock);
            if (state == BreakerState::Open && lastFailure && now - *lastFailure >= options.recoveryTimeout)
                transitionLocked(BreakerState::HalfOpen, now);
        }
        // The seed's `state.read().await.clone()`, a separate step: open rejects, anything else
        // (closed or half-open) goes through.
        BreakerPermit permit;
        {
            LockGuard guard(lock);
            if (state == BreakerState::Open) {
                countOne(rejected, rejectedCounter);
                return permit;
            }
            permit.admitted = true;
            permit.probe = state == BreakerState::HalfOpen;
            permit.epoch = epoch;
            if (permit.probe)
                admitWhileHalfOpenLocked();
        }
        permit.startedAt = now;
        admitted.fetch_add(1, std::memory_order_relaxed); // a statistic only
        return permit;
    }

    void seedRecord(const BreakerPermit &permit, bool success)
    {
        const Instant now = runtime.now();
        if (permit.probe) {
            LockGuard guard(lock);
            if (permit.epoch == epoch)
                setHalfOpenInFlightLocked(halfOpenInFlight - 1);
        }
        if (success) {
            // on_success(): count it; half-open → closed and the failure count back to zero.
            countOne(successes, succeededCounter);
            // Relaxed, as in the seed: a counter nobody reads to decide anything.
            seedSuccessCount.fetch_add(1, std::memory_order_relaxed);
            LockGuard guard(lock);
            if (state == BreakerState::HalfOpen) {
                transitionLocked(BreakerState::Closed, now);
                // Relaxed, as in the seed; the lock orders it against the transition anyway.
                seedFailureCount.store(0, std::memory_order_relaxed);
                failureCounter.set(0);
            }
            return;
        }
        // on_failure(): count + 1 (never reset while closed); at the threshold → open, and the
        // last failure is now (again, if it was already open).
        countOne(failures, failedCounter);
        // Relaxed, as in the seed: the read-modify-write itself is atomic, and the decision
        // below takes the lock for everything it writes.
        const std::uint64_t count = seedFailureCount.fetch_add(1, std::memory_order_relaxed) + 1;
        failureCounter.set(std::int64_t(count));
        if (count >= std::uint64_t(options.failureThreshold)) {
            LockGuard guard(lock);
            if (state != BreakerState::Open)
                transitionLocked(BreakerState::Open, now);
            lastFailure = now;
            noteRecoveryFrom(now); // the seed counts the timeout from the latest failure
        }
    }

    // ---- Robust ----

    BreakerPermit robustTryAcquire()
    {
        const Instant now = runtime.now();
        BreakerPermit permit;
        LockGuard guard(lock);
        if (state == BreakerState::Open && now - openedAt >= options.recoveryTimeout)
            transitionLocked(BreakerState::HalfOpen, now);
        switch (state) {
        case BreakerState::Open:
            countOne(rejected, rejectedCounter);
            return permit;
        case BreakerState::HalfOpen:
            if (probesAdmitted >= options.halfOpenProbes) {
                countOne(rejected, rejectedCounter);
                return permit;
            }
            ++probesAdmitted;
            permit.probe = true;
            admitWhileHalfOpenLocked();
            break;
        case BreakerState::Closed:
            break;
        }
        permit.admitted = true;
        permit.epoch = epoch;
        permit.startedAt = now;
        admitted.fetch_add(1, std::memory_order_relaxed); // a statistic only
        return permit;
    }

    void robustRecord(const BreakerPermit &permit, bool success)
    {
        const Instant now = runtime.now();
        const bool slow =
            options.slowCallDuration > Duration::zero() && now - permit.startedAt >= options.slowCallDuration;
        const bool failed = !success || slow;
        if (failed)
            countOne(failures, failedCounter);
        else
            countOne(successes, succeededCounter);
        LockGuard guard(lock);
        if (permit.epoch != epoch)
            return; // admitted in a state period that has ended (see the notes)
        if (state == BreakerState::HalfOpen) {
            setHalfOpenInFlightLocked(halfOpenInFlight - 1);
            if (failed)
                transitionLocked(BreakerState::Open, now);
            else if (++probesSucceeded >= options.halfOpenProbes)
                transitionLocked(BreakerState::Closed, now);
            return;
        }
        if (state != BreakerState::Closed)
            return;
        // Closed: the outcome replaces the oldest in the window.
        if (windowCount == window.size()) {
            if (window[windowNext])
                --windowFailures;
        } else {
            ++windowCount;
        }
        window[windowNext] = failed;
        if (failed)
            ++windowFailures;
        windowNext = (windowNext + 1) % window.size();
        failureCounter.set(std::int64_t(windowFailures));
        rateCounter.set(std::int64_t(100 * windowFailures / windowCount));
        const std::size_t needed = std::min<std::size_t>(std::size_t(options.minimumCalls), window.size());
        if (windowCount >= needed
            && double(windowFailures) >= options.failureRateThreshold * double(windowCount))
            transitionLocked(BreakerState::Open, now);
    }

    void release(const BreakerPermit &permit)
    {
        if (!permit.admitted || !permit.probe)
            return;
        LockGuard guard(lock);
        if (permit.epoch != epoch)
            return;
        setHalfOpenInFlightLocked(halfOpenInFlight - 1);
        if (!seed())
            --probesAdmitted; // the slot goes back to the next caller
    }
};

} // namespace detail

CircuitBreaker::CircuitBreaker(Runtime &runtime, const CircuitBreakerOptions &options, QString name)
{
    if (options.failureThreshold < 1)
        throw std::invalid_argument("CircuitBreaker: failureThreshold must be at least 1");
    if (options.recoveryTimeout < Duration::zero())
        throw std::invalid_argument("CircuitBreaker: recoveryTimeout must not be negative");
    if (options.windowSize < 1)
        throw std::invalid_argument("CircuitBreaker: windowSize must be at least 1");
    if (!(options.failureRateThreshold > 0 && options.failureRateThreshold <= 1))
        throw std::invalid_argument("CircuitBreaker: failureRateThreshold must be in (0, 1]");
    if (options.minimumCalls < 1)
        throw std::invalid_argument("CircuitBreaker: minimumCalls must be at least 1");
    if (options.halfOpenProbes < 1)
        throw std::invalid_argument("CircuitBreaker: halfOpenProbes must be at least 1");
    if (options.slowCallDuration < Duration::zero())
        throw std::invalid_argument("CircuitBreaker: slowCallDuration must not be negative");
    m_state = std::make_unique<detail::CircuitBreakerState>(runtime, options, name);
    m_state->stateCounter.set(std::int64_t(BreakerState::Closed));
}

CircuitBreaker::~CircuitBreaker() = default;

BreakerPermit CircuitBreaker::tryAcquire()
{
    return m_state->seed() ? m_state->seedTryAcquire() : m_state->robustTryAcquire();
}

void CircuitBreaker::record(const BreakerPermit &permit, bool success)
{
    if (!permit.admitted)
        return;
    if (m_state->seed())
        m_state->seedRecord(permit, success);
    else
        m_state->robustRecord(permit, success);
}

void CircuitBreaker::release(const BreakerPermit &permit)
{
    m_state->release(permit);
}

Task<CallOutcome> CircuitBreaker::call(Task<bool> attempt)
{
    const BreakerPermit permit = tryAcquire();
    if (!permit.admitted)
        co_return CallOutcome::Rejected;
    bool success = false;
    try {
        success = co_await std::move(attempt);
    } catch (const std::exception &) {
        record(permit, false); // the call failed by throwing
        throw;
    } catch (...) {
        release(permit); // cancelled: no outcome
        throw;
    }
    record(permit, success);
    co_return success ? CallOutcome::Success : CallOutcome::Failure;
}

BreakerState CircuitBreaker::state() const
{
    detail::LockGuard guard(m_state->lock);
    return m_state->state;
}

BreakerStats CircuitBreaker::stats() const
{
    BreakerStats stats;
    // Relaxed: statistics only (see the notes).
    stats.admitted = m_state->admitted.load(std::memory_order_relaxed);
    stats.rejected = m_state->rejected.load(std::memory_order_relaxed);
    stats.successes = m_state->successes.load(std::memory_order_relaxed);
    stats.failures = m_state->failures.load(std::memory_order_relaxed);
    stats.halfOpenAdmitted = m_state->halfOpenAdmitted.load(std::memory_order_relaxed);
    detail::LockGuard guard(m_state->lock);
    stats.halfOpenAdmittedMax = m_state->periodAdmittedMax;
    stats.transitions = m_state->transitions;
    return stats;
}

const CircuitBreakerOptions &CircuitBreaker::options() const noexcept
{
    return m_state->options;
}

} // namespace taskscope
