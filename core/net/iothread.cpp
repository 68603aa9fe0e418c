#include "net/iothread.h"

#include "net/httpcall_p.h"

#include <QCoroNetworkReply>
#include <QCoroTask>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkRequest>

#include <vector>

namespace taskscope {

namespace detail {

namespace {

void forget(IoState &io, const std::shared_ptr<HttpCall> &call)
{
    LockGuard lock(io.mutex);
    io.calls.erase(call);
}

// Runs one request on the I/O thread. QCoro's QNetworkReply awaitable resumes this coroutine
// from the reply's finished() signal on this thread's event loop; an abort() emits finished()
// at once, so an aborted request ends here too, inside the abort() call.
QCoro::Task<void> perform(std::shared_ptr<IoState> io, std::shared_ptr<HttpCall> call)
{
    QNetworkRequest request(call->url);
    // Plain HTTP/1.1 to our own server: no HTTP/2 upgrade attempt, no redirects to follow.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // A client of its own (the guide's reqwest::Client::new() per request): its own
    // connection, made and torn down with this request, outside the shared one's pool.
    struct DeleteLater
    {
        void operator()(QObject *object) const { object->deleteLater(); }
    };
    std::unique_ptr<QNetworkAccessManager, DeleteLater> ownClient;
    if (call->ownClient) {
        ownClient.reset(new QNetworkAccessManager);
        ownClient->setProxy(QNetworkProxy::NoProxy);
    }
    QNetworkReply *reply = (ownClient ? ownClient.get() : io->manager)->get(request);
    call->reply = reply;
    co_await reply;

    HttpResponse response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->isOpen()) // an aborted reply is closed
        response.body = reply->readAll();
    if (!response.answered())
        response.error = io->stopping ? QStringLiteral("the I/O thread stopped") : reply->errorString();
    call->reply = nullptr;
    reply->deleteLater();
    forget(*io, call);
    call->complete(std::move(response));
}

/// Starts @p call on the I/O thread, unless its task has gone already.
void start(const std::shared_ptr<IoState> &io, const std::shared_ptr<HttpCall> &call)
{
    if (call->isDetached() || io->stopping) {
        forget(*io, call);
        call->complete(HttpResponse{0, {}, QStringLiteral("the I/O thread stopped")});
        return;
    }
    // The QCoro task runs eagerly up to its first co_await; dropping it detaches it, and its
    // frame goes when the coroutine ends.
    (void)perform(io, call);
}

} // namespace

void submitCall(const std::shared_ptr<IoState> &io, const std::shared_ptr<HttpCall> &call)
{
    {
        LockGuard lock(io->mutex);
        if (io->context) {
            io->calls.insert(call);
            // Posting under the lock orders this start before the shutdown posted later.
            QMetaObject::invokeMethod(io->context, [io, call] { start(io, call); }, Qt::QueuedConnection);
            return;
        }
    }
    call->complete(HttpResponse{0, {}, QStringLiteral("the I/O thread has stopped")});
}

void abortCall(const std::shared_ptr<HttpCall> &call)
{
    const std::shared_ptr<IoState> io = call->io.lock();
    if (!io)
        return;
    LockGuard lock(io->mutex);
    if (!io->context)
        return; // stopped: the shutdown aborts (or has aborted) every reply
    QMetaObject::invokeMethod(
        io->context,
        [call] {
            // A call not started yet is skipped by start(); a finished one has no reply.
            if (QNetworkReply *reply = call->reply)
                reply->abort();
        },
        Qt::QueuedConnection);
}

} // namespace detail

IoThread::IoThread(const QString &name)
    : m_state(std::make_shared<detail::IoState>())
{
    m_thread.setObjectName(name);
    auto *context = new QObject;
    context->moveToThread(&m_thread);
    m_thread.start();
    // The manager belongs to the I/O thread: create it there.
    QMetaObject::invokeMethod(
        context,
        [context, io = m_state.get()] {
            io->manager = new QNetworkAccessManager(context);
            // Loopback only: no system proxy in the way.
            io->manager->setProxy(QNetworkProxy::NoProxy);
        },
        Qt::BlockingQueuedConnection);
    detail::LockGuard lock(m_state->mutex);
    m_state->context = context;
}

IoThread::~IoThread()
{
    QObject *context = nullptr;
    {
        detail::LockGuard lock(m_state->mutex);
        context = std::exchange(m_state->context, nullptr);
    }
    if (context) {
        QMetaObject::invokeMethod(
            context,
            [context, io = m_state] {
                io->stopping = true;
                std::vector<std::shared_ptr<detail::HttpCall>> calls;
                {
                    detail::LockGuard lock(io->mutex);
                    calls.assign(io->calls.begin(), io->calls.end());
                }
                // Each abort completes its call inline (see perform), with an error.
                for (const auto &call : calls) {
                    if (QNetworkReply *reply = call->reply)
                        reply->abort();
                }
                // Calls that never got a reply (none expected: starts are posted first).
                {
                    detail::LockGuard lock(io->mutex);
                    calls.assign(io->calls.begin(), io->calls.end());
                    io->calls.clear();
                }
                for (const auto &call : calls)
                    call->complete(HttpResponse{0, {}, QStringLiteral("the I/O thread stopped")});
                io->manager = nullptr;
                delete context; // and the manager with it
            },
            Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
    // Qt's hand-offs (the blocking call, the thread's exit) use locks ThreadSanitizer cannot
    // see; taking the state's own lock once more orders the I/O thread's last writes to it
    // before whichever thread frees it.
    detail::LockGuard lock(m_state->mutex);
}

} // namespace taskscope
