#pragma once

/// IoThread: a QThread with an event loop that owns a QNetworkAccessManager, for engine tasks
/// that need the network (workers have no event loop).
///
/// ```
/// IoThread io;                                   // starts at once
/// HttpResponse response = co_await httpGet(io, url);
/// ```
/// Requests are posted to it with a queued invocation; it runs each as a QCoro coroutine
/// awaiting its QNetworkReply, then wakes the engine task (net/httpget.h). Destroying it
/// aborts the requests still running (their tasks get status 0 and an error) and stops the
/// thread; requests made later fail the same way.

#include "net/httpget.h"

#include <QString>
#include <QThread>

#include <memory>

namespace taskscope {

/// The network thread (see the header overview). Not copyable.
class IoThread
{
public:
    /// Starts the thread, named @p name, and creates its QNetworkAccessManager there.
    explicit IoThread(const QString &name = QStringLiteral("ts-io"));
    IoThread(const IoThread &) = delete;
    IoThread &operator=(const IoThread &) = delete;
    ~IoThread();

    /// The state requests are handed to (kept alive by the requests that use it).
    [[nodiscard]] std::shared_ptr<detail::IoState> state() const noexcept { return m_state; }

private:
    std::shared_ptr<detail::IoState> m_state;
    QThread m_thread;
};

} // namespace taskscope
