#include "sync/cancellationtoken.h"

#include <map>
#include <vector>

namespace taskscope {
namespace detail {

// Implementation notes: the state is shared by all copies of a token. `cancelled` is set
// once; the callbacks and the children to cancel are taken out under the mutex and run
// outside it, so a callback may itself cancel, register or drop tokens. Parents keep weak
// references to children, so an abandoned child token is freed; children keep no reference
// to their parent.
class CancellationState
{
public:
    Atomic<bool> cancelled{false};
    Mutex mutex;
    std::map<std::uint64_t, std::function<void()>> callbacks;
    std::vector<std::weak_ptr<CancellationState>> children;
    std::uint64_t nextId = 1;
};

} // namespace detail

CancellationToken::Registration &CancellationToken::Registration::operator=(Registration &&other) noexcept
{
    if (this != &other) {
        reset();
        m_state = std::move(other.m_state);
        m_id = std::exchange(other.m_id, 0);
    }
    return *this;
}

void CancellationToken::Registration::reset() noexcept
{
    if (m_id == 0)
        return;
    if (auto state = m_state.lock()) {
        detail::LockGuard lock(state->mutex);
        state->callbacks.erase(m_id);
    }
    m_id = 0;
    m_state.reset();
}

CancellationToken::CancellationToken()
    : m_state(std::make_shared<detail::CancellationState>())
{
}

void CancellationToken::cancel() const
{
    std::vector<std::shared_ptr<detail::CancellationState>> pending{m_state};
    while (!pending.empty()) {
        auto state = std::move(pending.back());
        pending.pop_back();
        std::map<std::uint64_t, std::function<void()>> callbacks;
        {
            detail::LockGuard lock(state->mutex);
            if (state->cancelled.load(std::memory_order_relaxed))
                continue;
            // Release: isCancelled() readers see what the canceller did before.
            state->cancelled.store(true, std::memory_order_release);
            callbacks.swap(state->callbacks);
            for (auto &child : state->children) {
                if (auto locked = child.lock())
                    pending.push_back(std::move(locked));
            }
            state->children.clear();
        }
        for (auto &[id, callback] : callbacks)
            callback();
    }
}

bool CancellationToken::isCancelled() const noexcept
{
    return m_state->cancelled.load(std::memory_order_acquire);
}

CancellationToken CancellationToken::childToken() const
{
    auto child = std::make_shared<detail::CancellationState>();
    detail::LockGuard lock(m_state->mutex);
    if (m_state->cancelled.load(std::memory_order_relaxed)) {
        child->cancelled.store(true, std::memory_order_relaxed);
    } else {
        std::erase_if(m_state->children, [](const auto &weak) { return weak.expired(); });
        m_state->children.push_back(child);
    }
    return CancellationToken(std::move(child));
}

CancellationToken::Registration CancellationToken::onCancel(std::function<void()> callback) const
{
    {
        detail::LockGuard lock(m_state->mutex);
        if (!m_state->cancelled.load(std::memory_order_relaxed)) {
            const std::uint64_t id = m_state->nextId++;
            m_state->callbacks.emplace(id, std::move(callback));
            return Registration(m_state, id);
        }
    }
    callback();
    return {};
}

bool CancelledAwaiter::await_suspend(std::coroutine_handle<> awaiting)
{
    m_task = &detail::requireCurrentTask("CancellationToken::cancelled");
    if (m_task->stopRequested())
        return false;
    try {
        m_registration = m_token.onCancel([waker = m_task->beginWait(awaiting, m_location)] { waker.wake(); });
    } catch (...) {
        (void)m_task->reclaimWait(); // the registration could not be made: un-arm, then report
        throw;
    }
    return m_task->finishWait();
}

void CancelledAwaiter::await_resume()
{
    m_registration.reset();
    if (m_token.isCancelled())
        return;
    m_task->throwStop();
}

} // namespace taskscope
