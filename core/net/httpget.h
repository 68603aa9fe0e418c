#pragma once

/// httpGet(io, url): a GET over real HTTP, awaited inside an engine Task.
///
/// ```
/// IoThread io;
/// HttpResponse response = co_await httpGet(io, QUrl(QStringLiteral("http://127.0.0.1:8080/get")));
/// ```
/// The request is posted to the I/O thread (which has the event loop QNetworkAccessManager
/// needs); the task suspends without holding a worker, and the reply wakes it from the I/O
/// thread, as spawnBlocking's closures do from their pool. Aborting the task (or a timeout
/// around it) while it waits aborts the reply on the I/O thread and unwinds the task; the
/// reply's late completion touches nothing of it. While a request is in flight, virtual time
/// does not jump (its duration is real). No answer at all (refused, aborted, the I/O thread
/// stopped) gives status 0 and an error; an HTTP error status is an answer like any other.

#include "patterns/httptransport.h"

#include <QUrl>

#include <coroutine>
#include <memory>
#include <source_location>

namespace taskscope {

class IoThread;

namespace detail {
class HttpCall;
class TaskHeader;
struct IoState;
} // namespace detail

/// The awaiter of httpGet().
class [[nodiscard]] HttpGetAwaiter
{
public:
    HttpGetAwaiter(std::shared_ptr<detail::IoState> io, QUrl url, std::source_location location,
                   bool ownClient = false) noexcept;
    HttpGetAwaiter(const HttpGetAwaiter &) = delete;
    HttpGetAwaiter &operator=(const HttpGetAwaiter &) = delete;
    /// Detaches from the request: aborts it if it is still running.
    ~HttpGetAwaiter();

    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> awaiting);
    HttpResponse await_resume();

private:
    std::shared_ptr<detail::IoState> m_io;
    QUrl m_url;
    std::source_location m_location;
    bool m_ownClient;
    detail::TaskHeader *m_task = nullptr;
    std::shared_ptr<detail::HttpCall> m_call;
};

/// GETs @p url through the I/O thread @p io (see the header overview).
[[nodiscard]] HttpGetAwaiter httpGet(IoThread &io, QUrl url,
                                     std::source_location location = std::source_location::current());

} // namespace taskscope
