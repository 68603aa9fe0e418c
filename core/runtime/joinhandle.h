#pragma once

/// JoinHandle<T>: the result of spawn(). Await it for the task's value (or a JoinError);
/// abort() cancels the task at its next await point. Dropping the handle detaches the task:
/// it keeps running (as in Tokio).
///
/// Awaited inside an engine task, the awaiting task is woken through the scheduler. Awaited
/// from a coroutine on a thread with a Qt event loop (a QCoro::Task on the GUI thread), it
/// resumes that coroutine on that thread's event loop: the GUI bridge.

#include "runtime/joinerror.h"
#include "runtime/impl/taskheader.h"

#include <QAbstractEventDispatcher>
#include <QMetaObject>
#include <QObject>

#include <coroutine>
#include <memory>
#include <source_location>
#include <stdexcept>
#include <string>

namespace taskscope {

template<typename T>
class JoinHandle;

namespace detail {

/// Resumes a coroutine on the event loop of the thread that created this object. The
/// receiver QObject is created and deleted on that thread; the worker that completes the
/// task only posts to it, under a lock that detach() also takes.
class EventLoopResumer
{
public:
    EventLoopResumer()
        : m_receiver(new QObject)
    {
    }
    ~EventLoopResumer() { detach(); }
    EventLoopResumer(const EventLoopResumer &) = delete;
    EventLoopResumer &operator=(const EventLoopResumer &) = delete;

    /// Any thread: queues the resumption on the receiver's thread, unless detached.
    void post(std::coroutine_handle<> coroutine)
    {
        LockGuard lock(m_mutex);
        if (m_receiver)
            QMetaObject::invokeMethod(m_receiver, [coroutine] { coroutine.resume(); }, Qt::QueuedConnection);
    }
    /// The awaiting thread: no more resumptions. The receiver goes through deleteLater,
    /// since this may run inside the very event it is delivering.
    void detach()
    {
        QObject *receiver = nullptr;
        {
            LockGuard lock(m_mutex);
            receiver = std::exchange(m_receiver, nullptr);
        }
        if (receiver)
            receiver->deleteLater();
    }

private:
    Mutex m_mutex;
    QObject *m_receiver;
};

/// Turns a finished task's outcome into its value, or throws the JoinError.
template<typename T>
typename JoinResult<T>::Value takeOutcome(TaskCore<T> &core)
{
    switch (core.outcome()) {
    case Outcome::Ok:
        return core.takeValue();
    case Outcome::Panicked:
        throw JoinError(JoinError::Kind::Panicked, core.id(), core.panicMessage());
    default:
        throw JoinError(JoinError::Kind::Cancelled, core.id(), {});
    }
}

/// Awaits one task's completion: from an engine task, or from an event-loop thread.
template<typename T>
class [[nodiscard]] JoinAwaiter
{
public:
    JoinAwaiter(TaskCore<T> *core, std::source_location location) noexcept
        : m_core(core)
        , m_location(location)
    {
    }

    bool await_ready() const noexcept { return m_core->isFinished(); }

    bool await_suspend(std::coroutine_handle<> awaiting)
    {
        using enum TaskHeader::JoinRegistration;
        if (TaskHeader *task = TaskHeader::current()) {
            m_task = task;
            if (task->stopRequested())
                return false;
            m_registered = true;
            const TaskHeader::JoinRegistration registration =
                m_core->setJoinWaiter({task->beginWait(awaiting, m_location), {}, this});
            if (registration == Registered)
                return task->finishWait();
            // Finished meanwhile, or joined by someone else (await_resume throws): nobody holds
            // this wait's waker, so take it back unless a cancellation already woke it.
            m_secondJoiner = registration == Taken;
            return !task->reclaimWait();
        }
        // The GUI bridge: resume on this thread's event loop.
        if (!QAbstractEventDispatcher::instance())
            throw std::logic_error("taskscope: a JoinHandle was awaited outside a task and on a thread "
                                   "without a Qt event loop (use Runtime::blockOn there)");
        m_bridge = std::make_shared<EventLoopResumer>();
        m_registered = true;
        const TaskHeader::JoinRegistration registration =
            m_core->setJoinWaiter({{}, [bridge = m_bridge, awaiting] { bridge->post(awaiting); }, this});
        m_secondJoiner = registration == Taken;
        return registration == Registered;
    }

