#pragma once

/// oneshot: a channel for exactly one value, from one sender to one receiver (the reply
/// channel of a request, as in Tokio's oneshot).
///
/// ```
/// auto [reply, answer] = oneshot::channel<int>();
/// spawn(worker(std::move(reply)));             // worker: reply.send(42)
/// std::optional<int> value = co_await answer;  // nullopt: the sender was dropped unsent
/// ```

#include "runtime/impl/taskheader.h"
#include "sync/impl/tracedobject.h"

#include <memory>
#include <optional>
#include <source_location>
#include <utility>

namespace taskscope::oneshot {

namespace detail {

template<typename T>
struct State : taskscope::detail::TracedObject
{
    using TracedObject::TracedObject;
    taskscope::detail::Mutex mutex;
    std::optional<T> value;
    bool senderGone = false;
    bool receiverGone = false;
    taskscope::detail::Waker waiter;
};

} // namespace detail

template<typename T>
class Receiver;

/// Sends the one value (move-only).
template<typename T>
class Sender
{
public:
    explicit Sender(std::shared_ptr<detail::State<T>> state) noexcept
        : m_state(std::move(state))
    {
    }
    Sender(Sender &&) noexcept = default;
    Sender &operator=(Sender &&other) noexcept
    {
        if (this != &other) {
            drop();
            m_state = std::move(other.m_state);
        }
        return *this;
    }
    Sender(const Sender &) = delete;
    Sender &operator=(const Sender &) = delete;
    ~Sender() { drop(); }

    /// Sends @p value. Gives it back (and sends nothing) when the receiver is gone, or when
    /// this sender was already used.
    [[nodiscard]] std::optional<T> send(T value)
    {
        if (!m_state)
            return std::optional<T>(std::move(value));
        taskscope::detail::Waker waiter;
        {
            taskscope::detail::LockGuard lock(m_state->mutex);
            if (m_state->receiverGone)
                return std::optional<T>(std::move(value));
            m_state->value.emplace(std::move(value));
            waiter = std::move(m_state->waiter);
        }
        m_state->trace(TraceKind::Send, 1);
        waiter.wake();
        m_state.reset(); // used up: dropping it later is not "closed without sending"
        return std::nullopt;
    }

    /// True once the receiver is gone (a send would be given back).
    [[nodiscard]] bool isClosed() const
    {
        if (!m_state)
            return true;
        taskscope::detail::LockGuard lock(m_state->mutex);
        return m_state->receiverGone;
    }

private:
    void drop() noexcept
    {
        if (!m_state)
            return;
        taskscope::detail::Waker waiter;
        {
            taskscope::detail::LockGuard lock(m_state->mutex);
            m_state->senderGone = true;
            waiter = std::move(m_state->waiter);
        }
        waiter.wake();
        m_state.reset();
    }

    std::shared_ptr<detail::State<T>> m_state;
};

/// Receives the one value: co_await it (move-only).
template<typename T>
class Receiver
{
public:
    explicit Receiver(std::shared_ptr<detail::State<T>> state) noexcept
        : m_state(std::move(state))
    {
    }
    Receiver(Receiver &&) noexcept = default;
    Receiver(const Receiver &) = delete;
    Receiver &operator=(const Receiver &) = delete;
    ~Receiver()
    {
        if (!m_state)
            return;
        taskscope::detail::LockGuard lock(m_state->mutex);
        m_state->receiverGone = true;
        m_state->waiter = {};
    }

    /// The value if it has arrived; nullopt otherwise (use isClosed to tell why).
    [[nodiscard]] std::optional<T> tryRecv()
    {
        taskscope::detail::LockGuard lock(m_state->mutex);
        return std::exchange(m_state->value, std::nullopt);
    }
    /// True when the sender is gone without sending.
    [[nodiscard]] bool isClosed() const
    {
        taskscope::detail::LockGuard lock(m_state->mutex);
        return m_state->senderGone && !m_state->value;
    }

    /// The awaiter of a Receiver: the value, or nullopt when the sender was dropped unsent.
    class [[nodiscard]] Awaiter
    {
    public:
        Awaiter(detail::State<T> &state, std::source_location location)
            : m_state(state)
            , m_location(location)
        {
        }
        // A ready value spends a unit of the poll's cooperative budget (TaskHeader), as a
        // ready mpsc receive does. With the budget spent, the receiver yields once first: a
        // task awaiting a stream of already-answered replies still lets its neighbours run.
        bool await_ready()
        {
            taskscope::detail::TaskHeader *task = taskscope::detail::TaskHeader::current();
            if (task && !task->hasCoopBudget())
                return false;
            taskscope::detail::LockGuard lock(m_state.mutex);
            const bool ready = m_state.value || m_state.senderGone;
            if (ready && task)
                task->spendCoopBudget();
            return ready;
        }
        bool await_suspend(std::coroutine_handle<> awaiting)
        {
            m_task = &taskscope::detail::requireCurrentTask("oneshot::Receiver");
            if (m_task->stopRequested())
                return false;
            bool ready = false;
            {
                taskscope::detail::LockGuard lock(m_state.mutex);
                ready = m_state.value || m_state.senderGone;
                if (ready && m_task->hasCoopBudget()) {
                    m_task->spendCoopBudget();
                    return false;
                }
                if (!ready)
                    m_state.waiter = m_task->beginWait(awaiting, m_location);
            }
            if (ready) {
                // The budget is spent: yield (wake ourselves while running, as yieldNow does).
                // The value stays in the state: only this receiver takes it.
                m_yielded = true;
                m_task->beginWait(awaiting, m_location).wake();
                return true;
            }
            m_state.trace(TraceKind::WaitBegin, 1);
            return m_task->finishWait();
        }
        std::optional<T> await_resume()
        {
            if (m_yielded && m_task->stopRequested())
                m_task->throwStop(); // cancelled during the yield: the value stays for tryRecv
            bool served = false;
            std::optional<T> value;
            {
                taskscope::detail::LockGuard lock(m_state.mutex);
                if (m_state.value || m_state.senderGone) {
                    served = true;
                    value = std::exchange(m_state.value, std::nullopt);
                } else {
                    m_state.waiter = {}; // cancelled while waiting: leave nothing behind
                }
            }
            if (!served)
                m_task->throwStop();
            if (value)
                m_state.trace(TraceKind::Receive, 0);
            return value;
        }

    private:
        detail::State<T> &m_state;
        std::source_location m_location;
        taskscope::detail::TaskHeader *m_task = nullptr;
        bool m_yielded = false; ///< found the value with the budget spent, and yields once
    };

    /// Waits for the value, recording @p location.
    [[nodiscard]] Awaiter recv(std::source_location location = std::source_location::current())
    {
        return Awaiter(*m_state, location);
    }
    Awaiter operator co_await() noexcept { return Awaiter(*m_state, std::source_location::current()); }

private:
    std::shared_ptr<detail::State<T>> m_state;
};

/// A new oneshot channel: the sender and the receiver.
template<typename T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> channel(QString name = QStringLiteral("oneshot"))
{
    auto state = std::make_shared<detail::State<T>>(std::move(name));
    return {Sender<T>(state), Receiver<T>(state)};
}

} // namespace taskscope::oneshot
