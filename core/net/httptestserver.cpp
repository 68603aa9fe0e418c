#include "net/httptestserver.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

#include <memory>
#include <optional>

namespace taskscope {

namespace {

using StatusCode = QHttpServerResponder::StatusCode;

/// The longest /delay the server accepts (a day).
constexpr int s_maxDelayMs = 24 * 60 * 60 * 1000;

/// A status QHttpServerResponder can write: one of its StatusCode values, 200–511. (Qt 6.4
/// looks the reason phrase up with std::map::at, so an unknown code would throw.)
bool isAnswerableStatus(int code)
{
    return code >= 200 && code <= 511 && QMetaEnum::fromType<StatusCode>().valueToKey(code) != nullptr;
}

/// The `status` query item of @p request, 200 when there is none, or nothing when it is bad.
std::optional<int> wantedStatus(const QHttpServerRequest &request)
{
    const QString text = request.query().queryItemValue(QStringLiteral("status"));
    if (text.isEmpty())
        return 200;
    bool ok = false;
    const int code = text.toInt(&ok);
    if (!ok || !isAnswerableStatus(code))
        return std::nullopt;
    return code;
}

void addRoutes(QHttpServer &server)
{
    // Answering later in Qt 6.4: a view returning QHttpServerResponse must answer before it
    // returns. There are two ways to defer: return a QFuture<QHttpServerResponse>, or take
    // QHttpServerResponder&& (void return) and keep it. /delay keeps the responder in a
    // shared_ptr, and a single-shot QTimer on the server's own thread writes the answer, so
    // the thread keeps serving other connections while requests wait. If the client has gone
    // by then (its socket deleted, which the QPointer sees), nothing is written; in 6.4 the
    // responder's destructor does not touch the socket, so dropping it is safe.
    QHttpServer *context = &server;
    server.route(QStringLiteral("/delay/<arg>"),
                 [context](int delayMs, const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     const std::optional<int> status = wantedStatus(request);
                     if (!status || delayMs < 0 || delayMs > s_maxDelayMs) {
                         responder.write(StatusCode::BadRequest);
                         return;
                     }
                     // ?drop=1 (ours, not httpbin's): the connection is reset at once, without
                     // an answer, so the client sees a transport error, not a status. At once:
                     // QNetworkAccessManager sends a request whose connection closed unanswered
                     // again (up to three times), and each retry would wait the delay anew.
                     const bool drop = request.query().queryItemValue(QStringLiteral("drop")) == QLatin1String("1");
                     auto pending = std::make_shared<QHttpServerResponder>(std::move(responder));
                     QPointer<QTcpSocket> socket(pending->socket());
                     QTimer::singleShot(drop ? 0 : delayMs, Qt::PreciseTimer, context, [pending, socket, delayMs, status, drop] {
                         if (!socket || !socket->isOpen())
                             return;
                         if (drop) {
                             socket->abort();
                             return;
                         }
                         pending->write(QJsonDocument(QJsonObject{{QStringLiteral("delay_ms"), delayMs}}),
                                        StatusCode(*status));
                     });
                 });
    server.route(QStringLiteral("/status/<arg>"), [](int code) {
        if (!isAnswerableStatus(code))
            return QHttpServerResponse(StatusCode::BadRequest);
        return QHttpServerResponse(StatusCode(code));
    });
    server.route(QStringLiteral("/get"), [](const QHttpServerRequest &request) {
        QJsonObject args;
        for (const auto &[key, value] : request.query().queryItems())
            args.insert(key, value);
        return QHttpServerResponse(
            QJsonObject{{QStringLiteral("args"), args}, {QStringLiteral("url"), request.url().toString()}});
    });
}

} // namespace

HttpTestServer::HttpTestServer()
{
    m_thread.setObjectName(QStringLiteral("ts-http-server"));
}

HttpTestServer::~HttpTestServer()
{
    stop();
}

bool HttpTestServer::start(QString *error)
{
    if (m_context)
        return true;
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    m_thread.start();
    quint16 port = 0;
    // The server and its sockets belong to the server thread: create them there.
    QMetaObject::invokeMethod(
        m_context,
        [context = m_context, &port] {
            auto *server = new QHttpServer(context);
            addRoutes(*server);
            port = server->listen(QHostAddress::LocalHost, 0);
        },
        Qt::BlockingQueuedConnection);
    if (port == 0) {
        stop();
        if (error)
            *error = QStringLiteral("the embedded HTTP server could not listen on 127.0.0.1");
        return false;
    }
    m_port = port;
    return true;
}

void HttpTestServer::stop()
{
    if (!m_context)
        return;
    // Deleting the context deletes the server, its sockets and the pending /delay timers.
    QMetaObject::invokeMethod(m_context, [context = m_context] { delete context; }, Qt::BlockingQueuedConnection);
    m_context = nullptr;
    m_thread.quit();
    m_thread.wait();
    m_port = 0;
}

QUrl HttpTestServer::baseUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

} // namespace taskscope
