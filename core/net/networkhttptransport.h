#pragma once

/// The real HttpTransport: the embedded HttpTestServer on 127.0.0.1 and an IoThread, both
/// started on the first request (or by start()), owned for the life of the transport.
///
/// ```
/// int main(int argc, char *argv[])
/// {
///     QCoreApplication app(argc, argv);
///     const HttpTransportInstallation http = installHttpTransport();  // fan-out may use transport=http
///     …
/// }
/// ```

#include "net/httptestserver.h"
#include "net/iothread.h"
#include "patterns/httptransport.h"

#include <memory>
#include <mutex>

namespace taskscope {

/// HTTP over loopback to the process's own embedded server (see the header overview).
class NetworkHttpTransport final : public HttpTransport
{
public:
    NetworkHttpTransport() = default;
    NetworkHttpTransport(const NetworkHttpTransport &) = delete;
    NetworkHttpTransport &operator=(const NetworkHttpTransport &) = delete;
    ~NetworkHttpTransport() override { stop(); }

    [[nodiscard]] QString name() const override { return QStringLiteral("http"); }
    /// GETs @p pathAndQuery from the embedded server; status 0 and an error when the server
    /// could not start or the transport was stopped.
    [[nodiscard]] Task<HttpResponse> get(QString pathAndQuery) override;
    /// get() through a QNetworkAccessManager made for this request on the I/O thread.
    [[nodiscard]] Task<HttpResponse> getWithOwnClient(QString pathAndQuery) override;

    /// Starts the server and the I/O thread if they are not running; false (with *error) when
    /// the server cannot listen or the transport was stopped.
    bool start(QString *error = nullptr);
    bool prepare(QString *error) override { return start(error); }
    /// Stops the I/O thread (requests in flight end with an error) and the server, for good.
    void stop();
    /// http://127.0.0.1:<port> once started; empty before.
    [[nodiscard]] QUrl baseUrl() const;

private:
    Task<HttpResponse> send(QString pathAndQuery, bool ownClient);

    mutable std::mutex m_mutex; // held across thread start and stop, which take milliseconds
    std::unique_ptr<HttpTestServer> m_server;
    std::unique_ptr<IoThread> m_io;
    bool m_stopped = false;
};

/// Keeps a NetworkHttpTransport installed as the process's transport=http; on destruction
/// uninstalls it and stops its threads (so do it while the QCoreApplication still exists).
class [[nodiscard]] HttpTransportInstallation
{
public:
    explicit HttpTransportInstallation(std::shared_ptr<NetworkHttpTransport> transport);
    HttpTransportInstallation(const HttpTransportInstallation &) = delete;
    HttpTransportInstallation &operator=(const HttpTransportInstallation &) = delete;
    ~HttpTransportInstallation();

    [[nodiscard]] NetworkHttpTransport &transport() const noexcept { return *m_transport; }

private:
    std::shared_ptr<NetworkHttpTransport> m_transport;
};

/// Installs the real HTTP transport for this process (see installedHttpTransport()); its
/// server and I/O thread start on first use.
[[nodiscard]] HttpTransportInstallation installHttpTransport();

} // namespace taskscope
