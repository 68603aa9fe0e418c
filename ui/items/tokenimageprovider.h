#pragma once

#include <QQuickImageProvider>

namespace taskscope {

/// Draws a pattern page's message token (a pill with a short word on it) as an image, served at
/// `image://token/<id>` (registered by setUpQmlEngine).
///
/// Why an image and not a Rectangle with a Label: every token page animates a dozen of them,
/// and a pill under its text is two scene-graph nodes of different materials. Where tokens
/// overlap, the renderer must draw them pill, text, pill, text: at 8 clients the actor page's
/// tokens were 17 of the window's 91 draw calls, and on a CPU rasterizer (llvmpipe) each draw
/// call costs its own setup. Images of the same size class share the texture atlas, so all the
/// tokens in flight merge into one draw call however they overlap; without them the busiest
/// scenario's frame p95 went from 21.3 to 15.8 ms (taskscope --bench-ui, OpenGL, interleaved).
///
/// The id is `<width>x<height>/<border width>/<font pixels>/<fill>/<border>/<ink>/<text>`:
/// logical pixels, colours as hex ARGB without the '#' (a '#' would end the URL), the text
/// percent-encoded. The Image's sourceSize is the size in device pixels; everything scales to
/// it, so a token stays sharp on a high-DPI projector. See tokenSource() in ActorPage.qml.
class TokenImageProvider : public QQuickImageProvider
{
public:
    TokenImageProvider();

    /// The token @p id describes, @p requestedSize large (its logical size when that is empty);
    /// an invalid id gives a null image and a warning naming the id.
    QImage requestImage(const QString &id, QSize *size, const QSize &requestedSize) override;
};

} // namespace taskscope
