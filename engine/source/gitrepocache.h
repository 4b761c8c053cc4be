#pragma once

// Internal to engine/source: the bare repositories in the clone cache, one per remote URL.

#include "core/result.h"
#include "source/fetchcontext.h"

#include <QString>
#include <QStringList>

namespace rr::source {

struct RemoteState
{
    QString repoPath;      // the bare cache repository
    QStringList branches;  // short names, as advertised
    QStringList tags;      // short names, as advertised
    QString defaultBranch; // short name of the remote HEAD's branch
};

class GitRepoCache final
{
public:
    // Folder names are derived from a hash of the URL, with the repo name for humans.
    static QString keyFor(const QString &remoteUrl);
    static QString repoPathFor(const QString &cacheDir, const QString &remoteUrl);

    // Opens (or creates) the cache repository and fetches every branch and tag that changed.
    static core::Result<RemoteState> update(const QString &cacheDir, const QString &remoteUrl,
                                            FetchContext &context);

    // True when the cache repository already holds `sha` (so a pinned commit needs no network).
    static bool hasCommit(const QString &repoPath, const QString &sha);

    // Peels a revision ("refs/tags/v1", a sha prefix...) to a commit id in the cache repository.
    static core::Result<QString> resolveCommit(const QString &repoPath, const QString &revision,
                                               const QString &shownAs);

    // The remote HEAD's branch as recorded by the last fetch ("" when unknown).
    static QString recordedDefaultBranch(const QString &repoPath);
};

} // namespace rr::source
