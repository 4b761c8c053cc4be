#include "dockerruntime/containerspec.h"

#include "core/names.h"

#include <QJsonArray>

namespace rr::dockerruntime {

namespace {

using plan::PlanVolume;

constexpr qint64 NanosPerSecond = 1000000000LL;

const PlanVolume *findVolume(const plan::ServicePlan &service, const QString &name)
{
    for (const PlanVolume &v : service.volumes)
        if (v.name == name)
            return &v;
    return nullptr;
}

QString portKey(const plan::PlanPort &p)
{
    return QString::number(p.containerPort) + QLatin1Char('/') + p.protocol.toLower();
}

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject healthcheck(const plan::PlanProbe &probe)
{
    QStringList test{QStringLiteral("CMD")};
    test << probe.exec;
    // As the compose file declares it. StartInterval needs API 1.44 (Docker 25); older daemons
    // ignore it and check every Interval from the start.
    QJsonObject check{
        {QStringLiteral("Test"), strings(test)},
        {QStringLiteral("Interval"), qMax(1, probe.declaredIntervalSeconds) * NanosPerSecond},
        {QStringLiteral("Timeout"), qMax(1, probe.timeoutSeconds) * NanosPerSecond},
        {QStringLiteral("Retries"), qMax(1, probe.failureThreshold)},
        {QStringLiteral("StartPeriod"), qMax(0, probe.declaredStartPeriodSeconds) * NanosPerSecond}};
    if (probe.declaredStartIntervalSeconds > 0)
        check.insert(QStringLiteral("StartInterval"), probe.declaredStartIntervalSeconds * NanosPerSecond);
    return check;
}

QJsonArray mounts(const plan::RunPlan &plan, const plan::ServicePlan &service)
{
    QJsonArray out;
    for (const plan::PlanMount &m : service.mounts) {
        const PlanVolume *v = findVolume(service, m.volume);
        if (!v || ContainerSpec::isCopiedMount(service, m))
            continue;
        QJsonObject mount{{QStringLiteral("Target"), m.mountPath}, {QStringLiteral("ReadOnly"), m.readOnly}};
        if (v->kind == PlanVolume::Kind::EmptyDir && v->memory) {
            mount.insert(QStringLiteral("Type"), QStringLiteral("tmpfs"));
            if (v->sizeLimit > 0)
                mount.insert(QStringLiteral("TmpfsOptions"),
                             QJsonObject{{QStringLiteral("SizeBytes"), v->sizeLimit}});
        } else {
            mount.insert(QStringLiteral("Type"), QStringLiteral("volume"));
            mount.insert(QStringLiteral("Source"), ContainerSpec::volumeName(plan.runId, service, *v));
            // Never let Docker seed the volume from the image behind our back for data volumes.
            if (v->kind != PlanVolume::Kind::EmptyDir)
                mount.insert(QStringLiteral("VolumeOptions"), QJsonObject{{QStringLiteral("NoCopy"), true}});
        }
        out.append(mount);
    }
    return out;
}

} // namespace

QString ContainerSpec::runLabel(const QString &runId)
{
    return core::names::toDnsLabel(runId);
}

QString ContainerSpec::networkName(const QString &runId)
{
    return QStringLiteral("rr-") + runLabel(runId);
}

QString ContainerSpec::containerName(const QString &runId, const plan::ServicePlan &service, int replica)
{
    QString name = QStringLiteral("rr-%1-%2").arg(runLabel(runId), service.dnsName);
    if (service.replicas > 1)
        name += QLatin1Char('-') + QString::number(replica);
    return name;
}

QString ContainerSpec::volumeName(const QString &runId, const plan::ServicePlan &service,
                                  const plan::PlanVolume &volume)
{
    if (!volume.named.isEmpty()) // one volume for the run, whichever service mounts it
        return QStringLiteral("rr-%1-%2").arg(runLabel(runId), volume.objectName);
    return QStringLiteral("rr-%1-%2-%3").arg(runLabel(runId), service.dnsName, volume.name);
}

QJsonObject ContainerSpec::labels(const plan::RunPlan &plan, const plan::ServicePlan *service)
{
    QJsonObject out;
    for (auto it = plan.labels.cbegin(); it != plan.labels.cend(); ++it)
        out.insert(it.key(), it.value());
    out.insert(QLatin1String(ManagedByLabel), QStringLiteral("reporunner"));
    out.insert(QLatin1String(RunIdLabel), runLabel(plan.runId));
    if (service) {
        out.insert(QLatin1String(ServiceLabel), service->dnsName);
        out.insert(QLatin1String(ComposeNameLabel), service->name);
    }
    return out;
}

bool ContainerSpec::isCopiedMount(const plan::ServicePlan &service, const plan::PlanMount &mount)
{
    const PlanVolume *v = findVolume(service, mount.volume);
    return v && v->kind != PlanVolume::Kind::EmptyDir && !mount.subPath.isEmpty();
}

QJsonObject ContainerSpec::build(const plan::RunPlan &plan, const plan::ServicePlan &service, int replica,
                                 const QList<PortBinding> &ports, bool limitStorage)
{
    QJsonObject config;
    config.insert(QStringLiteral("Image"), service.image);
    if (service.command)
        config.insert(QStringLiteral("Entrypoint"), strings(*service.command));
    if (service.args)
        config.insert(QStringLiteral("Cmd"), strings(*service.args));
    QStringList env;
    for (auto it = service.env.cbegin(); it != service.env.cend(); ++it)
        env << it.key() + QLatin1Char('=') + it.value();
    config.insert(QStringLiteral("Env"), strings(env));
    if (!service.workingDir.isEmpty())
        config.insert(QStringLiteral("WorkingDir"), service.workingDir);
    if (!service.user.isEmpty())
        config.insert(QStringLiteral("User"), service.user);
    config.insert(QStringLiteral("Hostname"),
                  service.hostname.isEmpty() ? service.dnsName : service.hostname);
    config.insert(QStringLiteral("Tty"), service.tty);
    config.insert(QStringLiteral("OpenStdin"), service.stdinOpen);
    QJsonObject labels = ContainerSpec::labels(plan, &service);
    labels.insert(QLatin1String(ReplicaLabel), QString::number(replica));
    config.insert(QStringLiteral("Labels"), labels);
    if (service.readiness)
        config.insert(QStringLiteral("Healthcheck"), healthcheck(*service.readiness));

    QJsonObject exposed, bindings;
    for (const plan::PlanPort &p : service.ports)
        exposed.insert(portKey(p), QJsonObject());
    for (const PortBinding &b : ports)
        bindings.insert(portKey(b.port),
                        QJsonArray{QJsonObject{{QStringLiteral("HostIp"),
                                                b.hostIp.isEmpty() ? QStringLiteral("127.0.0.1") : b.hostIp},
                                               {QStringLiteral("HostPort"), QString::number(b.localPort)}}});
    config.insert(QStringLiteral("ExposedPorts"), exposed);

    // Docker has no LimitRange: the quota's defaults apply to services that set no limits.
    const plan::QuotaSettings &quota = plan.sandbox.quota;
    const qint64 memory =
        service.resources.memoryLimit > 0 ? service.resources.memoryLimit : quota.defaultMemory;
    const int cpuMilli =
        service.resources.cpuLimitMilli > 0 ? service.resources.cpuLimitMilli : quota.defaultCpuMilli;
    const qint64 pids = service.resources.pidsLimit > 0 ? service.resources.pidsLimit : quota.defaultPids;

    QJsonObject host;
    host.insert(QStringLiteral("NetworkMode"), networkName(plan.runId));
    host.insert(QStringLiteral("PortBindings"), bindings);
    host.insert(QStringLiteral("Memory"), memory);
    host.insert(QStringLiteral("MemorySwap"), memory); // no swap: a memory limit must mean OOM, not thrash
    host.insert(QStringLiteral("NanoCpus"), static_cast<qint64>(cpuMilli) * 1000000LL);
    host.insert(QStringLiteral("PidsLimit"), pids);
    host.insert(QStringLiteral("LogConfig"),
                QJsonObject{{QStringLiteral("Type"), QStringLiteral("json-file")},
                            {QStringLiteral("Config"),
                             QJsonObject{{QStringLiteral("max-size"), QLatin1String(LogFileSize)},
                                         {QStringLiteral("max-file"), QLatin1String(LogFiles)}}}});
    if (limitStorage)
        host.insert(QStringLiteral("StorageOpt"),
                    QJsonObject{{QStringLiteral("size"), QString::number(quota.ephemeralStorage)}});
    host.insert(QStringLiteral("SecurityOpt"), QJsonArray{QStringLiteral("no-new-privileges:true")});
    host.insert(QStringLiteral("CapDrop"), QJsonArray{QStringLiteral("ALL")});
    host.insert(QStringLiteral("CapAdd"), strings(service.capAdd));
    host.insert(QStringLiteral("ReadonlyRootfs"), service.readOnlyRootFilesystem);
    host.insert(QStringLiteral("RestartPolicy"), QJsonObject{{QStringLiteral("Name"), QStringLiteral("no")}});
    host.insert(QStringLiteral("Init"), false);
    QStringList extraHosts;
    for (const auto &h : service.extraHosts)
        extraHosts << h.first + QLatin1Char(':') + h.second;
    host.insert(QStringLiteral("ExtraHosts"), strings(extraHosts));
    QJsonObject sysctls;
    for (auto it = service.sysctls.cbegin(); it != service.sysctls.cend(); ++it)
        sysctls.insert(it.key(), it.value());
    if (!sysctls.isEmpty())
        host.insert(QStringLiteral("Sysctls"), sysctls);
    // Only ever set when the user allowed unsafe runs (the planner reports it).
    if (plan.sandbox.allowUnsafe) {
        host.insert(QStringLiteral("Privileged"), service.privileged);
        if (service.hostPid)
            host.insert(QStringLiteral("PidMode"), QStringLiteral("host"));
        if (service.hostIpc)
            host.insert(QStringLiteral("IpcMode"), QStringLiteral("host"));
        QJsonArray devices;
        for (const QString &d : service.devices) {
            const QStringList parts = d.split(QLatin1Char(':'));
            devices.append(
                QJsonObject{{QStringLiteral("PathOnHost"), parts.value(0)},
                            {QStringLiteral("PathInContainer"), parts.value(1, parts.value(0))},
                            {QStringLiteral("CgroupPermissions"), parts.value(2, QStringLiteral("rwm"))}});
        }
        if (!devices.isEmpty())
            host.insert(QStringLiteral("Devices"), devices);
    }
    host.insert(QStringLiteral("Mounts"), mounts(plan, service));
    config.insert(QStringLiteral("HostConfig"), host);

    // Every name a peer may use: compose name, DNS name and the plan's aliases.
    QStringList aliases{service.name, service.dnsName};
    for (const QString &a : service.aliases)
        if (!aliases.contains(a))
            aliases << a;
    aliases.removeDuplicates();
    config.insert(QStringLiteral("NetworkingConfig"),
                  QJsonObject{{QStringLiteral("EndpointsConfig"),
                               QJsonObject{{networkName(plan.runId),
                                            QJsonObject{{QStringLiteral("Aliases"), strings(aliases)}}}}}});
    return config;
}

} // namespace rr::dockerruntime
