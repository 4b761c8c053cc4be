#pragma once

#include <QDateTime>
#include <QString>

namespace rr::source {

// One repository in the clone cache: its bare repository and the checkouts made from it.
struct GitCacheEntry
{
    QString key;      // the cache's folder name for the remote
    QString repoPath; // <cache>/repos/<key>.git
    QDateTime lastUsed;
    qint64 bytes = 0; // the bare repository and its checkouts
};

} // namespace rr::source
