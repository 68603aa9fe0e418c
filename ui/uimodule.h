#pragma once

#include <QLoggingCategory>

class QQmlEngine;

/// The UI area's logging category ("taskscope.ui"), defined in enginecontroller.cpp.
Q_DECLARE_LOGGING_CATEGORY(lcUi)

namespace taskscope {

/// The QML file every window starts from (Qt 6.4 has no loadFromModule).
inline constexpr const char *mainQmlUrl = "qrc:/Taskscope/Main.qml";

/// Prepares @p engine to load the Taskscope module: import paths, QCoro's QML types and the
/// `image://token/` provider (TokenImageProvider); and
/// how every window created after it renders (native glyphs, no depth buffer).
/// The app and the tests both call it, which also keeps the module library linked.
void setUpQmlEngine(QQmlEngine &engine);

} // namespace taskscope
