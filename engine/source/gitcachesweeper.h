#pragma once

#include "core/result.h"
#include "source/gitcacheentry.h"

#include <QList>

namespace rr::source {

// The clone cache seen as a whole, for retention: which repositories it holds, when each was
// last fetched or checked out (a stamp the fetch touches), and removing one with its checkouts.
// Blocking file-system work: call it off the UI thread.
class GitCacheSweeper final
{
public:
    // `cacheDir` empty = Fetcher::defaultCacheDir().
    explicit GitCacheSweeper(QString cacheDir = {});

    QString cacheDir() const { return m_cacheDir; }
    QList<GitCacheEntry> entries() const;
    // Refuses (source.cache_locked) while a fetch holds the repository's lock.
    core::Result<void> remove(const GitCacheEntry &entry) const;

    // The cache key of a remote, to tell a repository a run still uses.
    static QString keyFor(const QString &remoteUrl);
    // Records that the cache repository at `repoPath` was used now.
    static void markUsed(const QString &repoPath);
    static constexpr const char *UsedStamp = "reporunner-last-used";

private:
    QString m_cacheDir;
};

} // namespace rr::source
