#pragma once

#include "docker/ownedimages.h"
#include "source/gitcacheentry.h"

#include <QJsonObject>
#include <QStringList>

namespace rr::runs {

// What one retention pass removed (or, dry, would remove) and the space that came back.
struct PruneReport
{
    bool dryRun = false;
    QList<docker::OwnedImage> images;
    docker::BuildCacheSweep buildCache;
    QList<source::GitCacheEntry> repositories;
    QStringList problems; // what could not be looked at or removed; the rest still went

    // Image sizes count layers they share with images that stay, so this is an upper bound.
    qint64 imageBytes() const;
    qint64 repositoryBytes() const;
    qint64 reclaimedBytes() const;
    QJsonObject toJson() const;
};

} // namespace rr::runs
