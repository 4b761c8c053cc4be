#include "plan/repopaths.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace rr::plan {

namespace {

QString canonicalRoot(const QString &projectDir)
{
    const QString c = QFileInfo(projectDir).canonicalFilePath();
    return c.isEmpty() ? QDir::cleanPath(projectDir) : c;
}

bool isUnder(const QString &path, const QString &root)
{
    return path == root || path.startsWith(root + QLatin1Char('/'));
}

// Canonical form of a path that may not exist yet: resolve the nearest existing ancestor
// (following its symlinks) and append the rest.
QString canonicalish(const QString &absolute)
{
    QString existing = QDir::cleanPath(absolute);
    QString rest;
    while (!existing.isEmpty() && !QFileInfo::exists(existing)) {
        const int slash = existing.lastIndexOf(QLatin1Char('/'));
        if (slash < 0)
            return QDir::cleanPath(absolute);
        rest.prepend(existing.mid(slash));
        existing = existing.left(slash);
        if (existing.isEmpty())
            existing = QStringLiteral("/");
    }
    const QString c = QFileInfo(existing).canonicalFilePath();
    return QDir::cleanPath((c.isEmpty() ? existing : c) + rest);
}

// Host paths whose mount would hand the container the host: the root, kernel and device
// interfaces, the system's configuration and boot files, runtime state and its sockets.
bool controlsHost(const QString &path)
{
    static const QStringList roots = {QStringLiteral("/proc"),
                                      QStringLiteral("/sys"),
                                      QStringLiteral("/dev"),
                                      QStringLiteral("/etc"),
                                      QStringLiteral("/boot"),
                                      QStringLiteral("/run"),
                                      QStringLiteral("/var/run"),
                                      QStringLiteral("/var/lib/docker"),
                                      QStringLiteral("/var/lib/containerd"),
                                      QStringLiteral("/var/lib/kubelet"),
                                      QStringLiteral("/lib/modules"),
                                      QStringLiteral("/usr"),
                                      QStringLiteral("/bin"),
                                      QStringLiteral("/sbin"),
                                      QStringLiteral("/lib"),
                                      QStringLiteral("/root")};
    if (path == QLatin1String("/"))
        return true;
    for (const QString &root : roots)
        if (isUnder(path, root))
            return true;
    return path.endsWith(QLatin1String(".sock"));
}

} // namespace

RepoPaths::Resolved RepoPaths::resolve(const QString &projectDir, const QString &written)
{
    Resolved r;
    static const QRegularExpression windowsAbs(QStringLiteral("^([A-Za-z]:)?[\\\\/]"));
    if (written.trimmed().isEmpty()) {
        r.why = QStringLiteral("an empty host path");
        return r;
    }
    if (written.contains(QStringLiteral("docker.sock"))) {
        r.hostControl = true;
        r.why = QStringLiteral("the Docker socket would give the container control of the host");
        return r;
    }
    if (written.startsWith(QLatin1Char('~'))) {
        r.why = QStringLiteral("a path in the home directory is outside the repository");
        return r;
    }
    const bool absolute = QDir::isAbsolutePath(written) || windowsAbs.match(written).hasMatch();
    const QString root = canonicalRoot(projectDir);
    const QString joined = absolute ? written : projectDir + QLatin1Char('/') + written;
    const QString canonical = canonicalish(joined);
    if (!isUnder(canonical, root)) {
        r.hostControl = controlsHost(QDir::cleanPath(joined)) || controlsHost(canonical);
        if (r.hostControl)
            r.why = QStringLiteral("'%1' would give the container control of the host").arg(canonical);
        else
            r.why = absolute ? QStringLiteral("an absolute host path outside the repository")
                             : QStringLiteral("the path escapes the repository (through '..' or a symlink)");
        return r;
    }
    r.inside = true;
    r.absolute = canonical;
    const QFileInfo fi(canonical);
    r.exists = fi.exists();
    r.isDir = fi.isDir();
    return r;
}

RepoPaths::Files RepoPaths::read(const QString &projectDir, const Resolved &path, qint64 maxBytes)
{
    Files out;
    if (!path.inside || !path.exists)
        return out;
    const QString root = canonicalRoot(projectDir);
    auto readOne = [&](const QString &file, const QString &relative) {
        const QString canonical = QFileInfo(file).canonicalFilePath();
        if (canonical.isEmpty() || !isUnder(canonical, root)) {
            ++out.skippedOutside;
            return;
        }
        QFile f(canonical);
        if (out.totalBytes + f.size() > maxBytes) {
            out.tooLarge = true;
            return;
        }
        if (!f.open(QIODevice::ReadOnly))
            return;
        const QByteArray bytes = f.readAll();
        out.totalBytes += bytes.size();
        out.byRelativePath.insert(relative, bytes);
    };
    if (!path.isDir) {
        readOne(path.absolute, QString());
        return out;
    }
    const QDir base(path.absolute);
    QDirIterator it(path.absolute, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext() && !out.tooLarge) {
        const QString file = it.next();
        const QString relative = base.relativeFilePath(file);
        if (relative.startsWith(QLatin1String(".git/")))
            continue;
        readOne(file, relative);
    }
    return out;
}

} // namespace rr::plan
