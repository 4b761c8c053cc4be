#pragma once

#include "core/result.h"

#include <QtGlobal>

namespace rr::plan {

// The per-run ResourceQuota and LimitRange. Defaults fit a 6 GB laptop (KUBERNETES.md);
// CPU in millicores, memory in bytes so the planner can cap and share them.
struct QuotaSettings
{
    int requestsCpuMilli = 1000;
    int limitsCpuMilli = 2000;
    qint64 requestsMemory = 1536LL * 1024 * 1024;
    qint64 limitsMemory = 2048LL * 1024 * 1024;
    int pods = 10;
    int services = 10;
    int configMaps = 20;
    int secrets = 20;
    // Kubernetes: what each named volume's PersistentVolumeClaim requests. The quota allows
    // exactly the run's claims (count and requests.storage), and none when it has none.
    qint64 volumeClaimSize = 1024LL * 1024 * 1024;
    // LimitRange: what a container gets when the compose file says nothing.
    int defaultCpuMilli = 500;
    qint64 defaultMemory = 512LL * 1024 * 1024;
    int defaultRequestCpuMilli = 100;
    qint64 defaultRequestMemory = 128LL * 1024 * 1024;
    // Scratch space (writable layer, logs, emptyDirs on disk) per container: the LimitRange
    // default and max on Kubernetes, the writable layer's size on Docker where the storage
    // driver can enforce one.
    qint64 ephemeralStorage = 2048LL * 1024 * 1024;
    qint64 ephemeralStorageRequest = 256LL * 1024 * 1024;
    // Processes per container on Docker (Kubernetes limits pids per node, not per pod).
    qint64 defaultPids = 512;

    // Refuses what no run could live with: a container default above the run's limit, requests
    // above limits, or less than the planner gives its smallest container (64 MiB, 50 millicores).
    core::Result<void> validate() const;

    friend bool operator==(const QuotaSettings &, const QuotaSettings &) = default;
};

} // namespace rr::plan
