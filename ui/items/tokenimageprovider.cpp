#include "tokenimageprovider.h"

#include "uimodule.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPainter>
#include <QUrl>

#include <algorithm>
#include <optional>

namespace taskscope {

namespace {

/// What an id says (see the class comment for its form).
struct TokenSpec
{
    QSizeF size;
    double borderWidth = 0;
    double fontPixels = 0;
    QColor fill;
    QColor border;
    QColor ink;
    QString text;
};

std::optional<TokenSpec> parse(const QString &id)
{
    const QStringList parts = id.split(QLatin1Char('/'));
    if (parts.size() != 7)
        return std::nullopt;
    const QStringList size = parts[0].split(QLatin1Char('x'));
    if (size.size() != 2)
        return std::nullopt;
    bool ok[4] = {};
    TokenSpec spec;
    spec.size = QSizeF(size[0].toDouble(&ok[0]), size[1].toDouble(&ok[1]));
    spec.borderWidth = parts[1].toDouble(&ok[2]);
    spec.fontPixels = parts[2].toDouble(&ok[3]);
    spec.fill = QColor::fromString(QLatin1Char('#') + parts[3]);
    spec.border = QColor::fromString(QLatin1Char('#') + parts[4]);
    spec.ink = QColor::fromString(QLatin1Char('#') + parts[5]);
    spec.text = QUrl::fromPercentEncoding(parts[6].toUtf8());
    const bool numbers = std::all_of(std::begin(ok), std::end(ok), [](bool b) { return b; });
    if (!numbers || spec.size.width() < 1 || spec.size.height() < 1 || spec.size.width() > 1000
        || spec.size.height() > 1000 || spec.borderWidth < 0 || spec.fontPixels < 1 || !spec.fill.isValid()
        || !spec.border.isValid() || !spec.ink.isValid())
        return std::nullopt;
    return spec;
}

} // namespace

TokenImageProvider::TokenImageProvider()
    : QQuickImageProvider(QQuickImageProvider::Image)
{
}

QImage TokenImageProvider::requestImage(const QString &id, QSize *size, const QSize &requestedSize)
{
    const std::optional<TokenSpec> spec = parse(id);
    if (!spec) {
        qCWarning(lcUi) << "image://token/: not a token:" << id;
        return {};
    }
    const QSize pixels = requestedSize.width() > 0 && requestedSize.height() > 0
        ? requestedSize.boundedTo(QSize(4000, 4000))
        : spec->size.toSize();
    // Draw in logical pixels, scaled to the device pixels asked for.
    QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.scale(double(pixels.width()) / spec->size.width(), double(pixels.height()) / spec->size.height());
    const double inset = spec->borderWidth / 2;
    const QRectF pill = QRectF(QPointF(0, 0), spec->size).adjusted(inset, inset, -inset, -inset);
    const double radius = pill.height() / 2;
    painter.setPen(spec->borderWidth > 0 ? QPen(spec->border, spec->borderWidth) : QPen(Qt::NoPen));
    painter.setBrush(spec->fill);
    painter.drawRoundedRect(pill, radius, radius);
    QFont font = QGuiApplication::font();
    font.setPixelSize(std::max(1, qRound(spec->fontPixels)));
    font.setBold(true);
    painter.setFont(font);
    painter.setPen(spec->ink);
    painter.drawText(QRectF(QPointF(0, 0), spec->size), Qt::AlignCenter, spec->text);
    painter.end();
    if (size)
        *size = image.size();
    return image;
}

} // namespace taskscope
