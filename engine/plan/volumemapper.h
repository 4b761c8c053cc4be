#pragma once

#include "plan/plancontext.h"

namespace rr::plan {

// Internal: volumes, tmpfs, secrets and configs.
//
// Anonymous volumes become emptyDirs. A named volume is one volume for the whole run
// (PlanVolume::named, RunPlan::namedVolumes), shared by every service that mounts it; each
// runtime decides what backs it. Bind mounts are host mounts unless they resolve inside the repository: then
// the files are copied into a ConfigMap (at most MaxConfigMapBytes per mount). A larger bind is not mounted
// at all, so the container sees what its image has at that path (usually the same files, copied at build
// time) instead of an empty directory hiding them. Anything outside the repository is refused, always.
class VolumeMapper final
{
public:
    static constexpr qint64 MaxConfigMapBytes = 512 * 1024;
    static void map(const project::Service &svc, PlanContext &ctx, ServicePlan &sp);

private:
    static void mapBind(const project::Service &svc, const project::VolumeMount &m, int index,
                        PlanContext &ctx, ServicePlan &sp);
    static void mapGrants(const project::Service &svc, bool secrets, PlanContext &ctx, ServicePlan &sp);
};

} // namespace rr::plan
