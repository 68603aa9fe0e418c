#pragma once

// taskscope --bench-ui SECONDS: frame times of the live window and of the timeline under load.

class QGuiApplication;

/// Runs the UI benchmark and prints one JSON line per figure (see benchui.cpp); returns the
/// exit status. Needs a display (Xvfb) or QT_QPA_PLATFORM=offscreen with the software backend.
int runUiBenchmark(QGuiApplication &app, double seconds);
