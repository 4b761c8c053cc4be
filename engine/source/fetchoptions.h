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
    // What the checkout may unpack to, submodules included: a small download can hold
    // highly compressible blobs or a great many files.
    qint64 maxCheckoutBytes = qint64(4) << 30; // 4 GiB
    qint64 maxCheckoutFiles = 200000;
    bool submodules = true;
};

} // namespace rr::source
