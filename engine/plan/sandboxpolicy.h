#pragma once

#include "plan/plancontext.h"

#include <QStringList>

namespace rr::plan {

// Internal: the sandbox's rules for dangerous compose options.
//
// Every container drops ALL capabilities and adds back safeCapabilities(): what root images
// commonly need to start (chown their data dir, switch user, bind port 80, signal children).
// All of them are allowed by Pod Security "baseline". cap_add of another capability from
// Docker's default set (harmlessCapabilities()) is mapped as is; anything else (SYS_ADMIN,
// NET_ADMIN, NET_RAW, SYS_PTRACE, ALL, ...) is refused unless the user allowed unsafe runs.
class SandboxPolicy final
{
public:
    static QStringList safeCapabilities();
    static QStringList harmlessCapabilities();
    static QString normaliseCapability(const QString &cap);
    // Namespaced sysctls Kubernetes deems safe (the kubelet allows them by default).
    static QStringList safeSysctls();
    static bool isPrivilegedPort(int port) { return port > 0 && port < 1024; }

    // privileged, network_mode, pid, ipc, userns_mode, devices, cap_add/cap_drop, sysctls,
    // security_opt: reports each and sets what is allowed on `sp`.
    static void apply(const project::Service &svc, PlanContext &ctx, ServicePlan &sp);

    // Reports a dangerous option: Refused, or Adapted with `adaptedWhy` under allowUnsafe.
    // Returns true when the option may be honoured.
    static bool dangerous(const project::Service &svc, PlanContext &ctx, const QString &key,
                          const QString &what, const QString &adaptedWhy);
};

} // namespace rr::plan
