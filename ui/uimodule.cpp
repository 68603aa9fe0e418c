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
}

} // namespace taskscope
