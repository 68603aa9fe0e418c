#include "patterns/ratelimiter.h"

#include "runtime/runtime.h"
#include "runtime/impl/loom.h"
#include "sync/mutex.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

// Implementation notes
//
// Seed variant: the seed's RateLimiter, the same loads, stores, lock and awaits in the same
// order. `seedTokens` is its AtomicU64 and `seedLastRefill` its tokio::sync::Mutex<Instant>
// (our async Mutex). An attempt (seedTryAcquire) awaits seedRefill, then loads the count,
// compares, and fetch_subs. seedRefill locks last_refill, reads the clock, and only when
// 100 ms or more have passed truncates elapsed × rate to an integer, loads the count, and
// stores min(current + new, capacity) (unsigned addition wraps, as u64 does in a Rust release
// build) before moving last_refill to now. There is no other refill: the level changes only
// inside an attempt. The lock serialises refills only. Its load-then-store can overwrite a
// fetch_sub made between the two, and the attempt's load and fetch_sub are each atomic but
// not together: between a load that saw enough tokens and its fetch_sub another worker may
// take them, the subtraction goes below zero and the unsigned count wraps to about 2^64, so
// every later comparison passes until a refill clamps it. An underflow is counted when
// fetch_sub's previous value was below the cost. The level counter is traced at the refill's
// store and after each fetch_sub, the two places the count is written.
//
// Robust variant. Everything is under `m_lock`. The level is tokens plus `m_credit`, the
// fraction of the next token in token·nanoseconds (0 ≤ credit < 10^9): refilling up to now
// adds elapsed_ns × rate to the credit and moves whole tokens out of it, so no fraction is
// ever lost and the level is exactly min(capacity, capacity − taken + rate × elapsed).
// A full bucket drops its credit (the excess overflows). Admission checks and takes under
// the same lock, so the count never goes below zero and the admitted total never exceeds
// capacity + rate × elapsed. A waiter computes when the missing tokens will exist
// (ceil(missing_credit / rate) ns from now) and sleeps until exactly then; if another
// waiter took them first it computes again.
//
// Bounds: capacity × 10^9 must fit in 64 bits (capacity < 9·10^9).

namespace taskscope {

namespace {
constexpr std::int64_t nanosPerSecond = 1'000'000'000;
constexpr Duration seedRefillMinimumGap = std::chrono::milliseconds(100);
constexpr Duration seedPollPeriod = std::chrono::milliseconds(10);
} // namespace

namespace detail {

struct TokenBucketState
{
    TokenBucketState(Runtime &runtime, std::int64_t capacity, std::int64_t refillPerSecond, BucketVariant variant,
                     const QString &name)
        : runtime(runtime)
        , capacity(capacity)
        , refillPerSecond(refillPerSecond)
        , variant(variant)
        , counter(name + QStringLiteral(" tokens"))
        , seedTokens(std::uint64_t(capacity))
        , seedLastRefill(MutexName{name + QStringLiteral(" last_refill")}, runtime.now())
        , lastRefill(runtime.now())
    {
    }

    Runtime &runtime;
    const std::int64_t capacity;
    const std::int64_t refillPerSecond;
    const BucketVariant variant;
    TraceCounter counter;
    Atomic<std::uint64_t> underflowCount{0};

    // Seed variant.
    Atomic<std::uint64_t> seedTokens;
    taskscope::Mutex<Instant> seedLastRefill;
    Atomic<std::int64_t> raceMagnifierNs{0};

    // Robust variant (under lock).
    mutable Mutex lock;
    std::int64_t tokens = 0;
    std::int64_t credit = 0;
    Instant lastRefill;

    /// Robust: adds what refilled since lastRefill. Caller holds the lock.
    void refillLocked(Instant now)
    {
        if (now <= lastRefill)
            return;
        const std::int64_t elapsed = (now - lastRefill).count();
        lastRefill = now;
        if (refillPerSecond == 0)
            return;
        const std::int64_t before = tokens;
        const std::int64_t missingCredit = (capacity - tokens) * nanosPerSecond - credit;
        if (missingCredit <= 0 || elapsed >= (missingCredit + refillPerSecond - 1) / refillPerSecond) {
            tokens = capacity;
            credit = 0;
        } else {
            // elapsed × rate < missingCredit + rate: no overflow.
            const std::int64_t gained = credit + elapsed * refillPerSecond;
            tokens += gained / nanosPerSecond;
            credit = gained % nanosPerSecond;
        }
        if (tokens != before)
            counter.set(tokens);
    }

    /// Robust: how long until @p cost tokens exist, with the lock held and the bucket refilled.
    [[nodiscard]] Duration timeUntilLocked(std::int64_t cost) const
    {
        const std::int64_t missingCredit = (cost - tokens) * nanosPerSecond - credit;
        return Duration((missingCredit + refillPerSecond - 1) / refillPerSecond);
    }

