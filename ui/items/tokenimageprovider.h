#pragma once

#include <QQuickImageProvider>

namespace taskscope {

/// Draws a pattern page's message token (a pill with a short word on it) as an image, served at
/// `image://token/<id>` (registered by setUpQmlEngine).
///
/// Why an image and not a Rectangle with a Label: every token page animates a dozen of them,
/// and a pill under its text is two scene-graph nodes of different materials. Where tokens
/// overlap, the renderer must draw them pill, text, pill, text, and a text over its own pill
/// starts a new batch: at 8 clients the actor page's tokens were 17 of the window's 93 draw
/// calls, and on a CPU rasterizer (llvmpipe) each draw call costs its own setup on the render
/// thread and on the rasterizer. Small images share the texture atlas, so all the tokens
/// in flight merge into one draw call however they overlap: in the busiest scenario under
/// llvmpipe that took the render thread from 3.60 to 3.03 ms of CPU a frame and the rasterizer
/// from 5.83 to 5.47 (taskscope --bench-ui, interleaved, 5 runs each).
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
