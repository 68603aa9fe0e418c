#pragma once

/// HTTP as the fan-out scenario sees it: a transport that answers httpbin-like paths.
///
/// ```
/// std::shared_ptr<HttpTransport> transport = installedHttpTransport();  // or a SimulatedHttpTransport
/// HttpResponse response = co_await transport->get(QStringLiteral("/delay/250"));
/// ```
/// Paths, as httpbin answers them: `/delay/<ms>` (200 after ms; `?status=<code>` answers that
/// code instead; `?drop=1`, our own, resets the connection at once without an answer), `/status/<code>` (that code at once), `/get` (200). Two transports exist:
/// SimulatedHttpTransport (here, in core: timers on the runtime clock, reproducible) and the
/// real one in core/net (an embedded QHttpServer on 127.0.0.1 and a QNetworkAccessManager on
/// an I/O thread), which a program that links taskscope_net installs at start with
/// installHttpTransport(). core itself never links the network.

#include "runtime/task.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace taskscope {

/// What one request gave: an HTTP status, or status 0 and an error when there was no answer.
struct HttpResponse
{
    int status = 0;     ///< the HTTP status code; 0 when the request got no answer
    QByteArray body;
    QString error;      ///< why there was no answer (connection refused, aborted, …); empty otherwise

    /// True when an answer arrived (whatever its status).
    [[nodiscard]] bool answered() const noexcept { return status != 0; }
};

/// Sends GET requests for httpbin-like paths and awaits their answers (see the header overview).
class HttpTransport
{
public:
    virtual ~HttpTransport() = default;
    /// "simulated" or "http": reported by the scenario as its transport metric.
    [[nodiscard]] virtual QString name() const = 0;
    /// Gets ready for requests (the real transport starts its server and I/O thread here,
    /// blocking the caller for a few milliseconds once); false with *error when it cannot.
    /// get() calls it too, so calling it first is optional: it moves the start out of the
    /// requests.
    virtual bool prepare(QString *error)
    {
        (void)error;
        return true;
    }
    /// GETs @p pathAndQuery (such as "/delay/250?status=500"); awaited inside an engine task.
    /// The transport must outlive the returned task. Aborting the task abandons the request.
    [[nodiscard]] virtual Task<HttpResponse> get(QString pathAndQuery) = 0;
    /// get() through a client made for this one request, as the guide's fan-out makes a
    /// `reqwest::Client` per request: the real transport opens a connection of its own for it
    /// (no reuse, and no per-host connection limit shared with other requests).
    [[nodiscard]] virtual Task<HttpResponse> getWithOwnClient(QString pathAndQuery) { return get(std::move(pathAndQuery)); }
};

/// Makes @p transport the process's real HTTP transport (null removes it). Thread-safe.
void setInstalledHttpTransport(std::shared_ptr<HttpTransport> transport);
/// The real HTTP transport installed for this process, or null when none is.
[[nodiscard]] std::shared_ptr<HttpTransport> installedHttpTransport();

} // namespace taskscope
