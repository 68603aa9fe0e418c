#pragma once

// One HTTP request shared by the engine task that awaits it (HttpGetAwaiter, on a worker) and
// the I/O thread that performs it.
//
// Implementation notes
// --------------------
// The race to get right: the reply can finish on the I/O thread at the very moment the
// engine task is cancelled (aborted, a timeout firing, the runtime shutting down) on a worker,
// and the task's frame, its awaiter and even the runtime may be gone a moment later.
//
// * Everything the I/O thread may touch of the engine side (the waker and the scheduler)
//   sits in the call, behind m_mutex, and is only touched while holding it.
// * complete() (I/O thread) delivers the response, wakes the task and ends the runtime's
//   "blocking work in flight" count, all under the lock, and only if the call is not detached.
// * detach() (the awaiter's destructor, on the worker, before the frame goes) marks the call
//   detached under the lock, ends the blocking count itself if complete() has not run, and
//   takes the waker back so that its task reference is dropped on the worker.
// So exactly one of them ends the blocking count, and once detach() has returned, the I/O
// thread never reaches the scheduler or the task again: a late complete() finds the call
// detached and only drops the response. The reply itself is aborted on the I/O thread
// (abortCall posts it there), and its completion then lands in a detached call.
//
// The call is kept alive by shared_ptrs on both sides, so whichever side finishes last frees it.

#include "patterns/httptransport.h"
#include "runtime/impl/loom.h"
#include "runtime/impl/scheduler.h"
#include "runtime/impl/taskheader.h"

#include <QNetworkReply>
#include <QPointer>
#include <QUrl>

#include <memory>
#include <unordered_set>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QObject;
QT_END_NAMESPACE

namespace taskscope::detail {

class HttpCall;

/// The I/O thread's shared state: outlives the IoThread while calls refer to it.
struct IoState
{
    Mutex mutex;
    /// Lives on the I/O thread; requests are posted to it. Null once the thread stopped taking
    /// requests. Guarded by mutex.
    QObject *context = nullptr;
    /// Calls submitted and not yet completed. Guarded by mutex.
    std::unordered_set<std::shared_ptr<HttpCall>> calls;
    // I/O thread only:
    QNetworkAccessManager *manager = nullptr;
    bool stopping = false;
};

class HttpCall
{
public:
    HttpCall(QUrl url, std::weak_ptr<IoState> io, bool ownClient)
        : url(std::move(url))
        , io(std::move(io))
        , ownClient(ownClient)
    {
    }

    const QUrl url;
    const std::weak_ptr<IoState> io;
    /// Sent through a QNetworkAccessManager of its own rather than the thread's shared one.
    const bool ownClient;
    /// The reply while the request runs (I/O thread only).
    QPointer<QNetworkReply> reply;

    /// Engine side, before the call is submitted: who to wake, and whose blocking count to end.
    void arm(Waker waker, Scheduler *scheduler)
    {
        LockGuard lock(m_mutex);
        m_waker = std::move(waker);
        m_scheduler = scheduler;
    }

    /// Delivers @p response unless the awaiting task has gone (see the implementation notes).
    void complete(HttpResponse response)
    {
        LockGuard lock(m_mutex);
        if (m_detached || m_finished)
            return;
        m_response = std::move(response);
        m_finished = true;
        // Wake first: the queued task then keeps virtual time from jumping once the
        // blocking count drops (as spawnBlocking does).
        m_waker.wake();
        m_scheduler->endBlocking();
        m_scheduler = nullptr;
    }

    /// Engine side, after the wake: the response, if complete() delivered one.
    [[nodiscard]] std::optional<HttpResponse> takeResponse()
    {
        LockGuard lock(m_mutex);
        if (!m_finished)
            return std::nullopt;
        return std::move(m_response);
    }

    /// Engine side, once, when the awaiter goes. True when the request was still running
    /// (the caller then aborts it on the I/O thread).
    bool detach() noexcept
    {
        Waker waker; // dropped after the lock, on this thread
        LockGuard lock(m_mutex);
        m_detached = true;
        waker = std::move(m_waker);
        if (m_finished)
            return false;
        m_scheduler->endBlocking();
        m_scheduler = nullptr;
        return true;
    }

    [[nodiscard]] bool isDetached() const
    {
        LockGuard lock(m_mutex);
        return m_detached;
    }

private:
    mutable Mutex m_mutex;
    Waker m_waker;
    Scheduler *m_scheduler = nullptr;
    bool m_finished = false;
    bool m_detached = false;
    HttpResponse m_response;
};

/// Hands @p call to the I/O thread of @p io; completes it at once with an error when that
/// thread has stopped.
void submitCall(const std::shared_ptr<IoState> &io, const std::shared_ptr<HttpCall> &call);
/// Aborts @p call's reply on its I/O thread (nothing when the thread has stopped).
void abortCall(const std::shared_ptr<HttpCall> &call);

} // namespace taskscope::detail
