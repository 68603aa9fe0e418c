#include "patterns/retry.h"

#include "runtime/runtime.h"
#include "time/sleep.h"

#include <stdexcept>

namespace taskscope {

Retry::Retry(const RetryPolicy &policy, QString name)
    : m_policy(policy)
    , m_backingOff(name + QStringLiteral(" backing off"))
    , m_retryMark(name + QStringLiteral(" retry"))
{
    if (policy.attempts < 1)
        throw std::invalid_argument("Retry: attempts must be at least 1");
    if (policy.baseBackoff < Duration::zero())
        throw std::invalid_argument("Retry: baseBackoff must not be negative");
    if (policy.maxBackoff < Duration::zero())
        throw std::invalid_argument("Retry: maxBackoff must not be negative");
}

Duration Retry::ceiling(int retry) const noexcept
{
    // Doubling stops as soon as it passes the maximum, so base × 2^n never overflows.
    Duration delay = m_policy.baseBackoff;
    for (int n = 0; n < retry && delay < m_policy.maxBackoff; ++n)
        delay *= 2;
    return std::min(delay, m_policy.maxBackoff);
}

Duration Retry::delay(int retry, std::uint64_t randomBits) const noexcept
{
    const Duration top = ceiling(retry);
    if (m_policy.jitter == Jitter::None || top <= Duration::zero())
        return top;
    // Uniform in [0, top] nanoseconds: the high 64 bits of bits × (top + 1), without modulo bias
    // worth speaking of and without overflow.
    const auto span = static_cast<unsigned __int128>(top.count()) + 1;
    return Duration(static_cast<std::int64_t>((static_cast<unsigned __int128>(randomBits) * span) >> 64));
}

Task<RetryResult> Retry::run(std::function<Task<bool>()> attempt, BackoffObserver onBackoff) const
{
    Runtime &runtime = currentRuntime("Retry::run");
    RetryResult result;
    for (int index = 0; index < m_policy.attempts; ++index) {
        if (index > 0) {
            const int retry = index - 1;
            const Duration wait = delay(retry, runtime.random());
            result.backoffs.push_back(wait);
            if (onBackoff)
                onBackoff(retry, wait);
            {
                // Counts this call as backing off until the wait ends, or the task is cancelled in it.
                struct BackingOff
                {
                    const Retry &retry;
                    // Relaxed: a level for the trace, publishing nothing.
                    explicit BackingOff(const Retry &r) : retry(r)
                    {
                        retry.m_backingOff.set(retry.m_waiting.fetch_add(1, std::memory_order_relaxed) + 1);
                    }
                    ~BackingOff() { retry.m_backingOff.set(retry.m_waiting.fetch_sub(1, std::memory_order_relaxed) - 1); }
                } backingOff(*this);
                co_await sleep(wait);
            }
            m_retryMark.mark(retry);
        }
        ++result.attempts;
        bool succeeded = false;
        try {
            succeeded = co_await attempt();
        } catch (const std::exception &) {
            succeeded = false; // a failed attempt like any other; cancellations are not std::exceptions
        }
        if (succeeded) {
            result.succeeded = true;
            break;
        }
    }
    co_return result;
}

} // namespace taskscope
