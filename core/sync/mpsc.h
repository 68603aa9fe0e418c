#pragma once

/// mpsc: multi-producer, single-consumer channels, bounded or unbounded (Tokio's mpsc).
///
/// ```
/// auto [tx, rx] = mpsc::channel<Job>(64);        // capacity 64
/// co_await tx.send(job);                         // waits while the channel is full
/// while (std::optional<Job> job = co_await rx.recv()) { ... }   // nullopt: all senders gone
/// ```
/// Senders are copyable. A bounded send waits for room; waiting senders are served in the
/// order they began to wait (the capacity is a FIFO-fair semaphore). A send cancelled while
/// it waits loses its place, and its value is destroyed, never delivered. trySend() never
/// waits: it gives the value back as Full or Closed. recv() ends (nullopt) once every sender
/// is gone and the queue is empty. The receiver can close(): waiting and later sends fail as
/// Closed with their value given back, and what is already queued can still be received.

#include "runtime/impl/taskheader.h"
#include "sync/impl/batchsemaphore.h"
#include "sync/impl/tracedobject.h"

#include <deque>
#include <memory>
#include <optional>
#include <source_location>
#include <utility>

namespace taskscope::mpsc {

/// The outcome of a send: Sent, or the value given back as Full or Closed.
template<typename T>
class SendResult
{
public:
    enum class Status { Sent, Full, Closed };

    static SendResult sent() { return SendResult(Status::Sent, std::nullopt); }
    static SendResult full(T value) { return SendResult(Status::Full, std::move(value)); }
    static SendResult closed(T value) { return SendResult(Status::Closed, std::move(value)); }

    [[nodiscard]] Status status() const noexcept { return m_status; }
    [[nodiscard]] bool isSent() const noexcept { return m_status == Status::Sent; }
    [[nodiscard]] bool isFull() const noexcept { return m_status == Status::Full; }
    [[nodiscard]] bool isClosed() const noexcept { return m_status == Status::Closed; }
    explicit operator bool() const noexcept { return isSent(); }
    /// The value that was not sent (Full or Closed).
    [[nodiscard]] T takeValue() { return std::move(*m_value); }

private:
    SendResult(Status status, std::optional<T> value)
        : m_status(status)
        , m_value(std::move(value))
    {
    }
    Status m_status;
    std::optional<T> m_value;
};

namespace detail {

using taskscope::detail::AcquireAwaiter;
using taskscope::detail::BatchSemaphore;
using taskscope::detail::LockGuard;
using taskscope::detail::TaskHeader;
using taskscope::detail::Waker;

template<typename T>
class Shared : public taskscope::detail::TracedObject
{
public:
    Shared(std::size_t capacity, QString name)
        : TracedObject(name)
        , capacity(capacity)
        , room(capacity > 0 ? std::make_shared<BatchSemaphore>(capacity, name + QStringLiteral(".capacity"))
                             : nullptr)
    {
    }

    /// Puts a value that has its slot into the queue; false (value untouched) when closed.
    bool push(T &value)
    {
        Waker receiver;
        std::size_t length = 0;
        {
            LockGuard lock(mutex);
            if (receiverClosed)
                return false;
            queue.push_back(std::move(value));
            length = queue.size();
            this->length.store(length, std::memory_order_relaxed);
            receiver = std::move(receiverWaiter);
        }
        trace(TraceKind::Send, std::int64_t(length));
        receiver.wake();
        return true;
    }

    /// Moves the next value, if any, into @p value (which must be empty) and frees its slot.
    bool popInto(std::optional<T> &value)
    {
        std::size_t length = 0;
        {
            LockGuard lock(mutex);
            if (queue.empty())
                return false;
            value.emplace(std::move(queue.front()));
            queue.pop_front();
            length = queue.size();
            this->length.store(length, std::memory_order_relaxed);
        }
        if (room)
            room->release(1);
        trace(TraceKind::Receive, std::int64_t(length));
        return true;
    }

    /// True when recv() should end: no value, and no sender can add one.
    bool isFinishedLocked() const { return queue.empty() && (senders.load(std::memory_order_acquire) == 0 || receiverClosed); }

