#include "patterns/simulatedhttptransport.h"

#include "time/sleep.h"

#include <QUrl>
#include <QUrlQuery>

#include <chrono>
#include <optional>

namespace taskscope {

namespace {

/// The number after @p prefix in @p path ("/delay/250" → 250), if the rest is a whole number.
std::optional<long long> numberAfter(const QString &path, QLatin1String prefix)
{
    if (!path.startsWith(prefix))
        return std::nullopt;
    bool ok = false;
    const long long value = path.mid(prefix.size()).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return value;
}

HttpResponse answer(int status, const QString &json)
{
    return HttpResponse{status, json.toUtf8(), {}};
}

} // namespace

Task<HttpResponse> SimulatedHttpTransport::get(QString pathAndQuery)
{
    const QUrl url(pathAndQuery);
    const QString path = url.path();
    if (const auto delayMs = numberAfter(path, QLatin1String("/delay/"))) {
        if (*delayMs < 0)
            co_return answer(400, QStringLiteral("{\"error\": \"negative delay\"}"));
        int status = 200;
        const QString wanted = QUrlQuery(url).queryItemValue(QStringLiteral("status"));
        if (!wanted.isEmpty()) {
            bool ok = false;
            status = wanted.toInt(&ok);
            if (!ok || status < 100 || status > 599)
                co_return answer(400, QStringLiteral("{\"error\": \"bad status\"}"));
        }
        // As the real server: a dropped request is reset at once, whatever its delay.
        if (QUrlQuery(url).queryItemValue(QStringLiteral("drop")) == QLatin1String("1"))
            co_return HttpResponse{0, {}, QStringLiteral("the server reset the connection without answering")};
        co_await sleep(std::chrono::milliseconds(*delayMs));
        co_return answer(status, QStringLiteral("{\"delay_ms\": %1}").arg(*delayMs));
    }
    if (const auto code = numberAfter(path, QLatin1String("/status/"))) {
        if (*code < 100 || *code > 599)
            co_return answer(400, QStringLiteral("{\"error\": \"bad status\"}"));
        co_return answer(int(*code), QString());
    }
    if (path == QLatin1String("/get"))
        co_return answer(200, QStringLiteral("{\"url\": \"%1\"}").arg(pathAndQuery));
    co_return answer(404, QString());
}

} // namespace taskscope
