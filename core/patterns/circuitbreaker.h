#pragma once

/// The seed's "Error recovery and circuit breaker": a breaker in front of a downstream
/// service stops calling it after too many failures (open), lets a trial call through once a
/// recovery timeout has passed (half-open), and closes again when the trial succeeds.
///
/// ```
/// CircuitBreaker breaker(runtime, {.variant = BreakerVariant::Robust});
/// CallOutcome outcome = co_await breaker.call(askDownstream());   // Task<bool>: true = success
/// if (outcome == CallOutcome::Rejected) serveFromCache();
/// ```
/// Two variants (see DESIGN.md, decision 8):
/// - `Seed` keeps the seed's code and its defects: one failure counter that successes never
///   reset while closed (five failures an hour apart open it as surely as five in a row); it
///   opens when the count reaches failureThreshold; the first call after recoveryTimeout since
///   the last failure turns it half-open, and then *every* call goes through until one
///   finishes: a success closes it (and zeroes the count), a failure reopens it.
/// - `Robust` follows Resilience4j's count-based breaker: the last windowSize outcomes are
///   kept; once minimumCalls are recorded it opens when the failure rate reaches
///   failureRateThreshold (a call slower than slowCallDuration counts as a failure); after
///   recoveryTimeout the next call turns it half-open, which admits exactly halfOpenProbes
///   calls and rejects the rest; all probes succeeding closes it with an empty window, any
///   probe failing opens it again. Outcomes of calls admitted before the last state change
///   are ignored, so a slow call from the closed period cannot close or reopen it.
///
/// Both move from open to half-open lazily, on the first call after the timeout, as the seed
/// does. Every state change is a trace instant ("<name> closed" / "open" / "half-open", value
/// = the new BreakerState) and a sample of the counter "<name> state"; the counters "<name>
/// failures" (seed: the failure count; robust: failures in the window), "<name> failure rate
/// %" (robust) and "<name> half-open in flight" follow the levels.

#include "runtime/task.h"
#include "time/clock.h"

#include <QString>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace taskscope {

class Runtime;

namespace detail {
struct CircuitBreakerState;
}

/// Which version of the breaker to run.
enum class BreakerVariant {
    Seed,  ///< faithful to the seed: failures never reset while closed, half-open lets everyone in
    Robust ///< Resilience4j's rules: failure rate over a sliding window, a fixed number of probes
};

/// The breaker's state (the value of its trace instants and of its state counter).
enum class BreakerState { Closed = 0, Open = 1, HalfOpen = 2 };

/// "closed", "open", "half_open".
[[nodiscard]] QString breakerStateName(BreakerState state);

/// How a call through the breaker ended.
enum class CallOutcome { Success, Failure, Rejected };

/// The breaker's settings. The robust-only ones are ignored by the seed variant.
struct CircuitBreakerOptions
{
    BreakerVariant variant = BreakerVariant::Robust;
    /// Seed: failures (counted since the last close, never reset by successes) that open it.
    int failureThreshold = 5;
    /// Both: how long it stays open before a call may turn it half-open.
    Duration recoveryTimeout = std::chrono::milliseconds(1000);
    /// Robust: how many of the latest outcomes the failure rate is computed over.
    int windowSize = 20;
    /// Robust: the failure rate (0–1] at or above which it opens.
    double failureRateThreshold = 0.5;
    /// Robust: outcomes needed in the window before the rate is judged.
    int minimumCalls = 10;
    /// Robust: calls admitted while half-open; the rest are rejected.
    int halfOpenProbes = 1;
    /// Robust: a call taking at least this long counts as a failure; zero: off.
    Duration slowCallDuration{};
};

/// One state change.
struct BreakerTransition
{
    BreakerState from;
    BreakerState to;
    Instant at;
};

/// What the breaker has seen since it was made.
struct BreakerStats
{
    std::uint64_t admitted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t successes = 0;        ///< outcomes recorded as successes
    std::uint64_t failures = 0;         ///< outcomes recorded as failures (slow calls included)
    std::uint64_t halfOpenAdmitted = 0; ///< calls admitted while half-open, in all half-open periods
    std::uint64_t halfOpenAdmittedMax = 0; ///< the most admitted in one half-open period
    std::vector<BreakerTransition> transitions;
};

/// Leave to make one call, from CircuitBreaker::tryAcquire(); give it back with record() or
/// release().
struct BreakerPermit
{
    bool admitted = false;
    bool probe = false;         ///< admitted while half-open
    std::uint64_t epoch = 0;    ///< the state period it was admitted in
    Instant startedAt;
};

/// A circuit breaker (see the header overview). Thread-safe: callers on any worker.
class CircuitBreaker
{
public:
    /// A closed breaker on @p runtime's clock; throws std::invalid_argument naming a setting
    /// out of range. Traces as @p name.
    CircuitBreaker(Runtime &runtime, const CircuitBreakerOptions &options, QString name = QStringLiteral("breaker"));
    CircuitBreaker(const CircuitBreaker &) = delete;
    CircuitBreaker &operator=(const CircuitBreaker &) = delete;
    ~CircuitBreaker();

    /// Runs @p attempt (true = success) if the breaker admits it, and records how it went.
    /// Rejected: it was not run. An exception from @p attempt counts as a failure and is
    /// rethrown; a cancellation records nothing (a probe slot is given back). The breaker must
    /// outlive the task.
    [[nodiscard]] Task<CallOutcome> call(Task<bool> attempt);

    /// The low-level half of call(): asks to make a call now (a rejection is counted here).
    [[nodiscard]] BreakerPermit tryAcquire();
    /// Records the outcome of an admitted call; its duration is measured from the permit.
    void record(const BreakerPermit &permit, bool success);
    /// Gives back an admitted call's permit without an outcome (it was cancelled).
    void release(const BreakerPermit &permit);

    /// The state now (without the lazy open → half-open check a call makes).
    [[nodiscard]] BreakerState state() const;
    [[nodiscard]] BreakerStats stats() const;
    [[nodiscard]] const CircuitBreakerOptions &options() const noexcept;

private:
    std::unique_ptr<detail::CircuitBreakerState> m_state;
};

} // namespace taskscope
