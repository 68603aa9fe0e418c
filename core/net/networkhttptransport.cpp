#include "net/networkhttptransport.h"

#include "net/httpget.h"

namespace taskscope {

bool NetworkHttpTransport::start(QString *error)
{
    std::lock_guard lock(m_mutex);
    if (m_stopped) {
        if (error)
            *error = QStringLiteral("the HTTP transport has been stopped");
        return false;
    }
    if (!m_server) {
        auto server = std::make_unique<HttpTestServer>();
        if (!server->start(error))
            return false;
        m_server = std::move(server);
    }
    if (!m_io)
        m_io = std::make_unique<IoThread>(QStringLiteral("ts-http-io"));
    return true;
}

void NetworkHttpTransport::stop()
{
    std::unique_ptr<IoThread> io;
    std::unique_ptr<HttpTestServer> server;
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        io = std::move(m_io);
        server = std::move(m_server);
    }
    // The I/O thread first: its requests in flight end with an error, not with a server that
    // vanished under them.
    io.reset();
    server.reset();
}

QUrl NetworkHttpTransport::baseUrl() const
{
    std::lock_guard lock(m_mutex);
    return m_server ? m_server->baseUrl() : QUrl();
}

Task<HttpResponse> NetworkHttpTransport::get(QString pathAndQuery)
{
    return send(std::move(pathAndQuery), false);
}

Task<HttpResponse> NetworkHttpTransport::getWithOwnClient(QString pathAndQuery)
{
    return send(std::move(pathAndQuery), true);
}

Task<HttpResponse> NetworkHttpTransport::send(QString pathAndQuery, bool ownClient)
{
    // The first request starts the threads; that blocks this worker for a few milliseconds once.
    QString error;
    if (!start(&error))
        co_return HttpResponse{0, {}, error};
    std::shared_ptr<detail::IoState> io;
    QUrl url;
    {
        std::lock_guard lock(m_mutex);
        if (!m_io || !m_server)
            co_return HttpResponse{0, {}, QStringLiteral("the HTTP transport has been stopped")};
        io = m_io->state();
        url = m_server->baseUrl().resolved(QUrl(pathAndQuery));
    }
    co_return co_await HttpGetAwaiter(std::move(io), std::move(url), std::source_location::current(), ownClient);
}

HttpTransportInstallation::HttpTransportInstallation(std::shared_ptr<NetworkHttpTransport> transport)
    : m_transport(std::move(transport))
{
    setInstalledHttpTransport(m_transport);
}

HttpTransportInstallation::~HttpTransportInstallation()
{
    if (installedHttpTransport() == m_transport)
        setInstalledHttpTransport(nullptr);
    m_transport->stop();
}

HttpTransportInstallation installHttpTransport()
{
    return HttpTransportInstallation(std::make_shared<NetworkHttpTransport>());
}

} // namespace taskscope