    ~JoinAwaiter()
    {
        // A GUI coroutine destroyed while suspended here must not be resumed later.
        if (m_bridge) {
            m_core->clearJoinWaiter(this);
            m_bridge->detach();
        }
    }
    JoinAwaiter(const JoinAwaiter &) = delete;
    JoinAwaiter &operator=(const JoinAwaiter &) = delete;
    JoinAwaiter(JoinAwaiter &&other) noexcept
        : m_core(other.m_core)
        , m_location(other.m_location)
    {
        // Moved only before being awaited (returned from join()).
    }

    /// The task's value; throws its JoinError, the awaiting task's cancellation, or
    /// std::logic_error when another await of the same task was already waiting.
    typename JoinResult<T>::Value await_resume()
    {
        if (m_secondJoiner)
            throw std::logic_error("taskscope: task " + std::to_string(m_core->id())
                                   + " was joined while another join of it was still waiting; a task "
                                     "has one joiner at a time (await its JoinHandle in one place)");
        if (!m_core->isFinished()) {
            // Woken by a cancellation of the awaiting task, not by the join.
            if (m_registered)
                m_core->clearJoinWaiter(this);
            m_task->throwStop();
        }
        return takeOutcome(*m_core);
    }

private:
    TaskCore<T> *m_core;
    std::source_location m_location;
    TaskHeader *m_task = nullptr;
    bool m_registered = false;
    bool m_secondJoiner = false; ///< found another joiner registered; await_resume throws
    std::shared_ptr<EventLoopResumer> m_bridge;
};

} // namespace detail

/// A handle to a spawned task (see the header overview).
template<typename T>
class [[nodiscard]] JoinHandle
{
public:
    using Value = typename JoinResult<T>::Value;

    JoinHandle() noexcept = default;
    explicit JoinHandle(detail::TaskRef core) noexcept
        : m_core(std::move(core))
    {
    }
    /// Move-only, as in Tokio: one task joins, and the value is moved out once. Awaiting a
    /// handle while another await of it still waits throws std::logic_error in the second
    /// awaiter; the first keeps waiting and gets the value.
    JoinHandle(JoinHandle &&) noexcept = default;
    JoinHandle &operator=(JoinHandle &&) noexcept = default;
    JoinHandle(const JoinHandle &) = delete;
    JoinHandle &operator=(const JoinHandle &) = delete;

    /// The task's id.
    [[nodiscard]] TaskId id() const noexcept { return m_core ? m_core->id() : 0; }
    /// True when the handle refers to a task.
    [[nodiscard]] bool isValid() const noexcept { return bool(m_core); }
    /// Asks the task to stop at its next await point; awaiting the handle then gives a
    /// cancelled JoinError (unless the task finished first).
    void abort() const noexcept
    {
        if (m_core)
            m_core->requestAbort();
    }
    /// True once the task completed, was cancelled or panicked.
    [[nodiscard]] bool isFinished() const noexcept { return m_core && m_core->isFinished(); }

    /// Awaits the task, recording @p location as where the awaiting task waits.
    [[nodiscard]] detail::JoinAwaiter<T> join(std::source_location location = std::source_location::current()) const
    {
        return {core(), location};
    }
    detail::JoinAwaiter<T> operator co_await() const noexcept { return {core(), std::source_location::current()}; }

    /// The outcome of a finished task: its value, or the JoinError (moved out once).
    [[nodiscard]] JoinResult<T> result() const
    {
        try {
            return JoinResult<T>(detail::takeOutcome(*core()));
        } catch (const JoinError &error) {
            return JoinResult<T>(error);
        }
    }

    /// The shared task state (for JoinSet, select and blockOn).
    [[nodiscard]] detail::TaskCore<T> *core() const noexcept
    {
        return static_cast<detail::TaskCore<T> *>(m_core.get());
    }

private:
    detail::TaskRef m_core;
};

} // namespace taskscope
