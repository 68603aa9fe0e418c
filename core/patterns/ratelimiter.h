#pragma once

/// The seed's "Rate limiting and backpressure": a token bucket holds up to capacity tokens,
/// refilled at refillPerSecond; a request takes cost tokens or is refused (tryAcquire), or
/// waits until it can take them (acquire).
///
/// ```
/// TokenBucket bucket(runtime, 10, 5, BucketVariant::Robust);   // 10 tokens, 5 more per second
/// if (co_await bucket.tryAcquire(1)) serve(); else reject();
/// bool admitted = co_await bucket.acquire(1, deadline);      // waits, at most until deadline
/// ```
/// Two variants (see DESIGN.md, decision 8):
/// - `Seed` is the seed's `RateLimiter`, step for step, defects included. Nothing refills in
///   the background: every attempt first runs the seed's refill(), which locks an async
///   mutex around the last refill instant and, only when 100 ms or more have passed since
///   it, adds elapsed × rate truncated to an integer (`as u64`), capped at capacity, with a
///   plain load and store — a subtraction between the two is lost — and moves the instant to
///   now. So the level changes only when someone asks: a bucket left alone for 2 s at 5
///   tokens/s is full at the next request, while clients that ask without pause trigger a
///   refill every 100 ms that adds 0.5 → 0 tokens, and the bucket never refills. Then the
///   attempt loads the unsigned 64-bit count, compares, and subtracts in a separate step, so
///   two workers that both saw enough tokens both subtract: the bucket over-admits and the
///   count wraps below zero (a wrapped count looks huge, so everyone is admitted until a
///   refill's min(current + new, capacity) clamps it). Waiting tries every 10 ms.
///   The check-then-subtract window is a few instructions wide; setRaceMagnifier() widens it
///   for a demonstration (off by default, and never an await).
/// - `Robust` refills lazily from the runtime clock, exactly (fractions of a token carry
///   over), and admits under a lock, so it never admits more than
///   capacity + refillPerSecond × elapsed; waiting sleeps until the instant enough tokens
///   exist.

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
    Seed,  ///< the seed's: refill inside each attempt, check-then-subtract, 10 ms polling
    Robust ///< atomic admission under a lock, exact lazy refill, exact waiting
};

/// A token bucket rate limiter (see the header overview). Thread-safe.
class TokenBucket
{
public:
    /// A full bucket of @p capacity (≥ 1) tokens, refilled at @p refillPerSecond (≥ 0) on
    /// @p runtime's clock. Traces its level as the counter "@p name tokens"; the seed
    /// variant's refill lock is the mutex "@p name last_refill".
    TokenBucket(Runtime &runtime, std::int64_t capacity, std::int64_t refillPerSecond, BucketVariant variant,
                QString name = QStringLiteral("bucket"));
    TokenBucket(const TokenBucket &) = delete;
    TokenBucket &operator=(const TokenBucket &) = delete;
    ~TokenBucket();

    /// One attempt (the seed's acquire): takes @p cost tokens if there are that many now;
    /// false (and takes nothing) otherwise. The seed variant first awaits its refill lock and
    /// refills; the robust one never suspends. The bucket must outlive the task.
    [[nodiscard]] Task<bool> tryAcquire(std::int64_t cost);
    /// Waits until @p cost tokens can be taken and takes them (true), or gives up when
    /// @p deadline passes first (false). Without a deadline, the robust variant gives up at
    /// once only when the tokens can never come (cost > capacity, or no refill); the seed
    /// variant tries every 10 ms forever, as the seed's wait_for does. The bucket must
    /// outlive the task.
    [[nodiscard]] Task<bool> acquire(std::int64_t cost, std::optional<Instant> deadline = std::nullopt);

    /// Tokens now (the seed variant's wrapped count shows as negative). The robust variant
    /// refills up to now first; the seed variant only reads (it refills only in an attempt).
    [[nodiscard]] std::int64_t tokens() const;
    /// Times a subtraction took the count below zero (seed variant; always 0 for robust).
    [[nodiscard]] std::uint64_t underflows() const noexcept;
    [[nodiscard]] std::int64_t capacity() const noexcept;
    [[nodiscard]] std::int64_t refillPerSecond() const noexcept;
    [[nodiscard]] BucketVariant variant() const noexcept;

    /// Seed variant, a magnifier for demonstrations: each admission holds its worker for
    /// @p window on the runtime clock (busyFor) between the load that saw enough tokens and
    /// the fetch_sub, so another worker can run into the same window. Not an await: one
    /// worker still never races. Zero (the default) is the seed's code.
    void setRaceMagnifier(Duration window) noexcept;

private:
    std::shared_ptr<detail::TokenBucketState> m_state;
};

} // namespace taskscope
