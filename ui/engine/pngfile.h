#pragma once

/// Screenshots: a window's image saved as a PNG file, all of it or nothing (Ctrl+Shift+S and
/// `--screenshot`).

#include <QImage>
#include <QString>

namespace taskscope {

/// Encodes @p image as PNG and writes it to @p path atomically (writeFileAtomically): "" on
/// success, else one line naming the full path and the reason (a read-only folder, a full
/// disk). On failure a file already at @p path is left as it was.
[[nodiscard]] QString savePngFile(const QImage &image, const QString &path);

} // namespace taskscope
