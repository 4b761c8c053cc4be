#include "core/privatepaths.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace rr::core {

namespace {

Result<void> setMode(const QString &path, mode_t mode, const QString &what)
{
    if (::chmod(QFile::encodeName(path).constData(), mode) != 0)
        return fail(ErrorCategory::Io, QStringLiteral("io.private_mode"),
                    QStringLiteral("Cannot make %1 %2 private: %3")
                        .arg(what, path, QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

} // namespace

Result<void> makePrivateDirectory(const QString &dir)
{
    if (!QDir().mkpath(dir))
        return fail(ErrorCategory::Io, QStringLiteral("io.mkdir"),
                    QStringLiteral("Cannot create %1").arg(dir));
    return setMode(dir, 0700, QStringLiteral("the folder"));
}

Result<void> makePrivateFile(const QString &file)
{
    return setMode(file, 0600, QStringLiteral("the file"));
}

} // namespace rr::core
