#pragma once

// Ways to make a save fail the way a workshop's machine does, that hold when the tests run as
// root (CI does): there chmod takes nothing away, since root writes through any mode bits.
//
// ReadOnlyFolder: a folder in which no file can be made, renamed or removed. Not root: mode
// 0555. Root: the ext4 immutable attribute (FS_IMMUTABLE_FL, `chattr +i`), which binds root
// as well; where the file system has no such attribute (tmpfs) it says so, and the test skips.
// FileSizeLimit: RLIMIT_FSIZE, for this process, root included: a write past the limit fails
// with EFBIG, as a full disk fails one with ENOSPC: part-way, after the file was made. (A full
// disk itself needs a small file system mounted, which a test cannot do.)

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <csignal>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace taskscope::test {

class ReadOnlyFolder
{
public:
    /// A new temporary folder, holding @p bytes in a file named @p name when a name is given
    /// (written before the folder is locked), made read-only.
    explicit ReadOnlyFolder(const QString &name = {}, const QByteArray &bytes = {})
    {
        if (!m_directory.isValid())
            return;
        m_path = m_directory.path();
        if (!name.isEmpty()) {
            QFile file(filePath(name));
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
                return;
        }
        if (::geteuid() != 0) {
            QFile::setPermissions(m_path, QFile::ReadOwner | QFile::ExeOwner);
            m_how = QStringLiteral("mode 0555");
        } else if (setImmutable(true)) {
            m_how = QStringLiteral("the immutable attribute (root)");
        }
    }
    ~ReadOnlyFolder() { makeWritable(); }
    ReadOnlyFolder(const ReadOnlyFolder &) = delete;
    ReadOnlyFolder &operator=(const ReadOnlyFolder &) = delete;

    /// Empty when the folder is really read-only; else why not (the test should skip).
    [[nodiscard]] QString whyNot() const
    {
        if (m_path.isEmpty())
            return QStringLiteral("no temporary folder");
        if (m_how.isEmpty())
            return QStringLiteral("cannot make %1 read-only for root here (no immutable attribute on this file system)")
                .arg(m_path);
        QFile probe(QDir(m_path).filePath(QStringLiteral("probe")));
        if (probe.open(QIODevice::WriteOnly)) {
            probe.close();
            probe.remove();
            return QStringLiteral("%1 still takes new files after %2").arg(m_path, m_how);
        }
        return {};
    }
    [[nodiscard]] QString filePath(const QString &name) const { return QDir(m_path).filePath(name); }
    /// The names in the folder (to see that a failed save left nothing behind).
    [[nodiscard]] QStringList entries() const
    {
        return QDir(m_path).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    }
    void makeWritable()
    {
        if (m_how.isEmpty())
            return;
        if (::geteuid() != 0)
            QFile::setPermissions(m_path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        else
            setImmutable(false);
        m_how.clear();
    }

private:
    bool setImmutable(bool on) const
    {
        const int fd = ::open(QFile::encodeName(m_path).constData(), O_RDONLY | O_DIRECTORY);
        if (fd < 0)
            return false;
        int flags = 0;
        bool done = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
        if (done) {
            flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
            done = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
        }
        ::close(fd);
        return done;
    }

    QTemporaryDir m_directory;
    QString m_path;
    QString m_how; ///< how it was made read-only; empty: it was not
};

/// Files this process writes may not grow past @p bytes while it lives (SIGXFSZ ignored, so
/// the write fails with EFBIG instead of killing the test).
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        m_previousSignal = std::signal(SIGXFSZ, SIG_IGN);
        m_set = ::getrlimit(RLIMIT_FSIZE, &m_previous) == 0;
        rlimit limited = m_previous;
        limited.rlim_cur = bytes;
        m_set = m_set && ::setrlimit(RLIMIT_FSIZE, &limited) == 0;
    }
    ~FileSizeLimit()
    {
        if (m_set)
            ::setrlimit(RLIMIT_FSIZE, &m_previous);
        std::signal(SIGXFSZ, m_previousSignal);
    }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;
    [[nodiscard]] bool isSet() const { return m_set; }

private:
    rlimit m_previous{};
    bool m_set = false;
    void (*m_previousSignal)(int) = SIG_DFL;
};

/// The bytes of the file at @p path, or "(unreadable)" when it cannot be opened: what a
/// failed save left behind.
inline QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(unreadable)");
}

} // namespace taskscope::test
