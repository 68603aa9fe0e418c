#pragma once

/// Retry with exponential backoff and jitter, around any call that can fail (the seed's
/// "Implement circuit breakers and retry logic"; the seed gives no code for it, so there is
/// only the careful version).
///
/// ```
/// Retry retry({.attempts = 3, .baseBackoff = 50ms, .maxBackoff = 2s, .jitter = Jitter::Full});
/// RetryResult result = co_await retry.run([&] { return askDownstream(); });   // Task<bool>
/// RetryResult guarded = co_await retry.run([&]() -> Task<bool> {              // inside a breaker
///     co_return co_await breaker.call(askDownstream()) == CallOutcome::Success;
/// });
/// ```
/// Attempt 0 runs at once; before retry n (n = 0, 1, …) it waits, on the runtime clock,
/// ceiling(n) = min(maxBackoff, baseBackoff × 2^n) with Jitter::None, or a uniformly random
/// duration in [0, ceiling(n)] with Jitter::Full (AWS's "full jitter", which spreads retrying
/// clients apart instead of letting them return in waves). The random numbers come from the
/// runtime's seeded generator, so a deterministic run repeats its delays exactly.
/// Traces the counter "<name> backing off" (calls waiting to retry) and an instant
/// "<name> retry" (value = the retry's number n) as each retry starts.

#include "runtime/task.h"
#include "runtime/impl/loom.h"
#include "time/clock.h"
#include "trace/tracecounter.h"

#include <QString>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace taskscope {

/// How the delay before a retry is drawn.
enum class Jitter {
    None, ///< exactly min(max, base × 2^n)
    Full  ///< uniform in [0, min(max, base × 2^n)]
};

/// How to retry.
struct RetryPolicy
{
    /// Attempts in all, the first one included (1: no retry).
    int attempts = 3;
    Duration baseBackoff = std::chrono::milliseconds(50);
    Duration maxBackoff = std::chrono::milliseconds(2000);
    Jitter jitter = Jitter::Full;
};

/// How one retried call went.
struct RetryResult
{
    bool succeeded = false;
    int attempts = 0;               ///< attempts made
    std::vector<Duration> backoffs; ///< the waits before each retry, in order
};

/// Retries a call with exponential backoff (see the header overview). Thread-safe: one Retry
/// serves any number of concurrent calls.
class Retry
{
public:
    /// Throws std::invalid_argument naming a setting out of range (attempts < 1, a negative backoff).
    explicit Retry(const RetryPolicy &policy, QString name = QStringLiteral("retry"));

    /// Told as each backoff begins: the retry's number n (0-based) and the wait drawn for it.
    using BackoffObserver = std::function<void(int retry, Duration wait)>;

    /// Calls @p attempt (true = success) until it succeeds or the attempts run out, waiting
    /// the backoff between attempts. An attempt that throws a std::exception counts as a
    /// failed one; a cancellation ends the whole call. The Retry must outlive the task.
    /// @p onBackoff, when given, hears each wait before it starts (to trace or show it; it
    /// changes nothing).
    [[nodiscard]] Task<RetryResult> run(std::function<Task<bool>()> attempt, BackoffObserver onBackoff = {}) const;

    /// The longest wait before retry @p retry (0-based): min(maxBackoff, baseBackoff × 2^retry).
    [[nodiscard]] Duration ceiling(int retry) const noexcept;
    /// The wait before retry @p retry, given 64 random bits (ignored without jitter).
    [[nodiscard]] Duration delay(int retry, std::uint64_t randomBits) const noexcept;
    [[nodiscard]] const RetryPolicy &policy() const noexcept { return m_policy; }

private:
    RetryPolicy m_policy;
    TraceCounter m_backingOff;
    TraceInstant m_retryMark;
    mutable detail::Atomic<std::int64_t> m_waiting{0};
};

} // namespace taskscope
