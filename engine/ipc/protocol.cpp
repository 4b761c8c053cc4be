#include "ipc/protocol.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>
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

core::Result<void> ensurePrivateDirectory(const QString &dir)
{
    const QByteArray path = QFile::encodeName(dir);
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST) {
        return core::fail(ErrorCategory::Io, code::UnsafeRuntimeDir,
                          QStringLiteral("Cannot create the control socket directory %1: %2")
                              .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
    }
    struct stat st = {};
    if (::lstat(path.constData(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return core::fail(ErrorCategory::Io, code::UnsafeRuntimeDir,
                          QStringLiteral("%1 is not a directory; remove it and start again.").arg(dir));
    }
    if (st.st_uid != ::geteuid()) {
        return core::fail(ErrorCategory::Io, code::UnsafeRuntimeDir,
                          QStringLiteral("%1 belongs to another user; remove it and start again.").arg(dir));
    }
    if ((st.st_mode & 077) != 0 && ::chmod(path.constData(), 0700) != 0) {
        return core::fail(ErrorCategory::Io, code::UnsafeRuntimeDir,
                          QStringLiteral("Cannot make %1 private: %2")
                              .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
    }
    return {};
}

} // namespace rr::ipc
