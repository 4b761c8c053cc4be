#include "plan/quotasettings.h"

#include "plan/resourcemapper.h"

namespace rr::plan {

namespace {

core::Result<void> refuse(const QString &why)
{
    return core::fail(core::ErrorCategory::Input, QStringLiteral("settings.bad_quota"), why);
}

} // namespace

core::Result<void> QuotaSettings::validate() const
{
    constexpr qint64 MiB = 1024 * 1024;
    if (defaultMemory < ResourceMapper::MinMemory || defaultRequestMemory < ResourceMapper::MinMemory)
        return refuse(QStringLiteral("A container needs at least %1 MiB of memory.")
                          .arg(ResourceMapper::MinMemory / MiB));
    if (defaultCpuMilli < ResourceMapper::MinCpuMilli || defaultRequestCpuMilli < ResourceMapper::MinCpuMilli)
        return refuse(QStringLiteral("A container needs at least %1 millicores of CPU.")
                          .arg(ResourceMapper::MinCpuMilli));
    if (defaultMemory > limitsMemory || defaultCpuMilli > limitsCpuMilli)
        return refuse(QStringLiteral("A container's default limits must fit in the run's limits."));
    if (requestsMemory > limitsMemory || requestsCpuMilli > limitsCpuMilli ||
        defaultRequestMemory > defaultMemory || defaultRequestCpuMilli > defaultCpuMilli)
        return refuse(QStringLiteral("Requests must not exceed limits."));
    if (defaultRequestMemory > requestsMemory || defaultRequestCpuMilli > requestsCpuMilli)
        return refuse(QStringLiteral("A container's default requests must fit in the run's requests."));
    if (pods < 1 || services < 1 || configMaps < 1 || secrets < 1)
        return refuse(
            QStringLiteral("A run needs room for at least one pod, service, config map and secret."));
    if (defaultPids < 16 || defaultPids > 1000000)
        return refuse(QStringLiteral("A container's process limit must be between 16 and 1000000."));
    if (ephemeralStorage < ephemeralStorageRequest || ephemeralStorageRequest < 0)
        return refuse(QStringLiteral("Scratch space requests must not exceed its limit."));
    // 1 TiB and 256 CPUs: beyond any laptop, and far from overflowing the byte counts.
    if (limitsMemory > 1024 * 1024 * MiB || limitsCpuMilli > 256 * 1000 || pods > 1000)
        return refuse(QStringLiteral("The run's limits are out of range."));
    return {};
}

} // namespace rr::plan
