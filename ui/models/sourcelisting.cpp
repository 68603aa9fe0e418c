#include "sourcelisting.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace taskscope {

namespace {

QStringList readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QString text = QString::fromUtf8(file.readAll());
    if (text.endsWith(QLatin1Char('\n')))
        text.chop(1);
    return text.split(QLatin1Char('\n'));
}

} // namespace

SourceListing::SourceListing(QObject *parent)
    : QAbstractListModel(parent)
{
}

QString SourceListing::locationKey(const QString &location)
{
    const qsizetype colon = location.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return location;
    const QString file = location.left(colon);
    const qsizetype slash = std::max(file.lastIndexOf(QLatin1Char('/')), file.lastIndexOf(QLatin1Char('\\')));
    return file.mid(slash + 1) + location.mid(colon);
}

void SourceListing::setScenarioId(const QString &id)
{
    if (id == m_scenarioId)
        return;
    m_scenarioId = id;
    load();
    emit scenarioIdChanged();
    setAwaiting(m_awaiting); // the counts, on the new rows
}

QStringList SourceListing::filesFor(const QString &scenarioFile) const
{
    // The pattern files the scenario includes and the app carries: "patterns/connectionpool.h"
    // brings connectionpool.cpp and connectionpool.h, implementation first.
    static const QRegularExpression include(QStringLiteral(R"(^\s*#\s*include\s+"([^"]+)\")"),
                                            QRegularExpression::MultilineOption);
    const QDir root(m_sourceRoot);
    QStringList sources;
    QStringList headers;
    QFile file(root.filePath(scenarioFile));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const QString text = QString::fromUtf8(file.readAll());
    for (auto it = include.globalMatch(text); it.hasNext();) {
        const QString header = it.next().captured(1).section(QLatin1Char('/'), -1);
        if (!root.exists(header) || headers.contains(header))
            continue;
        headers << header;
        const QString source = header.section(QLatin1Char('.'), 0, -2) + QStringLiteral(".cpp");
        if (root.exists(source))
            sources << source;
    }
    return QStringList{scenarioFile} + sources + headers;
}

void SourceListing::load()
{
    beginResetModel();
    m_lines.clear();
    m_rowOfKey.clear();
    m_files.clear();
    const QString scenarioFile = QString(m_scenarioId).remove(QLatin1Char('-')) + QStringLiteral("scenario.cpp");
    if (!m_scenarioId.isEmpty() && QDir(m_sourceRoot).exists(scenarioFile))
        m_files = filesFor(scenarioFile);
    for (int fileIndex = 0; fileIndex < m_files.size(); ++fileIndex) {
        const QStringList lines = readLines(QDir(m_sourceRoot).filePath(m_files.at(fileIndex)));
        for (int number = 1; number <= lines.size(); ++number) {
            m_rowOfKey.insert(m_files.at(fileIndex) + QLatin1Char(':') + QString::number(number), int(m_lines.size()));
            m_lines.push_back({fileIndex, number, lines.at(number - 1)});
        }
    }
    m_firstAwaitingRow = -1;
    m_awaitingTotal = 0;
    endResetModel();
}

void SourceListing::setAwaiting(const QVariantMap &awaiting)
{
    // Sum per row first: two spellings of one file (relative, absolute) land on the same line.
    QHash<int, int> counts;
    for (auto it = awaiting.begin(); it != awaiting.end(); ++it) {
        const auto row = m_rowOfKey.constFind(locationKey(it.key()));
        if (row != m_rowOfKey.constEnd())
            counts[*row] += it.value().toInt();
    }
    int first = -1;
    int total = 0;
    int changedFrom = -1;
    int changedTo = -1;
    for (int row = 0; row < int(m_lines.size()); ++row) {
        const int count = counts.value(row);
        if (count > 0) {
            total += count;
            if (first < 0)
                first = row;
        }
        if (m_lines[std::size_t(row)].awaiting != count) {
            m_lines[std::size_t(row)].awaiting = count;
            if (changedFrom < 0)
                changedFrom = row;
            changedTo = row;
        }
    }
    if (changedFrom >= 0)
        emit dataChanged(index(changedFrom), index(changedTo), {AwaitingCountRole});
    const bool changed = awaiting != m_awaiting || first != m_firstAwaitingRow || total != m_awaitingTotal;
    m_awaiting = awaiting;
    m_firstAwaitingRow = first;
    m_awaitingTotal = total;
    if (changed)
        emit awaitingChanged();
}

int SourceListing::rowOf(const QString &fileName, int line) const
{
    return m_rowOfKey.value(fileName + QLatin1Char(':') + QString::number(line), -1);
}

int SourceListing::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant SourceListing::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &line = m_lines[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return line.text;
    case FileNameRole:
        return m_files.at(line.fileIndex);
    case LineNumberRole:
        return line.number;
    case AwaitingCountRole:
        return line.awaiting;
    default:
        return {};
    }
}

QHash<int, QByteArray> SourceListing::roleNames() const
{
    return {{FileNameRole, "fileName"}, {LineNumberRole, "lineNumber"}, {TextRole, "text"},
            {AwaitingCountRole, "awaitingCount"}};
}

} // namespace taskscope
