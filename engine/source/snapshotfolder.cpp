#include "source/snapshotfolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace rr::source {

using core::ErrorCategory;

namespace {

core::Unexpected ioError(const QString &what, const QString &why)
{
    return core::fail(ErrorCategory::Io, QStringLiteral("source.snapshot_io"),
                      QStringLiteral("Cannot build the planning folder (%1): %2").arg(what.left(200), why));
}

} // namespace

SnapshotFolder::SnapshotFolder(const RepoTree &tree, const QString &parentDir)
    : m_tree(tree)
    , m_dir((parentDir.isEmpty() ? QDir::tempPath() : parentDir) + QStringLiteral("/reporunner-plan-XXXXXX"))
{}

core::Result<std::unique_ptr<SnapshotFolder>> SnapshotFolder::create(const RepoTree &tree,
                                                                     const QString &parentDir)
{
    std::unique_ptr<SnapshotFolder> folder(new SnapshotFolder(tree, parentDir));
    if (auto built = folder->build(); !built)
        return core::fail(built.error());
    return folder;
}

core::Result<void> SnapshotFolder::build()
{
    if (!m_dir.isValid())
        return ioError(m_dir.path(), m_dir.errorString());
    if (!QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return ioError(m_dir.path(), QStringLiteral("cannot make it private"));
    m_root = QFileInfo(m_dir.path()).canonicalFilePath();
    const QDir root(m_root);
    // RepoTree lists every folder before what it holds, and its paths stay inside.
    for (const RepoTree::Entry &e : m_tree.entries()) {
        switch (e.kind) {
        case RepoTree::Entry::Kind::Folder:
        case RepoTree::Entry::Kind::Submodule:
            if (!root.mkdir(e.path))
                return ioError(e.path, QStringLiteral("mkdir failed"));
            break;
        case RepoTree::Entry::Kind::Symlink:
            m_pendingLinks << e.path;
            break;
        case RepoTree::Entry::Kind::File: {
            QFile placeholder(root.filePath(e.path));
            if (!placeholder.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
                !placeholder.resize(qMin(e.size, MaxPlaceholderBytes)))
                return ioError(e.path, placeholder.errorString());
            m_pending.insert(e.path);
            break;
        }
        }
    }
    return {};
}

QString SnapshotFolder::relativePath(const QString &absolute) const
{
    const QString clean = QDir::cleanPath(absolute);
    if (!clean.startsWith(m_root + QLatin1Char('/')))
        return {};
    return clean.mid(m_root.size() + 1);
}

QSet<QString> SnapshotFolder::pendingAbsolute() const
{
    QSet<QString> out;
    out.reserve(m_pending.size());
    for (const QString &relative : m_pending)
        out.insert(m_root + QLatin1Char('/') + relative);
    return out;
}

core::Result<void> SnapshotFolder::write(const QString &relative, const QByteArray &bytes)
{
    if (!m_pending.contains(relative))
        return core::fail(
            ErrorCategory::Internal, QStringLiteral("source.snapshot_path"),
            QStringLiteral("\"%1\" is not a file waiting for its contents.").arg(relative.left(200)));
    QFile file(m_root + QLatin1Char('/') + relative);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::ExistingOnly) ||
        file.write(bytes) != bytes.size())
        return ioError(relative, file.errorString());
    m_pending.remove(relative);
    return {};
}

core::Result<void> SnapshotFolder::link(const QString &relative, const QByteArray &target)
{
    if (!m_pendingLinks.contains(relative) || target.isEmpty() || target.contains('\0'))
        return core::fail(
            ErrorCategory::Internal, QStringLiteral("source.snapshot_path"),
            QStringLiteral("\"%1\" is not a symlink waiting for its target.").arg(relative.left(200)));
    // Used as written, like git's checkout: a target outside the folder stays outside, and
    // the planner's own checks treat it as such.
    const QByteArray path = QFile::encodeName(m_root + QLatin1Char('/') + relative);
    if (::symlink(target.constData(), path.constData()) != 0)
        return ioError(relative, QString::fromLocal8Bit(std::strerror(errno)));
    m_pendingLinks.removeAll(relative);
    return {};
}

} // namespace rr::source
