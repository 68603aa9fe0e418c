#include "uimodule.h"

#include <QCoroQml>
#include <QQmlEngine>
#include <QQuickWindow>

namespace taskscope {

void setUpQmlEngine(QQmlEngine &engine)
{
    // qt_add_qml_module puts the module's qmldir at qrc:/Taskscope/qmldir.
    engine.addImportPath(QStringLiteral("qrc:/"));
    QCoro::Qml::registerTypes();
    // Glyphs from the font's hinted bitmaps, not signed-distance fields: the window's text is
    // static in size (Ctrl +/- changes pixel sizes, nothing scales text continuously), hinted
    // glyphs are crisper on a projector, and on a CPU rasterizer (llvmpipe) the distance-field
    // shader doubled the cost of every frame: a still 1600x1000 window took 18 ms a frame with
    // it and 10 ms without (taskscope --bench-ui, nothing running).
    QQuickWindow::setTextRenderType(QQuickWindow::NativeTextRendering);
    // The scene graph's renderer draws opaque items front to back against a depth buffer so a
    // GPU can skip hidden pixels. This window has little overdraw to skip, and on a CPU
    // rasterizer the depth clears and tests cost more than they save: without them the busiest
    // scenario's frames under llvmpipe went from p95 24.5 to 21.6 ms (interleaved, 4 runs
    // each). Read when a window's renderer is created, so set before any window exists; a
    // value the user set wins.
    if (!qEnvironmentVariableIsSet("QSG_NO_DEPTH_BUFFER"))
        qputenv("QSG_NO_DEPTH_BUFFER", "1");
}

} // namespace taskscope