    const std::size_t capacity; // 0 = unbounded
    const std::shared_ptr<BatchSemaphore> room;
    taskscope::detail::Mutex mutex;
    std::deque<T> queue;
    bool receiverClosed = false;
    Waker receiverWaiter;
    taskscope::detail::Atomic<std::size_t> senders{1};
    taskscope::detail::Atomic<std::size_t> length{0};
};

} // namespace detail

/// The sending half; copy it to get more producers.
template<typename T>
class Sender
{
public:
    explicit Sender(std::shared_ptr<detail::Shared<T>> shared) noexcept
        : m_shared(std::move(shared))
    {
    }
    Sender(const Sender &other) noexcept
        : m_shared(other.m_shared)
    {
        // Relaxed: a new sender is made from a live one, which keeps the count above zero.
        if (m_shared)
            m_shared->senders.fetch_add(1, std::memory_order_relaxed);
    }
    Sender(Sender &&other) noexcept = default;
    Sender &operator=(Sender other) noexcept
    {
        std::swap(m_shared, other.m_shared);
        return *this;
    }
    ~Sender() { drop(); }

    /// The awaiter of send().
    class [[nodiscard]] Send
    {
    public:
        Send(std::shared_ptr<detail::Shared<T>> shared, T value, std::source_location location)
            : m_shared(std::move(shared))
            , m_value(std::move(value))
        {
            if (m_shared->room)
                m_acquire.emplace(m_shared->room, 1, location);
        }
        bool await_ready()
        {
            return !m_acquire || m_acquire->await_ready();
        }
        bool await_suspend(std::coroutine_handle<> awaiting) { return m_acquire->await_suspend(awaiting); }
        SendResult<T> await_resume()
        {
            // A cancelled wait throws here, before the value goes anywhere.
            if (m_acquire && m_acquire->await_resume() == detail::BatchSemaphore::Result::Closed)
                return SendResult<T>::closed(std::move(m_value));
            if (!m_shared->push(m_value)) {
                if (m_shared->room)
                    m_shared->room->release(1);
                return SendResult<T>::closed(std::move(m_value));
            }
            return SendResult<T>::sent();
        }

    private:
        std::shared_ptr<detail::Shared<T>> m_shared;
        T m_value;
        std::optional<detail::AcquireAwaiter> m_acquire;
    };

    /// Sends @p value, waiting for room in a bounded channel.
    [[nodiscard]] Send send(T value, std::source_location location = std::source_location::current()) const
    {
        return Send(m_shared, std::move(value), location);
    }

    /// Sends @p value only if there is room now; otherwise gives it back as Full or Closed.
    [[nodiscard]] SendResult<T> trySend(T value) const
    {
        if (m_shared->room && !m_shared->room->tryAcquire(1)) {
            if (m_shared->room->isClosed())
                return SendResult<T>::closed(std::move(value));
            return SendResult<T>::full(std::move(value));
        }
        if (!m_shared->push(value)) {
            if (m_shared->room)
                m_shared->room->release(1);
            return SendResult<T>::closed(std::move(value));
        }
        return SendResult<T>::sent();
    }

    /// True once the receiver closed the channel or is gone.
    [[nodiscard]] bool isClosed() const
    {
        detail::LockGuard lock(m_shared->mutex);
        return m_shared->receiverClosed;
    }
    /// Values waiting in the queue.
    [[nodiscard]] std::size_t len() const noexcept { return m_shared->length.load(std::memory_order_relaxed); }
    /// The bound; 0 for an unbounded channel.
    [[nodiscard]] std::size_t capacity() const noexcept { return m_shared->capacity; }

private:
    void drop() noexcept
    {
        if (!m_shared)
            return;
        // acq_rel: the last sender's sends happen-before the receiver seeing zero senders.
        if (m_shared->senders.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            detail::Waker receiver;
            {
                detail::LockGuard lock(m_shared->mutex);
                receiver = std::move(m_shared->receiverWaiter);
            }
            receiver.wake();
        }
        m_shared.reset();
    }

    std::shared_ptr<detail::Shared<T>> m_shared;
};

/// The receiving half (move-only).
template<typename T>
class Receiver
{
public:
    explicit Receiver(std::shared_ptr<detail::Shared<T>> shared) noexcept
        : m_shared(std::move(shared))
    {
    }
    Receiver(Receiver &&) noexcept = default;
    Receiver(const Receiver &) = delete;
    Receiver &operator=(const Receiver &) = delete;
    ~Receiver()
    {
        if (m_shared)
            close();
    }

