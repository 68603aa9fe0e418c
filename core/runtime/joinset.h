#pragma once

/// JoinSet<T>: a group of spawned tasks whose results come back in the order they finish.
///
/// ```
/// JoinSet<QString> set;
/// for (int i = 0; i < 5; ++i) set.spawn(work(i));
/// while (auto result = co_await set.joinNext()) { use(result->value()); }
/// ```
/// Destroying a JoinSet aborts the tasks still in it (as in Tokio).

#include "runtime/joinhandle.h"
#include "runtime/runtime.h"

#include <deque>
#include <memory>
#include <optional>
#include <source_location>
#include <unordered_map>

namespace taskscope {

template<typename T>
class JoinSet
{
    struct State
    {
        detail::Mutex mutex;
        std::deque<detail::TaskRef> finished; // in completion order, not yet joined
        detail::Waker waiter;
    };

public:
    /// A set that spawns on the runtime of the calling task.
    JoinSet() = default;
    /// A set that spawns on @p runtime (usable from outside the runtime).
    explicit JoinSet(Runtime &runtime)
        : m_runtime(&runtime)
    {
    }
    JoinSet(const JoinSet &) = delete;
    JoinSet &operator=(const JoinSet &) = delete;
    ~JoinSet() { abortAll(); }

    /// Spawns @p task into the set.
    void spawn(Task<T> task, QString name = {}, std::source_location location = std::source_location::current())
    {
        Runtime &runtime = m_runtime ? *m_runtime : currentRuntime("JoinSet::spawn");
        JoinHandle<T> handle = runtime.spawn(std::move(task), std::move(name), location);
        detail::TaskCore<T> *core = handle.core();
        auto shared = detail::TaskRef::share(core);
        m_tasks.emplace(core->id(), shared);
        const auto registration = core->setJoinWaiter({{}, [state = m_state, shared] {
                                                           detail::Waker waiter;
                                                           {
                                                               detail::LockGuard lock(state->mutex);
                                                               state->finished.push_back(shared);
                                                               waiter = std::move(state->waiter);
                                                           }
                                                           waiter.wake();
                                                       }});
        // Only Registered or Finished: the handle was never out of this function.
        if (registration != detail::TaskHeader::JoinRegistration::Registered) {
            detail::LockGuard lock(m_state->mutex);
            m_state->finished.push_back(std::move(shared));
        }
    }

    /// Tasks in the set: running, or finished and not yet joined.
    [[nodiscard]] std::size_t size() const noexcept { return m_tasks.size(); }
    [[nodiscard]] bool isEmpty() const noexcept { return m_tasks.empty(); }

    /// Aborts every task in the set; they stay in it until joined (as cancelled).
    void abortAll() noexcept
    {
        for (auto &[id, task] : m_tasks)
            task->requestAbort();
    }

    /// The awaiter of joinNext().
    class [[nodiscard]] JoinNextAwaiter
    {
    public:
        JoinNextAwaiter(JoinSet &set, std::source_location location) noexcept
            : m_set(set)
            , m_location(location)
        {
        }
        bool await_ready()
        {
            if (m_set.m_tasks.empty())
                return true;
            detail::LockGuard lock(m_set.m_state->mutex);
            return !m_set.m_state->finished.empty();
        }
        bool await_suspend(std::coroutine_handle<> awaiting)
        {
            m_task = &detail::requireCurrentTask("JoinSet::joinNext");
            if (m_task->stopRequested())
                return false;
            detail::Waker waker = m_task->beginWait(awaiting, m_location);
            {
                detail::LockGuard lock(m_set.m_state->mutex);
                if (!m_set.m_state->finished.empty())
                    return !m_task->reclaimWait();
                m_set.m_state->waiter = std::move(waker);
            }
            return m_task->finishWait();
        }
        std::optional<JoinResult<T>> await_resume()
        {
            detail::TaskRef next;
            {
                detail::LockGuard lock(m_set.m_state->mutex);
                if (!m_set.m_state->finished.empty()) {
                    next = std::move(m_set.m_state->finished.front());
                    m_set.m_state->finished.pop_front();
                } else {
                    m_set.m_state->waiter = {};
                }
            }
            if (!next) {
                if (m_set.m_tasks.empty())
                    return std::nullopt;
                m_task->throwStop();
            }
            m_set.m_tasks.erase(next->id());
            JoinHandle<T> handle(std::move(next));
            return handle.result();
        }

    private:
        JoinSet &m_set;
        std::source_location m_location;
        detail::TaskHeader *m_task = nullptr;
    };

    /// The next task to finish: its value or JoinError; nullopt when the set is empty.
    [[nodiscard]] JoinNextAwaiter joinNext(std::source_location location = std::source_location::current())
    {
        return JoinNextAwaiter(*this, location);
    }

private:
    Runtime *m_runtime = nullptr;
    std::shared_ptr<State> m_state = std::make_shared<State>();
    std::unordered_map<TaskId, detail::TaskRef> m_tasks;
};

} // namespace taskscope
