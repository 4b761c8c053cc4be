#pragma once

#include "core/result.h"

namespace rr::runs {

// How much of what runs leave behind an engine keeps (issue 10 §8): built images, the daemon's
// build cache and the clone cache. `reporunner prune` flags and the daily pass use the same.
struct RetentionPolicy
{
    int keepImages = 3;    // newest images kept per image repository (one per service)
    int imageDays = 14;    // images (and build cache) younger than this always stay
    int gitCacheDays = 30; // clone-cache repositories not used for this long go

    core::Result<void> validate() const;
};

} // namespace rr::runs
