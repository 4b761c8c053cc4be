#include "source/gitcachesweeper.h"

#include "core/logging.h"
#include "source/fetcher.h"
#include "source/gitrepocache.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>

namespace rr::source {

using core::ErrorCategory;

namespace {

qint64 treeBytes(const QString &path)
{
    qint64 total = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

GitCacheSweeper::GitCacheSweeper(QString cacheDir)
    : m_cacheDir(cacheDir.isEmpty() ? Fetcher::defaultCacheDir() : std::move(cacheDir))
{}

QString GitCacheSweeper::keyFor(const QString &remoteUrl)
{
    return GitRepoCache::keyFor(remoteUrl);
}

void GitCacheSweeper::markUsed(const QString &repoPath)
{
    QFile stamp(repoPath + QLatin1Char('/') + QLatin1String(UsedStamp));
    if (!stamp.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return;            // retention then goes by the folder's own time
    stamp.write("used\n"); // the write is the time stamp
}

QList<GitCacheEntry> GitCacheSweeper::entries() const
{
    QList<GitCacheEntry> out;
    const QDir repos(m_cacheDir + QStringLiteral("/repos"));
    for (const QFileInfo &repo :
         repos.entryInfoList({QStringLiteral("*.git")}, QDir::Dirs | QDir::NoSymLinks)) {
        GitCacheEntry entry;
        entry.key = repo.fileName().chopped(4);
        entry.repoPath = repo.absoluteFilePath();
        const QFileInfo stamp(entry.repoPath + QLatin1Char('/') + QLatin1String(UsedStamp));
        entry.lastUsed = stamp.exists() ? stamp.lastModified() : repo.lastModified();
        entry.bytes =
            treeBytes(entry.repoPath) + treeBytes(m_cacheDir + QStringLiteral("/worktrees/") + entry.key);
        out.append(entry);
    }
    return out;
}

core::Result<void> GitCacheSweeper::remove(const GitCacheEntry &entry) const
{
    // The fetch's own lock: a repository being fetched or checked out right now stays.
    QDir().mkpath(m_cacheDir + QStringLiteral("/locks"));
    QLockFile lock(m_cacheDir + QStringLiteral("/locks/") + entry.key + QStringLiteral(".lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0))
        return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_locked"),
                          QStringLiteral("%1 is being fetched; it stays.").arg(entry.key));
    const QString worktrees = m_cacheDir + QStringLiteral("/worktrees/") + entry.key;
    const bool removed = QDir(entry.repoPath).removeRecursively() && QDir(worktrees).removeRecursively();
    if (!removed)
        return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_remove_failed"),
                          QStringLiteral("Could not remove all of %1 from the clone cache.").arg(entry.key));
    qCInfo(lcSource) << "removed" << entry.key << "from the clone cache";
    return {};
}

} // namespace rr::source
