#pragma once

/// Files the app writes (presets, traces, screenshots): all of the new file, or the old one.
///
/// ```
/// if (const QString reason = writeFileAtomically(path, bytes); !reason.isEmpty())
///     return QStringLiteral("cannot write %1: %2").arg(path, reason);
/// ```
/// The bytes go to a temporary file beside the target, which is renamed over it only once
/// every byte is written: a full disk, a read-only folder or a crash part-way leaves the old
/// file as it was, and no partial file behind.

#include <QByteArray>
#include <QString>

namespace taskscope {

/// Writes @p bytes to @p path, all or nothing. Returns an empty string on success, else the
/// reason in the system's words ("No space left on device", "Permission denied"); the file at
/// @p path is then as it was, and the temporary file is removed.
[[nodiscard]] QString writeFileAtomically(const QString &path, const QByteArray &bytes);

} // namespace taskscope
