#include "io/atomicwrite.h"

#include <QSaveFile>

// Implementation notes
//
// QSaveFile does the temporary file and the rename. Two things it does not do in Qt 6.4, both
// seen here with a file size limit standing in for a full disk:
// - Buffered, a write that fails when the buffer is flushed is not an error to commit(): it
//   renames the short file over the old one and returns true. Hence Unbuffered: each write()
//   reaches write(2), and QSaveFile sees its failure.
// - write(2) may write part of the bytes and fail only on the next call (the first call to
//   reach the limit returns the count it wrote, without errno). Hence the loop until all is
//   written or a call fails, which is the call that says why.

namespace taskscope {

QString writeFileAtomically(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return file.errorString();
    qint64 written = 0;
    while (written < bytes.size()) {
        const qint64 count = file.write(bytes.constData() + written, bytes.size() - written);
        if (count <= 0)
            break;
        written += count;
    }
    if (written < bytes.size()) {
        QString reason = file.errorString();
        if (file.error() == QFileDevice::NoError)
            reason = QStringLiteral("the write stopped after %1 of %2 bytes").arg(written).arg(bytes.size());
        file.cancelWriting();
        return reason;
    }
    if (!file.commit())
        return file.errorString();
    return {};
}

} // namespace taskscope
