#include "resourcetext.h"

#include <QFile>

namespace taskscope {

ResourceText::ResourceText(QObject *parent)
    : QObject(parent)
{
}

void ResourceText::setSource(const QUrl &source)
{
    if (source == m_source)
        return;
    m_source = source;
    const QString path = source.scheme() == QLatin1String("qrc") ? QLatin1Char(':') + source.path()
                                                                  : source.toLocalFile();
    QFile file(path);
    m_exists = !path.isEmpty() && file.open(QIODevice::ReadOnly | QIODevice::Text);
    m_text = m_exists ? QString::fromUtf8(file.readAll()) : QString();
    emit sourceChanged();
}

} // namespace taskscope
