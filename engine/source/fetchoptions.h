#pragma once

#include <QString>
#include <QtGlobal>

namespace rr::source {

// How a Fetcher clones: where the cache lives, how much it may download, whether to recurse.
struct FetchOptions
{
    static constexpr qint64 DefaultMaxBytes = qint64(1) << 30; // 1 GiB

    QString cacheDir;                  // empty = <GenericCacheLocation>/reporunner/git
    qint64 maxBytes = DefaultMaxBytes; // download budget for one fetch, submodules included
    bool submodules = true;
};

} // namespace rr::source
