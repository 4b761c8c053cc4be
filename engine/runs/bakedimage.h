#pragma once

#include "docker/buildrequest.h"
#include "plan/runplan.h"

namespace rr::runs {

// The build that copies one repository path into a service's image (see plan::PlanBakedPath):
// an inline Dockerfile FROM the service's current image, with the path as the whole context.
class BakedImage final
{
public:
    // `image` is what the service runs so far (built, or as the compose file names it).
    static docker::BuildRequest request(const plan::ServicePlan &service, const plan::PlanBakedPath &path,
                                        const QString &image, const QString &owner, const QString &repo);
    // The inline Dockerfile alone, for tests and the build log.
    static QString dockerfile(const QString &image, const plan::PlanBakedPath &path);
};

} // namespace rr::runs
