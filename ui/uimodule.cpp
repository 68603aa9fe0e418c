#include "uimodule.h"

#include <QQmlEngine>
#include <QCoroQml>

namespace taskscope {

void setUpQmlEngine(QQmlEngine &engine)
{
    // qt_add_qml_module puts the module's qmldir at qrc:/Taskscope/qmldir.
    engine.addImportPath(QStringLiteral("qrc:/"));
    QCoro::Qml::registerTypes();
}

} // namespace taskscope
