#include "ipc/protocol.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rr::ipc {

using core::ErrorCategory;

QStringList knownMethods()
{
    QStringList out;
    for (const schema::MethodSchema &m : schema::k_methods)
        out.append(QLatin1String(m.name));
    return out;
}

QString runtimeDirectory()
{
    const QString xdg = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!xdg.isEmpty() && QDir::isAbsolutePath(xdg))
        return QDir::cleanPath(xdg + QStringLiteral("/reporunner"));
    return QStringLiteral("/tmp/reporunner-%1").arg(::getuid());
}

QString defaultSocketPath()
{
    return runtimeDirectory() + QStringLiteral("/control.sock");
}

namespace {

core::Result<void> unsafe(const QString &message)
{
    return core::fail(ErrorCategory::Io, code::UnsafeRuntimeDir, message);
}

} // namespace

core::Result<void> ensurePrivateDirectory(const QString &dir)
{
    const QByteArray path = QFile::encodeName(dir);
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST) {
        return unsafe(QStringLiteral("Cannot create the control socket directory %1: %2")
                          .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
    }
    return checkPrivateDirectory(dir);
}

core::Result<void> checkPrivateDirectory(const QString &dir)
{
    const QByteArray path = QFile::encodeName(dir);
    struct stat st = {};
    if (::lstat(path.constData(), &st) != 0)
        return unsafe(
            QStringLiteral("Cannot look at %1: %2").arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
    if (S_ISLNK(st.st_mode))
        return unsafe(
            QStringLiteral("%1 is a symbolic link, not RepoRunner's own folder; remove it and start "
                           "again.")
                .arg(dir));
    if (!S_ISDIR(st.st_mode))
        return unsafe(QStringLiteral("%1 is not a directory; remove it and start again.").arg(dir));
    if (st.st_uid != ::geteuid())
        return unsafe(QStringLiteral("%1 belongs to another user (uid %2), who could intercept RepoRunner; "
                                     "remove it and start again.")
                          .arg(dir)
                          .arg(st.st_uid));
    // Group or others could have planted a socket of their own in it; we never made it so.
    if ((st.st_mode & 077) != 0)
        return unsafe(QStringLiteral("%1 is open to other users (mode %2); remove it and start again.")
                          .arg(dir, QString::number(st.st_mode & 0777, 8)));
    return {};
}

core::Result<void> checkSocketDirectory(const QString &socketPath)
{
    const QString dir = QFileInfo(socketPath).absolutePath();
    struct stat st = {};
    if (::lstat(QFile::encodeName(dir).constData(), &st) != 0 && errno == ENOENT)
        return {};
    if (QDir::cleanPath(socketPath) == QDir::cleanPath(defaultSocketPath()))
        return checkPrivateDirectory(dir);
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode))
        return unsafe(QStringLiteral("%1 is not a plain directory.").arg(dir));
    if (st.st_uid != ::geteuid() && st.st_uid != 0)
        return unsafe(QStringLiteral("%1 belongs to another user (uid %2).").arg(dir).arg(st.st_uid));
    if ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0)
        return unsafe(QStringLiteral("Other users may replace the socket in %1 (mode %2).")
                          .arg(dir, QString::number(st.st_mode & 07777, 8)));
    return {};
}

core::Result<void> checkPeerIsUs(qintptr socketDescriptor)
{
    ucred peer = {};
    socklen_t length = sizeof peer;
    if (socketDescriptor < 0 ||
        ::getsockopt(int(socketDescriptor), SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0)
        return core::fail(ErrorCategory::Io, code::UntrustedPeer,
                          QStringLiteral("Cannot tell who is at the other end of the control socket: %1")
                              .arg(QString::fromLocal8Bit(std::strerror(errno))));
    if (peer.uid != ::geteuid())
        return core::fail(
            ErrorCategory::Io, code::UntrustedPeer,
            QStringLiteral("The control socket's other end runs as another user (uid %1, pid %2); "
                           "refusing it.")
                .arg(peer.uid)
                .arg(peer.pid));
    return {};
}

} // namespace rr::ipc
