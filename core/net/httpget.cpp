#include "net/httpget.h"

#include "net/httpcall_p.h"
#include "net/iothread.h"

namespace taskscope {

HttpGetAwaiter::HttpGetAwaiter(std::shared_ptr<detail::IoState> io, QUrl url, std::source_location location,
                               bool ownClient) noexcept
    : m_io(std::move(io))
    , m_url(std::move(url))
    , m_location(location)
    , m_ownClient(ownClient)
{
}

HttpGetAwaiter::~HttpGetAwaiter()
{
    if (m_call && m_call->detach())
        detail::abortCall(m_call);
}

bool HttpGetAwaiter::await_suspend(std::coroutine_handle<> awaiting)
{
    m_task = &detail::requireCurrentTask("httpGet");
    if (m_task->stopRequested())
        return false;
    detail::Scheduler *scheduler = m_task->scheduler();
    auto call = std::make_shared<detail::HttpCall>(m_url, m_io, m_ownClient);
    // Counted before the call can complete (and end the count), on any thread.
    scheduler->beginBlocking();
    call->arm(m_task->beginWait(awaiting, m_location), scheduler);
    m_call = call;
    detail::submitCall(m_io, call);
    return m_task->finishWait();
}

HttpResponse HttpGetAwaiter::await_resume()
{
    if (m_call) {
        if (std::optional<HttpResponse> response = m_call->takeResponse())
            return std::move(*response);
    }
    // Resumed without an answer: the task was cancelled; the destructor aborts the request.
    m_task->throwStop();
}

HttpGetAwaiter httpGet(IoThread &io, QUrl url, std::source_location location)
{
    return HttpGetAwaiter(io.state(), std::move(url), location);
}

} // namespace taskscope
