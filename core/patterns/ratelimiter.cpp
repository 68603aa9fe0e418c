#include "patterns/ratelimiter.h"

#include "runtime/runtime.h"
#include "runtime/impl/loom.h"
#include "time/interval.h"
#include "time/sleep.h"
#include "trace/tracecounter.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

// Implementation notes
//
// Seed variant. `m_seedTokens` is the seed's AtomicU64. Admission is the seed's
// load / compare / fetch_sub: each step is atomic, the three together are not, so between a
// load that saw enough tokens and its fetch_sub another thread may take them (a preemption
// point between the two, on several workers, makes that observable; see seedTryAcquire). The
// subtraction then goes below zero, which for an unsigned count means it wraps to about
// 2^64: every later comparison passes, until the refill's min(current + new, capacity)
// clamps it back. An underflow is counted when fetch_sub's previous value was below the
// cost. The refill task, like the seed's refill(), reads the elapsed time since the last
// refill, truncates elapsed × rate to an integer, and writes min(current + new, capacity)
// with a separate load and store — a subtraction between the two is lost. Only the refill
// task touches `m_lastRefill`, so it needs no lock (the seed's Mutex serialises refills,
// and here there is only one refiller).
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
constexpr Duration seedRefillPeriod = std::chrono::milliseconds(100);
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
        , lastRefill(runtime.now())
    {
    }

    Runtime &runtime;
    const std::int64_t capacity;
    const std::int64_t refillPerSecond;
    const BucketVariant variant;
    const bool multiThreaded = runtime.config().workerThreads > 1;
    TraceCounter counter;
    Atomic<std::uint64_t> underflowCount{0};

    // Seed variant.
    Atomic<std::uint64_t> seedTokens;

    // Robust variant (under lock); lastRefill is also the seed's last_refill.
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

    bool seedTryAcquire(std::int64_t cost)
    {
        const auto wanted = std::uint64_t(cost);
        // Relaxed, as in the seed: the defect is that load and fetch_sub are two steps, which
        // no memory order would fix; nothing else is published through the count.
        const std::uint64_t current = seedTokens.load(std::memory_order_relaxed);
        if (current < wanted)
            return false;
        // The seed runs nothing between its load and its fetch_sub, so the two are a few
        // instructions apart and another worker slips in between only when the OS happens to
        // preempt this thread right there: measured on 4 workers, about once in 170 runs of
        // 500 ms. Offering the CPU here makes that preemption likely without changing what
        // can happen: it is not an await (no other task of this worker runs in between, as
        // in the seed), it only widens the window every multi-threaded run already has. One
        // worker has no one to race with, so it skips the system call.
        if (multiThreaded)
            preemptionPoint();
        const std::uint64_t previous = seedTokens.fetch_sub(wanted, std::memory_order_relaxed);
        if (previous < wanted) // someone took them between our load and our subtraction
            underflowCount.fetch_add(1, std::memory_order_relaxed); // a statistic only
        counter.set(std::int64_t(previous - wanted));
        return true;
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

    /// Seed: one step of the refill loop (the seed's refill()).
    void seedRefill(Instant now)
    {
        const Duration elapsed = now - lastRefill;
        if (elapsed < seedRefillPeriod)
            return;
        // The seed's `(elapsed.as_secs_f64() * refill_rate as f64) as u64`: the fraction is lost.
        const auto newTokens = std::uint64_t(std::chrono::duration<double>(elapsed).count() * double(refillPerSecond));
        // Relaxed, as in the seed; a fetch_sub between this load and the store is overwritten.
        const std::uint64_t current = seedTokens.load(std::memory_order_relaxed);
        const std::uint64_t total = std::min(current + newTokens, std::uint64_t(capacity));
        seedTokens.store(total, std::memory_order_relaxed);
        lastRefill = now;
        if (total != current)
            counter.set(std::int64_t(total));
    }
};

} // namespace detail

namespace {

/// The seed's background refill: wakes every 100 ms for the life of the bucket.
Task<void> seedRefillLoop(std::shared_ptr<detail::TokenBucketState> state)
{
    Interval every(seedRefillPeriod);
    for (;;) {
        co_await every.tick();
        state->seedRefill(state->runtime.now());
    }
}

Task<bool> seedAcquire(std::shared_ptr<detail::TokenBucketState> state, std::int64_t cost,
                       std::optional<Instant> deadline)
{
    // The seed's wait_for: try, sleep 10 ms, try again (the last sleep cut at the deadline).
    for (;;) {
        if (state->seedTryAcquire(cost))
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
    if (variant == BucketVariant::Seed)
        m_refill = runtime.spawn(seedRefillLoop(m_state), name + QStringLiteral(" refill"));
}

TokenBucket::~TokenBucket()
{
    m_refill.abort();
}

bool TokenBucket::tryAcquire(std::int64_t cost)
{
    return m_state->variant == BucketVariant::Seed ? m_state->seedTryAcquire(cost) : m_state->robustTryAcquire(cost);
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

} // namespace taskscope
