#include "runs/retentionpolicy.h"

namespace rr::runs {

core::Result<void> RetentionPolicy::validate() const
{
    if (keepImages < 0 || imageDays < 0 || gitCacheDays < 0)
        return core::fail(core::ErrorCategory::Input, QStringLiteral("prune.bad_policy"),
                          QStringLiteral("Retention counts and ages must not be negative."));
    if (keepImages > 1000 || imageDays > 36500 || gitCacheDays > 36500)
        return core::fail(core::ErrorCategory::Input, QStringLiteral("prune.bad_policy"),
                          QStringLiteral("Retention counts and ages are out of range."));
    return {};
}

} // namespace rr::runs
