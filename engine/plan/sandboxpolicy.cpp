#include "plan/sandboxpolicy.h"

namespace rr::plan {

namespace {
const QString kBaselineNote =
    QStringLiteral("Pod Security \"baseline\" on the run's namespace still rejects such pods on Kubernetes; "
                   "the Docker runtime honours it");
}

QStringList SandboxPolicy::safeCapabilities()
{
    return {QStringLiteral("CHOWN"), QStringLiteral("DAC_OVERRIDE"),     QStringLiteral("FOWNER"),
            QStringLiteral("KILL"),  QStringLiteral("NET_BIND_SERVICE"), QStringLiteral("SETGID"),
            QStringLiteral("SETUID")};
}

QStringList SandboxPolicy::harmlessCapabilities()
{
    return safeCapabilities() + QStringList{QStringLiteral("AUDIT_WRITE"), QStringLiteral("FSETID"),
                                            QStringLiteral("MKNOD"),       QStringLiteral("SETFCAP"),
                                            QStringLiteral("SETPCAP"),     QStringLiteral("SYS_CHROOT")};
}

QString SandboxPolicy::normaliseCapability(const QString &cap)
{
    QString c = cap.trimmed().toUpper();
    if (c.startsWith(QLatin1String("CAP_")))
        c.remove(0, 4);
    return c;
}

QStringList SandboxPolicy::safeSysctls()
{
    return {QStringLiteral("kernel.shm_rmid_forced"), QStringLiteral("net.ipv4.ip_local_port_range"),
            QStringLiteral("net.ipv4.tcp_syncookies"), QStringLiteral("net.ipv4.ping_group_range"),
            QStringLiteral("net.ipv4.ip_unprivileged_port_start")};
}

bool SandboxPolicy::dangerous(const project::Service &svc, PlanContext &ctx, const QString &key,
                              const QString &what, const QString &adaptedWhy)
{
    if (!ctx.options.allowUnsafe) {
        ctx.note(svc, key, Status::Refused,
                 what + QStringLiteral(" is refused by the sandbox; allow unsafe runs for this repository "
                                       "to use it"));
        return false;
    }
    ctx.note(svc, key, Status::Adapted,
             what + QStringLiteral(" allowed by the user's unsafe setting; ") + adaptedWhy);
    return true;
}

void SandboxPolicy::apply(const project::Service &svc, PlanContext &ctx, ServicePlan &sp)
{
    if (svc.privileged) {
        sp.privileged = dangerous(svc, ctx, QStringLiteral("privileged"), QStringLiteral("privileged mode"),
                                  kBaselineNote);
    } else if (svc.keys.contains(QStringLiteral("privileged"))) {
        ctx.note(svc, QStringLiteral("privileged"), Status::Mapped, QStringLiteral("false: nothing to do"));
    }

    const QString netMode = svc.networkMode.trimmed();
    if (netMode == QLatin1String("host")) {
        sp.hostNetwork = dangerous(svc, ctx, QStringLiteral("network_mode"),
                                   QStringLiteral("network_mode: host"), kBaselineNote);
    } else if (netMode.isEmpty() || netMode == QLatin1String("bridge") ||
               netMode == QLatin1String("default")) {
        if (svc.keys.contains(QStringLiteral("network_mode")))
            ctx.note(svc, QStringLiteral("network_mode"), Status::Mapped,
                     QStringLiteral("the run's own network"));
    } else if (netMode == QLatin1String("none")) {
        ctx.note(svc, QStringLiteral("network_mode"), Status::Adapted,
                 QStringLiteral("the service stays on the run's network, which the NetworkPolicy isolates"));
    } else {
        ctx.note(
            svc, QStringLiteral("network_mode"), Status::Adapted,
            QStringLiteral("\"%1\" is not shared: each service has its own network namespace and reaches "
                           "the others by name")
                .arg(netMode));
    }

    struct HostNs
    {
        const char *key;
        QString value;
        bool ServicePlan::*field;
    };
    const HostNs namespaces[] = {{"pid", svc.pid, &ServicePlan::hostPid},
                                 {"ipc", svc.ipc, &ServicePlan::hostIpc},
                                 {"userns_mode", svc.userns, nullptr}};
    for (const HostNs &ns : namespaces) {
        const QString key = QString::fromLatin1(ns.key);
        if (ns.value.trimmed() == QLatin1String("host")) {
            const bool ok = dangerous(svc, ctx, key, key + QStringLiteral(": host"),
                                      ns.field ? kBaselineNote
                                               : QStringLiteral("user namespaces are left to the runtime"));
            if (ns.field)
                sp.*ns.field = ok;
        } else if (!ns.value.isEmpty()) {
            ctx.note(svc, key, Status::Dropped,
                     QStringLiteral("\"%1\": each pod keeps its own namespace").arg(ns.value));
        }
    }

    if (!svc.devices.isEmpty()) {
        if (dangerous(
                svc, ctx, QStringLiteral("devices"), QStringLiteral("host devices"),
                QStringLiteral("passed to the Docker runtime; Kubernetes pods cannot request host devices")))
            sp.devices = svc.devices;
    }

    // Capabilities: drop ALL, add back the safe set minus what cap_drop removes.
    QStringList add = safeCapabilities();
    QStringList dropped;
    for (const QString &c : svc.capDrop) {
        const QString n = normaliseCapability(c);
        if (n == QLatin1String("ALL"))
            add.clear();
        else
            add.removeAll(n);
        dropped << n;
    }
    if (!svc.capDrop.isEmpty())
        ctx.note(svc, QStringLiteral("cap_drop"), Status::Mapped,
                 QStringLiteral("every capability is dropped; %1 not added back")
                     .arg(dropped.join(QLatin1Char(','))));
    if (!svc.capAdd.isEmpty()) {
        QStringList risky;
        QStringList harmless;
        for (const QString &c : svc.capAdd) {
            const QString n = normaliseCapability(c);
            (harmlessCapabilities().contains(n) ? harmless : risky) << n;
        }
        for (const QString &n : harmless)
            if (!add.contains(n))
                add << n;
        if (risky.isEmpty()) {
            ctx.note(
                svc, QStringLiteral("cap_add"), Status::Mapped,
                QStringLiteral("added back after dropping ALL: %1").arg(harmless.join(QLatin1Char(','))));
        } else if (dangerous(svc, ctx, QStringLiteral("cap_add"),
                             QStringLiteral("capabilities %1").arg(risky.join(QLatin1Char(','))),
                             kBaselineNote)) {
            for (const QString &n : risky)
                if (!add.contains(n))
                    add << n;
        }
    }
    sp.capAdd = add;

    if (!svc.sysctls.isEmpty()) {
        QStringList droppedSysctls;
        for (auto it = svc.sysctls.cbegin(); it != svc.sysctls.cend(); ++it) {
            if (safeSysctls().contains(it.key()))
                sp.sysctls.insert(it.key(), it.value());
            else
                droppedSysctls << it.key();
        }
        if (droppedSysctls.isEmpty())
            ctx.note(svc, QStringLiteral("sysctls"), Status::Mapped,
                     QStringLiteral("pod securityContext.sysctls"));
        else
            ctx.note(svc, QStringLiteral("sysctls"), sp.sysctls.isEmpty() ? Status::Dropped : Status::Adapted,
                     QStringLiteral("only namespaced safe sysctls are allowed; dropped %1")
                         .arg(droppedSysctls.join(QLatin1Char(','))));
    }

    if (!svc.securityOpt.isEmpty())
        ctx.note(
            svc, QStringLiteral("security_opt"), Status::Dropped,
            QStringLiteral("the sandbox always applies RuntimeDefault seccomp and no privilege escalation"));
}

} // namespace rr::plan