    bool robustTryAcquire(std::int64_t cost)
    {
        LockGuard guard(lock);
        refillLocked(runtime.now());
        if (tokens < cost)
            return false;
        tokens -= cost;
        counter.set(tokens);
        return true;
    }
};

} // namespace detail

namespace {

/// The seed's refill().
Task<void> seedRefill(std::shared_ptr<detail::TokenBucketState> state)
{
    auto lastRefill = co_await state->seedLastRefill.lock();
    const Instant now = state->runtime.now();
    const Duration elapsed = now - *lastRefill;
    if (elapsed >= seedRefillMinimumGap) {
        // The seed's `(elapsed.as_secs_f64() * refill_rate as f64) as u64`: the fraction is lost.
        const auto newTokens =
            std::uint64_t(std::chrono::duration<double>(elapsed).count() * double(state->refillPerSecond));
        // Relaxed, as in the seed; a fetch_sub between this load and the store is overwritten.
        const std::uint64_t current = state->seedTokens.load(std::memory_order_relaxed);
        const std::uint64_t total = std::min(current + newTokens, std::uint64_t(state->capacity));
        state->seedTokens.store(total, std::memory_order_relaxed);
        state->counter.set(std::int64_t(total));
        *lastRefill = now;
    }
}

/// The seed's acquire(): one attempt.
Task<bool> seedTryAcquire(std::shared_ptr<detail::TokenBucketState> state, std::int64_t cost)
{
    co_await seedRefill(state);
    const auto wanted = std::uint64_t(cost);
    // Relaxed, as in the seed: the defect is that load and fetch_sub are two steps, which no
    // memory order would fix; nothing else is published through the count.
    const std::uint64_t current = state->seedTokens.load(std::memory_order_relaxed);
    if (current < wanted)
        co_return false;
    // The magnifier: simulated CPU work (busyFor), not an await, so no other task of this
    // worker runs meanwhile, but other workers do. Relaxed: a setting read once per
    // admission; any recent value will do.
    if (const Duration window(state->raceMagnifierNs.load(std::memory_order_relaxed)); window > Duration::zero())
        busyFor(window);
    const std::uint64_t previous = state->seedTokens.fetch_sub(wanted, std::memory_order_relaxed);
    if (previous < wanted) // someone took them between our load and our subtraction
        state->underflowCount.fetch_add(1, std::memory_order_relaxed); // a statistic only
    state->counter.set(std::int64_t(previous - wanted));
    co_return true;
}

/// The seed's wait_for: try, sleep 10 ms, try again (the last sleep cut at the deadline).
Task<bool> seedAcquire(std::shared_ptr<detail::TokenBucketState> state, std::int64_t cost,
                       std::optional<Instant> deadline)
{
    for (;;) {
        if (co_await seedTryAcquire(state, cost))
            co_return true;
        const Instant now = state->runtime.now();
        if (deadline && now >= *deadline)
            co_return false;
        Instant next = now + seedPollPeriod;
        if (deadline)
            next = std::min(next, *deadline);
        co_await sleepUntil(next);
    }
}

Task<bool> robustTryAcquire(std::shared_ptr<detail::TokenBucketState> state, std::int64_t cost)
{
    co_return state->robustTryAcquire(cost);
}

Task<bool> robustAcquire(std::shared_ptr<detail::TokenBucketState> state, std::int64_t cost,
                         std::optional<Instant> deadline)
{
    const bool possible = cost <= state->capacity;
    for (;;) {
        std::optional<Instant> wakeAt;
        const Instant now = state->runtime.now();
        {
            detail::LockGuard guard(state->lock);
            state->refillLocked(now);
            if (state->tokens >= cost) {
                state->tokens -= cost;
                state->counter.set(state->tokens);
                co_return true;
            }
            if (possible && state->refillPerSecond > 0)
                wakeAt = now + state->timeUntilLocked(cost);
        }
        if (deadline) {
            if (now >= *deadline)
                co_return false;
            wakeAt = wakeAt ? std::min(*wakeAt, *deadline) : *deadline;
        } else if (!wakeAt) {
            co_return false; // the tokens can never come
        }
        co_await sleepUntil(*wakeAt);
    }
}

} // namespace

TokenBucket::TokenBucket(Runtime &runtime, std::int64_t capacity, std::int64_t refillPerSecond, BucketVariant variant,
                         QString name)
{
    if (capacity < 1)
        throw std::invalid_argument("TokenBucket: capacity must be at least 1");
    if (refillPerSecond < 0)
        throw std::invalid_argument("TokenBucket: refillPerSecond must not be negative");
    m_state = std::make_shared<detail::TokenBucketState>(runtime, capacity, refillPerSecond, variant, name);
    m_state->tokens = capacity;
    m_state->counter.set(capacity);
}

TokenBucket::~TokenBucket() = default;

Task<bool> TokenBucket::tryAcquire(std::int64_t cost)
{
    return m_state->variant == BucketVariant::Seed ? seedTryAcquire(m_state, cost) : robustTryAcquire(m_state, cost);
}

Task<bool> TokenBucket::acquire(std::int64_t cost, std::optional<Instant> deadline)
{
    return m_state->variant == BucketVariant::Seed ? seedAcquire(m_state, cost, deadline)
                                                   : robustAcquire(m_state, cost, deadline);
}

std::int64_t TokenBucket::tokens() const
{
    if (m_state->variant == BucketVariant::Seed)
        return std::int64_t(m_state->seedTokens.load(std::memory_order_relaxed)); // a reading only
    detail::LockGuard guard(m_state->lock);
    m_state->refillLocked(m_state->runtime.now());
    return m_state->tokens;
}

std::uint64_t TokenBucket::underflows() const noexcept
{
    return m_state->underflowCount.load(std::memory_order_relaxed); // a statistic only
}

std::int64_t TokenBucket::capacity() const noexcept
{
    return m_state->capacity;
}

std::int64_t TokenBucket::refillPerSecond() const noexcept
{
    return m_state->refillPerSecond;
}

BucketVariant TokenBucket::variant() const noexcept
{
    return m_state->variant;
}

void TokenBucket::setRaceMagnifier(Duration window) noexcept
{
    // Relaxed: a setting the next admissions read; nothing else is published with it.
    m_state->raceMagnifierNs.store(std::max<std::int64_t>(0, window.count()), std::memory_order_relaxed);
}

} // namespace taskscope
