// writeFileAtomically: the new file whole, or the old file as it was and nothing beside it,
// when the folder is read-only or the disk fills up part-way (savefaults.h says how those are
// made to happen as root too).

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "io/atomicwrite.h"
#include "savefaults.h"

using namespace taskscope;
using taskscope::test::FileSizeLimit;
using taskscope::test::ReadOnlyFolder;
using taskscope::test::fileBytes;

class TestAtomicWrite : public QObject
{
    Q_OBJECT

private slots:
    void aWriteReplacesTheFileWhole()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("out.json"));
        QCOMPARE(writeFileAtomically(path, "first"), QString());
        QCOMPARE(writeFileAtomically(path, "second, longer"), QString());
        QCOMPARE(fileBytes(path), QByteArray("second, longer"));
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("out.json")});
    }

    void aReadOnlyFolderKeepsTheOldFileAndSaysWhy()
    {
        ReadOnlyFolder folder(QStringLiteral("out.json"), "old");
        if (const QString why = folder.whyNot(); !why.isEmpty())
            QSKIP(qPrintable(why));
        const QString reason = writeFileAtomically(folder.filePath(QStringLiteral("out.json")), "new");
        QVERIFY(!reason.isEmpty());
        QCOMPARE(fileBytes(folder.filePath(QStringLiteral("out.json"))), QByteArray("old"));
        QCOMPARE(folder.entries(), QStringList{QStringLiteral("out.json")});
    }

    /// Qt 6.4's QSaveFile, buffered, renames a short file over the old one when the write
    /// fails at commit (atomicwrite.cpp); this is the case that showed it.
    void aWriteThatFailsPartWayKeepsTheOldFileAndSaysWhy()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("out.json"));
        QCOMPARE(writeFileAtomically(path, "old"), QString());
        QString reason;
        {
            FileSizeLimit limit(16);
            QVERIFY(limit.isSet());
            reason = writeFileAtomically(path, QByteArray(4096, 'x'));
        }
        QCOMPARE(reason, QStringLiteral("File too large"));
        QCOMPARE(fileBytes(path), QByteArray("old"));
        QCOMPARE(QDir(directory.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("out.json")});
    }

    void aMissingFolderIsNamedAsSuch()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("missing/out.json"));
        QVERIFY(!writeFileAtomically(path, "x").isEmpty());
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestAtomicWrite)
#include "tst_atomicwrite.moc"