    /// The awaiter of recv().
    class [[nodiscard]] Recv
    {
    public:
        Recv(detail::Shared<T> &shared, std::source_location location)
            : m_shared(shared)
            , m_location(location)
        {
        }
        bool await_ready()
        {
            // With the poll's cooperative budget spent, a ready value waits for one yield
            // (await_suspend): a receiver that never runs dry still lets its worker's other
            // tasks run.
            taskscope::detail::TaskHeader *task = taskscope::detail::TaskHeader::current();
            if (task && !task->hasCoopBudget())
                return false;
            if (m_shared.popInto(m_value)) {
                if (task)
                    task->spendCoopBudget();
                return true;
            }
            detail::LockGuard lock(m_shared.mutex);
            return m_shared.isFinishedLocked();
        }
        bool await_suspend(std::coroutine_handle<> awaiting)
        {
            m_task = &taskscope::detail::requireCurrentTask("mpsc::Receiver::recv");
            if (m_task->stopRequested())
                return false;
            bool ready = false;
            {
                detail::LockGuard lock(m_shared.mutex);
                ready = !m_shared.queue.empty() || m_shared.isFinishedLocked();
                if (ready && m_task->hasCoopBudget())
                    return false;
                if (!ready)
                    m_shared.receiverWaiter = m_task->beginWait(awaiting, m_location);
            }
            if (ready) {
                // The budget is spent: yield (wake ourselves while running, as yieldNow does).
                // The value stays queued for await_resume: only this receiver takes values.
                m_task->beginWait(awaiting, m_location).wake();
                return true;
            }
            m_shared.trace(TraceKind::WaitBegin, 1);
            return m_task->finishWait();
        }
        std::optional<T> await_resume()
        {
            if (m_value || m_shared.popInto(m_value))
                return std::move(m_value);
            {
                detail::LockGuard lock(m_shared.mutex);
                if (m_shared.isFinishedLocked())
                    return std::nullopt;
                m_shared.receiverWaiter = {}; // cancelled while waiting
            }
            m_task->throwStop();
        }

    private:
        detail::Shared<T> &m_shared;
        std::source_location m_location;
        taskscope::detail::TaskHeader *m_task = nullptr;
        std::optional<T> m_value;
    };

    /// The next value; nullopt once every sender is gone (or the channel is closed) and the
    /// queue is empty.
    [[nodiscard]] Recv recv(std::source_location location = std::source_location::current())
    {
        return Recv(*m_shared, location);
    }
    /// The next value if one is queued now.
    [[nodiscard]] std::optional<T> tryRecv()
    {
        std::optional<T> value;
        m_shared->popInto(value);
        return value;
    }

    /// Stops the channel: waiting and later sends fail as Closed; queued values stay receivable.
    void close()
    {
        {
            detail::LockGuard lock(m_shared->mutex);
            m_shared->receiverClosed = true;
        }
        if (m_shared->room)
            m_shared->room->close();
    }
    [[nodiscard]] std::size_t len() const noexcept { return m_shared->length.load(std::memory_order_relaxed); }
    [[nodiscard]] std::size_t capacity() const noexcept { return m_shared->capacity; }
    /// Senders waiting for room now.
    [[nodiscard]] std::size_t waitingSenders() const noexcept
    {
        return m_shared->room ? m_shared->room->waiterCount() : 0;
    }
    [[nodiscard]] std::uint64_t objectId() const noexcept { return m_shared->id(); }

private:
    std::shared_ptr<detail::Shared<T>> m_shared;
};

/// A bounded channel holding at most @p capacity values (capacity ≥ 1).
template<typename T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity, QString name = QStringLiteral("channel"))
{
    if (capacity == 0)
        throw std::invalid_argument("mpsc::channel: capacity is 0; it must be at least 1 (or use unboundedChannel)");
    auto shared = std::make_shared<detail::Shared<T>>(capacity, std::move(name));
    return {Sender<T>(shared), Receiver<T>(shared)};
}

/// A channel without a bound: send() never waits.
template<typename T>
[[nodiscard]] std::pair<Sender<T>, Receiver<T>> unboundedChannel(QString name = QStringLiteral("channel"))
{
    auto shared = std::make_shared<detail::Shared<T>>(0, std::move(name));
    return {Sender<T>(shared), Receiver<T>(shared)};
}

} // namespace taskscope::mpsc
