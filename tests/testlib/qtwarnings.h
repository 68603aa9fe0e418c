#pragma once

// Collects what Qt prints at warning level and above, so a GUI test can fail on any QML
// warning: install once in initTestCase(), clear in init(), check s_messages at the end.

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace taskscope::test {

inline QStringList s_messages;
inline QtMessageHandler s_previousHandler = nullptr;

inline void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg)
        s_messages.append(message);
    s_previousHandler(type, context, message);
}

} // namespace taskscope::test
