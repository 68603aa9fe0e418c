#pragma once

/// The seed's "Rate limiting and backpressure": a token bucket holds up to capacity tokens,
/// refilled at refillPerSecond; a request takes cost tokens or is refused (tryAcquire), or
/// waits until it can take them (acquire).
///
/// ```
/// TokenBucket bucket(runtime, 10, 5, BucketVariant::Robust);   // 10 tokens, 5 more per second
/// if (bucket.tryAcquire(1)) serve(); else reject();
/// bool admitted = co_await bucket.acquire(1, deadline);      // waits, at most until deadline
/// ```
/// Two variants (see DESIGN.md, decision 8):
/// - `Seed` keeps the seed's code and its defects. The count is an unsigned 64-bit atomic;
///   admission loads it, compares, then subtracts in a separate step, so two threads that both
///   saw enough tokens both subtract: the bucket over-admits and the count wraps below zero
///   (a wrapped count looks huge, so everyone is admitted until the next refill clamps it).
///   Refill is a background task that wakes every 100 ms and adds elapsed × rate tokens,
///   truncated to an integer as the seed's `as u64` does (at 5 tokens/s a step adds 0.5 → 0:
///   the bucket never refills), with a plain load and store that can overwrite a concurrent
///   subtraction. Waiting polls every 10 ms.
/// - `Robust` refills lazily from the runtime clock, exactly (fractions of a token carry
///   over), and admits under a lock, so it never admits more than
///   capacity + refillPerSecond × elapsed; waiting sleeps until the instant enough tokens
///   exist.

#include "runtime/joinhandle.h"
#include "runtime/task.h"
#include "time/clock.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>

namespace taskscope {

class Runtime;

namespace detail {
struct TokenBucketState;
}

/// Which version of the bucket to run.
enum class BucketVariant {
    Seed,  ///< faithful to the seed: check-then-subtract, 100 ms step refill, 10 ms polling
    Robust ///< atomic admission under a lock, exact lazy refill, exact waiting
};

/// A token bucket rate limiter (see the header overview). Thread-safe.
class TokenBucket
{
public:
    /// A full bucket of @p capacity (≥ 1) tokens, refilled at @p refillPerSecond (≥ 0) on
    /// @p runtime's clock. The seed variant spawns its refill task on @p runtime; destroying
    /// the bucket aborts it. Traces its level as the counter "@p name tokens".
    TokenBucket(Runtime &runtime, std::int64_t capacity, std::int64_t refillPerSecond, BucketVariant variant,
                QString name = QStringLiteral("bucket"));
    TokenBucket(const TokenBucket &) = delete;
    TokenBucket &operator=(const TokenBucket &) = delete;
    ~TokenBucket();

    /// Takes @p cost tokens if there are that many now; false (and takes nothing) otherwise.
    [[nodiscard]] bool tryAcquire(std::int64_t cost);
    /// Waits until @p cost tokens can be taken and takes them (true), or gives up when
    /// @p deadline passes first (false). Without a deadline, the robust variant gives up at
    /// once only when the tokens can never come (cost > capacity, or no refill); the seed
    /// variant polls forever, as the seed's wait_for does. The bucket must outlive the task.
    [[nodiscard]] Task<bool> acquire(std::int64_t cost, std::optional<Instant> deadline = std::nullopt);

    /// Tokens now (the seed variant's wrapped count shows as negative). The robust variant
    /// refills up to now first.
    [[nodiscard]] std::int64_t tokens() const;
    /// Times a subtraction took the count below zero (seed variant; always 0 for robust).
    [[nodiscard]] std::uint64_t underflows() const noexcept;
    [[nodiscard]] std::int64_t capacity() const noexcept;
    [[nodiscard]] std::int64_t refillPerSecond() const noexcept;
    [[nodiscard]] BucketVariant variant() const noexcept;

private:
    std::shared_ptr<detail::TokenBucketState> m_state;
    JoinHandle<void> m_refill; ///< seed variant: the background refill task
};

} // namespace taskscope
