#include "engine/pngfile.h"

#include "io/atomicwrite.h"

#include <QBuffer>
#include <QFileInfo>
#include <QImageWriter>

namespace taskscope {

QString savePngFile(const QImage &image, const QString &path)
{
    const QString target = QFileInfo(path).absoluteFilePath();
    if (image.isNull())
        return QStringLiteral("cannot save %1: the window gave no image").arg(target);
    // Encoded in memory first: the file is then written in one go, all or nothing.
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    if (!writer.write(image))
        return QStringLiteral("cannot save %1: PNG encoding failed: %2").arg(target, writer.errorString());
    if (const QString reason = writeFileAtomically(path, bytes); !reason.isEmpty())
        return QStringLiteral("cannot save %1: %2").arg(target, reason);
    return {};
}

} // namespace taskscope
