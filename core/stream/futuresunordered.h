#pragma once

/// FuturesUnordered<T>: a set of tasks polled inside the one task that awaits it, giving each
/// result as it completes (futures' FuturesUnordered).
///
/// ```
/// FuturesUnordered<HttpResponse> requests;
/// for (const QString &path : paths)
///     requests.push(transport->get(path));     // nothing runs yet
/// while (std::optional<HttpResponse> response = co_await requests.next())
///     statuses << response->status;             // in completion order
/// ```
/// Unlike a JoinSet, the tasks pushed here are not spawned: they are not tasks of the
/// scheduler, the timeline shows only the task that awaits next(), and they make progress only
/// while that task is in next() (on its worker, one at a time). Each has waits, wakers and
/// cancel scopes of its own; a wake queues it in this set and wakes the awaiting task, and
/// next() then polls only the children that were woken. A child that throws makes next()
/// rethrow it (as a panicking future panics the task polling it). Destroying the set inside
/// a task aborts the children still running and lets each unwind at its await point, as an
/// aborted task does; destroyed at runtime shutdown, it destroys their frames, as shutdown
/// does a task's. The set belongs to the task that pushes into it: push() and next() only
/// there.

#include "runtime/impl/localready.h"
#include "runtime/impl/taskheader.h"
#include "runtime/task.h"
#include "runtime/yieldnow.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <source_location>
#include <vector>

namespace taskscope {

namespace detail {

/// Suspends the owning task until one of its local children is ready.
class [[nodiscard]] LocalReadyAwaiter
{
public:
    LocalReadyAwaiter(LocalReadyQueue &queue, std::source_location location) noexcept
        : m_queue(queue)
        , m_location(location)
    {
    }
    bool await_ready() const noexcept { return m_queue.hasReady(); }
    bool await_suspend(std::coroutine_handle<> awaiting)
    {
        m_task = &requireCurrentTask("FuturesUnordered::next");
        if (m_task->stopRequested())
            return false;
        if (!m_queue.waitForReady(m_task->beginWait(awaiting, m_location)))
            return !m_task->reclaimWait(); // a child was ready after all
        return m_task->finishWait();
    }
    void await_resume()
    {
        if (!m_task)
            return;
        m_queue.stopWaiting();
        if (!m_queue.hasReady())
            m_task->throwIfStopRequested();
    }

private:
    LocalReadyQueue &m_queue;
    std::source_location m_location;
    TaskHeader *m_task = nullptr;
};

} // namespace detail

/// A set of tasks polled inside the task that awaits next() (see the header overview).
template<typename T>
class FuturesUnordered
{
    static_assert(!std::is_void_v<T>, "FuturesUnordered<void> is not offered: give the tasks a value");

public:
    FuturesUnordered() = default;
    FuturesUnordered(const FuturesUnordered &) = delete;
    FuturesUnordered &operator=(const FuturesUnordered &) = delete;
    ~FuturesUnordered() { dropChildren(); }

    /// Adds @p task to the set; it first runs in a later next(). Inside a task only.
    void push(Task<T> task, std::source_location location = std::source_location::current())
    {
        detail::TaskHeader &owner = detail::requireCurrentTask("FuturesUnordered::push");
        auto *core = new detail::TaskCore<T>(owner.scheduler(), owner.id(), owner.name(), location, task.release());
        detail::TaskRef child(core);
        core->unref(); // a new header counts a registry's reference, which a child has not
        core->makeLocalChild(m_queue);
        m_children.push_back(child);
        core->schedule(); // ready for its first poll
    }

    /// Tasks pushed whose results next() has not given yet.
    [[nodiscard]] std::size_t size() const noexcept { return m_children.size() + m_done.size(); }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }

    /// The result of the next task to complete, or nothing once the set is empty. Rethrows
    /// the exception of a task that threw.
    Task<std::optional<T>> next(std::source_location location = std::source_location::current())
    {
        for (;;) {
            if (!m_done.empty()) {
                std::optional<T> result(std::move(m_done.front()));
                m_done.pop_front();
                co_return result;
            }
            if (m_children.empty())
                co_return std::nullopt;
            // Each child ready now gets one poll, until one completes; if the round ends with
            // children still ready (woken again meanwhile), the task yields to the others on
            // its worker first, as futures' FuturesUnordered does, so one set cannot hold
            // the worker for ever.
            std::size_t round = m_children.size();
            while (round > 0 && m_done.empty()) {
                detail::TaskRef child = m_queue->pop();
                if (!child)
                    break;
                --round;
                pollChild(child);
            }
            if (!m_done.empty())
                continue;
            if (round == 0 && m_queue->hasReady())
                co_await yieldNow(location);
            else
                co_await detail::LocalReadyAwaiter(*m_queue, location);
        }
    }

private:
    void pollChild(const detail::TaskRef &child)
    {
        if (child->isFinished() || !child->pollAsLocalChild())
            return;
        auto *core = static_cast<detail::TaskCore<T> *>(child.get());
        std::erase_if(m_children, [&](const detail::TaskRef &held) { return held.get() == core; });
        if (core->outcome() == detail::Outcome::Panicked)
            std::rethrow_exception(core->panic());
        if (core->outcome() == detail::Outcome::Ok)
            m_done.push_back(core->takeValue());
    }

    void dropChildren() noexcept
    {
        if (detail::TaskHeader::current()) {
            // Inside a task: abort each child and poll it until it has unwound (an aborted
            // child is queued by the abort, an unpolled one was queued by push).
            for (const detail::TaskRef &child : m_children)
                child->requestAbort();
            while (detail::TaskRef child = m_queue->pop()) {
                if (!child->isFinished() && child->pollAsLocalChild())
                    std::erase_if(m_children, [&](const detail::TaskRef &held) { return held.get() == child.get(); });
            }
        }
        // Shutdown, or a child that suspended without an armed wait: destroy what is left.
        m_queue->close();
        for (const detail::TaskRef &child : m_children)
            child->dropAsLocalChild();
        m_children.clear();
    }

    std::shared_ptr<detail::LocalReadyQueue> m_queue = std::make_shared<detail::LocalReadyQueue>();
    std::vector<detail::TaskRef> m_children; ///< pushed and not completed
    std::deque<T> m_done;                    ///< completed, not yet given by next()
};

} // namespace taskscope
