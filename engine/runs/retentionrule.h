#pragma once

#include "docker/ownedimages.h"
#include "runs/retentionpolicy.h"
#include "source/gitcacheentry.h"

#include <QDateTime>
#include <QList>
#include <QSet>

namespace rr::runs {

// The retention decision, apart from Docker and the disk so it can be tested with any clock:
// an image goes when it is neither among the `keepImages` newest of its repository nor younger
// than `imageDays`; a clone-cache repository goes when unused for `gitCacheDays` and no active
// run uses it.
class RetentionRule final
{
public:
    static QList<docker::OwnedImage> expiredImages(const QList<docker::OwnedImage> &images,
                                                   const RetentionPolicy &policy, const QDateTime &now);
    static QList<source::GitCacheEntry> expiredRepositories(const QList<source::GitCacheEntry> &entries,
                                                            const RetentionPolicy &policy,
                                                            const QDateTime &now, const QSet<QString> &inUse);
};

} // namespace rr::runs
