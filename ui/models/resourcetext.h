#pragma once

#include <QObject>
#include <QString>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

namespace taskscope {

/// The text of a file compiled into the app (or on disk), for QML: the explanation's
/// Markdown and the Tokio equivalent on the pattern pages.
///
/// ```qml
/// ResourceText { id: explanation; source: "qrc:/Taskscope/explanations/actor.md" }
/// Text { text: explanation.text; textFormat: Text.MarkdownText }
/// ```
class ResourceText : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QUrl source READ source WRITE setSource NOTIFY sourceChanged)
    /// The file's text (UTF-8), empty when there is none.
    Q_PROPERTY(QString text READ text NOTIFY sourceChanged)
    Q_PROPERTY(bool exists READ exists NOTIFY sourceChanged)

public:
    explicit ResourceText(QObject *parent = nullptr);

    [[nodiscard]] QUrl source() const { return m_source; }
    void setSource(const QUrl &source);
    [[nodiscard]] QString text() const { return m_text; }
    [[nodiscard]] bool exists() const { return m_exists; }

signals:
    void sourceChanged();

private:
    QUrl m_source;
    QString m_text;
    bool m_exists = false;
};

} // namespace taskscope
