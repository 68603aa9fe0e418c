#include "uimodule.h"

#include "items/tokenimageprovider.h"
#include "runtime/runtimeconfig.h"

#include <QCoroQml>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QThread>

#include <algorithm>

namespace taskscope {

namespace {

/// How every window renders; process-wide, so it runs once, before the first window (the
/// environment is written here only, while no render thread can be reading it).
void configureRendering()
{
    static const bool done = [] {
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
        // Without a GPU, Mesa's llvmpipe rasterizes on as many threads as there are cores, and
        // they then share the cores with the runtime's workers. Leave the workers (2 unless
        // changed) theirs: on 2 cores, one rasterizer thread gave the busiest scenario p95 18.4-
        // 19.8 ms against 20.5-21.5 with two (interleaved, 3 runs each; with four it got 17.5-19
        // but the workers lost a quarter of their polls). Only llvmpipe reads it; a user's wins.
        if (!qEnvironmentVariableIsSet("LP_NUM_THREADS")) {
            const int defaultWorkers = RuntimeConfig{}.workerThreads;
            const int rasterizers = std::max(1, QThread::idealThreadCount() - defaultWorkers);
            qputenv("LP_NUM_THREADS", QByteArray::number(rasterizers));
        }
        return true;
    }();
    (void)done;
}

} // namespace

void setUpQmlEngine(QQmlEngine &engine)
{
    // qt_add_qml_module puts the module's qmldir at qrc:/Taskscope/qmldir.
    engine.addImportPath(QStringLiteral("qrc:/"));
    QCoro::Qml::registerTypes();
    engine.addImageProvider(QStringLiteral("token"), new TokenImageProvider); // the engine owns it
    configureRendering();
}

} // namespace taskscope
