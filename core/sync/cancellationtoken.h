#pragma once

/// CancellationToken: a shared "stop" signal with a tree of children (tokio-util's
/// CancellationToken).
///
/// Copies share one state. cancel() cancels the token and, recursively, every child token
/// made from it; cancelling a child never touches its parent. A child made from a cancelled
/// token starts cancelled. Tasks notice cancellation by awaiting cancelled(), by polling
/// isCancelled(), or by running work inside withCancellation(token, task), which cancels
/// the work at its current await point.
///
/// ```
/// CancellationToken token;
/// auto child = token.childToken();
/// spawn(worker(child));
/// token.cancel();          // the worker's `co_await child.cancelled()` completes
/// ```

#include "runtime/impl/taskheader.h"

#include <functional>
#include <memory>
#include <source_location>

namespace taskscope {

namespace detail {
class CancellationState;
}

class CancelledAwaiter;
class DropGuard;

/// A cancellation signal shared by its copies, with child tokens (see the header overview).
class CancellationToken
{
public:
    /// A callback registered with onCancel(); unregisters when destroyed.
    class [[nodiscard]] Registration
    {
    public:
        Registration() noexcept = default;
        Registration(std::weak_ptr<detail::CancellationState> state, std::uint64_t id) noexcept
            : m_state(std::move(state))
            , m_id(id)
        {
        }
        Registration(Registration &&other) noexcept
            : m_state(std::move(other.m_state))
            , m_id(std::exchange(other.m_id, 0))
        {
        }
        Registration &operator=(Registration &&other) noexcept;
        Registration(const Registration &) = delete;
        Registration &operator=(const Registration &) = delete;
        ~Registration() { reset(); }
        /// Unregisters the callback (a no-op once it ran).
        void reset() noexcept;

    private:
        std::weak_ptr<detail::CancellationState> m_state;
        std::uint64_t m_id = 0;
    };

    /// A new, uncancelled root token.
    CancellationToken();

    /// Cancels this token and all its descendants; runs their callbacks. Idempotent.
    void cancel() const;
    /// True once this token (or an ancestor) was cancelled.
    [[nodiscard]] bool isCancelled() const noexcept;
    /// Completes when the token is cancelled (at once if it already is).
    [[nodiscard]] CancelledAwaiter cancelled(std::source_location location = std::source_location::current()) const;
    /// A new token cancelled whenever this one is (but not the other way round).
    [[nodiscard]] CancellationToken childToken() const;

    /// Runs @p callback once, when the token is cancelled (at once, on this thread, if it
    /// already is). The callback runs on the thread that calls cancel(): keep it short.
    /// Resetting the Registration stops a later call, but a callback that cancel() has
    /// already started may still be running: capture what it uses by value (shared_ptr),
    /// not a `this` that may be gone.
    [[nodiscard]] Registration onCancel(std::function<void()> callback) const;

    /// A guard that cancels this token when it goes out of scope.
    [[nodiscard]] DropGuard dropGuard() const;

    /// True when both share one state (copies of one token).
    friend bool operator==(const CancellationToken &a, const CancellationToken &b) noexcept
    {
        return a.m_state == b.m_state;
    }

private:
    explicit CancellationToken(std::shared_ptr<detail::CancellationState> state) noexcept
        : m_state(std::move(state))
    {
    }

    std::shared_ptr<detail::CancellationState> m_state;
};

/// The awaiter of cancelled().
class [[nodiscard]] CancelledAwaiter
{
public:
    CancelledAwaiter(const CancellationToken &token, std::source_location location)
        : m_token(token)
        , m_location(location)
    {
    }
    bool await_ready() const noexcept { return m_token.isCancelled(); }
    bool await_suspend(std::coroutine_handle<> awaiting);
    void await_resume();

private:
    CancellationToken m_token;
    std::source_location m_location;
    detail::TaskHeader *m_task = nullptr;
    CancellationToken::Registration m_registration;
};

/// Cancels the token when destroyed, unless disarmed (tokio-util's DropGuard).
class [[nodiscard]] DropGuard
{
public:
    explicit DropGuard(CancellationToken token) noexcept
        : m_token(std::move(token))
    {
    }
    DropGuard(DropGuard &&other) noexcept
        : m_token(std::exchange(other.m_token, std::nullopt))
    {
    }
    DropGuard(const DropGuard &) = delete;
    DropGuard &operator=(const DropGuard &) = delete;
    ~DropGuard()
    {
        if (m_token)
            m_token->cancel();
    }
    /// Gives the token back without cancelling it.
    CancellationToken disarm() noexcept
    {
        CancellationToken token = std::move(*m_token);
        m_token.reset();
        return token;
    }

private:
    std::optional<CancellationToken> m_token;
};

inline CancelledAwaiter CancellationToken::cancelled(std::source_location location) const
{
    return CancelledAwaiter(*this, location);
}

inline DropGuard CancellationToken::dropGuard() const
{
    return DropGuard(*this);
}

} // namespace taskscope
