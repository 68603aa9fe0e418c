#pragma once

/// HttpTestServer: an embedded httpbin-like HTTP server on 127.0.0.1, on its own thread.
///
/// ```
/// HttpTestServer server;
/// if (server.start(&error))
///     QUrl url = server.baseUrl().resolved(QUrl(QStringLiteral("/delay/250")));  // http://127.0.0.1:<port>/…
/// ```
/// Routes (GET): `/delay/<ms>` answers 200 (or `?status=<code>`) after ms milliseconds,
/// without holding the server thread while it waits; `/status/<code>` answers that code at
/// once; `/get` answers 200 with a small JSON object (args, url). Anything else is 404.
/// Codes outside 200–511 that QHttpServerResponder does not know are answered 400.

#include <QString>
#include <QThread>
#include <QUrl>

namespace taskscope {

/// The embedded test server (see the header overview). Not copyable; stops when destroyed.
class HttpTestServer
{
public:
    HttpTestServer();
    HttpTestServer(const HttpTestServer &) = delete;
    HttpTestServer &operator=(const HttpTestServer &) = delete;
    ~HttpTestServer();

    /// Starts the server thread and listens on 127.0.0.1 at a port the OS picks; false (with
    /// *error saying why) when it cannot listen. Calling it again while running does nothing.
    bool start(QString *error = nullptr);
    /// Closes the server and stops its thread; answers still waiting are dropped.
    void stop();

    [[nodiscard]] bool isRunning() const noexcept { return m_port != 0; }
    /// The port it listens on; 0 when not running.
    [[nodiscard]] quint16 port() const noexcept { return m_port; }
    /// http://127.0.0.1:<port>
    [[nodiscard]] QUrl baseUrl() const;

private:
    QThread m_thread;
    QObject *m_context = nullptr; ///< lives on m_thread and owns the QHttpServer
    quint16 m_port = 0;
};

} // namespace taskscope
