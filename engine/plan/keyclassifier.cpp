#include "plan/keyclassifier.h"

#include <QHash>

namespace rr::plan {

namespace {

struct Fixed
{
    Status status;
    const char *reason;
};

const QHash<QString, Fixed> &fixedKeys()
{
    static const QHash<QString, Fixed> table = {
        {QStringLiteral("image"), {Status::Mapped, "container image"}},
        {QStringLiteral("build"), {Status::Mapped, "built locally"}},
        {QStringLiteral("command"), {Status::Mapped, "container args"}},
        {QStringLiteral("entrypoint"), {Status::Mapped, "container command"}},
        {QStringLiteral("environment"), {Status::Mapped, "container environment"}},
        {QStringLiteral("env_file"), {Status::Mapped, "merged into the container environment"}},
        {QStringLiteral("ports"), {Status::Mapped, "no ports"}},
        {QStringLiteral("expose"), {Status::Mapped, "Service ports"}},
        {QStringLiteral("volumes"), {Status::Mapped, "no volumes"}},
        {QStringLiteral("tmpfs"), {Status::Mapped, "memory-backed emptyDir"}},
        {QStringLiteral("healthcheck"), {Status::Mapped, "no test: the image's own health check, if any"}},
        {QStringLiteral("depends_on"), {Status::Mapped, "deployment order"}},
        {QStringLiteral("restart"), {Status::Mapped, "restart policy"}},
        {QStringLiteral("deploy"), {Status::Mapped, "replicas and resources"}},
        {QStringLiteral("scale"), {Status::Mapped, "replicas"}},
        {QStringLiteral("cpus"), {Status::Mapped, "container CPU limit"}},
        {QStringLiteral("mem_limit"), {Status::Mapped, "container memory limit"}},
        {QStringLiteral("mem_reservation"), {Status::Mapped, "container memory request"}},
        {QStringLiteral("working_dir"), {Status::Mapped, "container workingDir"}},
        {QStringLiteral("user"), {Status::Mapped, "container user"}},
        {QStringLiteral("tty"), {Status::Mapped, "container tty"}},
        {QStringLiteral("stdin_open"), {Status::Mapped, "container stdin"}},
        {QStringLiteral("read_only"), {Status::Mapped, "readOnlyRootFilesystem"}},
        {QStringLiteral("profiles"), {Status::Mapped, "applied when the project was loaded"}},
        {QStringLiteral("extends"), {Status::Mapped, "applied when the project was loaded"}},
        {QStringLiteral("secrets"), {Status::Mapped, "Secrets"}},
        {QStringLiteral("configs"), {Status::Mapped, "ConfigMaps"}},
        {QStringLiteral("cap_add"), {Status::Mapped, "capabilities"}},
        {QStringLiteral("cap_drop"), {Status::Mapped, "every capability is dropped"}},
        {QStringLiteral("privileged"), {Status::Mapped, "false"}},
        {QStringLiteral("network_mode"), {Status::Mapped, "the run's own network"}},
        {QStringLiteral("pid"), {Status::Mapped, "own namespace"}},
        {QStringLiteral("ipc"), {Status::Mapped, "own namespace"}},
        {QStringLiteral("userns_mode"), {Status::Mapped, "own namespace"}},
        {QStringLiteral("extra_hosts"), {Status::Mapped, "pod hostAliases"}},
        {QStringLiteral("hostname"), {Status::Mapped, "pod hostname"}},
        {QStringLiteral("sysctls"), {Status::Mapped, "pod sysctls"}},
        {QStringLiteral("devices"), {Status::Mapped, "none"}},
        {QStringLiteral("container_name"),
         {Status::Adapted, "the runtime names containers itself; the name still resolves as an alias"}},
        {QStringLiteral("networks"),
         {Status::Adapted, "one network per run; every service reaches every other by name and alias"}},
        {QStringLiteral("links"), {Status::Adapted, "services reach each other by name without links"}},
        {QStringLiteral("pull_policy"), {Status::Adapted, "IfNotPresent: built images have unique tags"}},
        {QStringLiteral("stop_grace_period"), {Status::Adapted, "the sandbox stops containers after 5 s"}},
        {QStringLiteral("pids_limit"),
         {Status::Adapted, "applied by the Docker runtime; Kubernetes limits pids per node"}},
        {QStringLiteral("platform"), {Status::Dropped, "images run on the node's own platform"}},
        {QStringLiteral("stop_signal"), {Status::Dropped, "Kubernetes always sends SIGTERM"}},
        {QStringLiteral("init"), {Status::Dropped, "no init process is injected"}},
        {QStringLiteral("labels"), {Status::Dropped, "container labels are not used by the sandbox"}},
        {QStringLiteral("annotations"),
         {Status::Dropped, "container annotations are not used by the sandbox"}},
        {QStringLiteral("logging"), {Status::Dropped, "logs are collected by RepoRunner"}},
        {QStringLiteral("dns"), {Status::Dropped, "cluster DNS is needed to resolve the services"}},
        {QStringLiteral("dns_search"), {Status::Dropped, "cluster DNS is needed to resolve the services"}},
        {QStringLiteral("dns_opt"), {Status::Dropped, "cluster DNS is needed to resolve the services"}},
        {QStringLiteral("domainname"), {Status::Dropped, "pods keep the cluster domain"}},
        {QStringLiteral("external_links"), {Status::Dropped, "nothing outside the run is reachable"}},
        {QStringLiteral("security_opt"), {Status::Dropped, "the sandbox's own security settings apply"}},
        {QStringLiteral("ulimits"), {Status::Dropped, "ulimits cannot be set on Kubernetes pods"}},
        {QStringLiteral("shm_size"), {Status::Dropped, "the default /dev/shm applies"}},
        {QStringLiteral("cpu_shares"), {Status::Dropped, "CPU weights come from requests"}},
        {QStringLiteral("develop"), {Status::Dropped, "watch mode is not supported"}},
        {QStringLiteral("mac_address"), {Status::Dropped, "addresses are assigned by the runtime"}},
        {QStringLiteral("cgroup_parent"), {Status::Dropped, "cgroups are managed by the runtime"}},
        {QStringLiteral("oom_score_adj"), {Status::Dropped, "not settable in a pod"}},
    };
    return table;
}

} // namespace

QStringList KeyClassifier::knownKeys()
{
    QStringList keys = fixedKeys().keys();
    keys.sort();
    return keys;
}

void KeyClassifier::completeReport(const project::Service &svc, PlanContext &ctx)
{
    for (auto it = svc.keys.cbegin(); it != svc.keys.cend(); ++it) {
        const QString &key = it.key();
        if (ctx.report().covers(svc.name, key))
            continue;
        // A nested key ("deploy.resources") follows what happened to its top-level key.
        const QString top = key.section(QLatin1Char('.'), 0, 0);
        if (top != key && ctx.report().covers(svc.name, top)) {
            const ReportEntry first = ctx.report().find(svc.name, top).first();
            ctx.report().add(svc.name, key, first.status,
                             QStringLiteral("part of %1: %2").arg(top, first.reason), it.value());
            continue;
        }
        const auto fixed = fixedKeys().constFind(top);
        if (fixed != fixedKeys().cend())
            ctx.report().add(svc.name, key, fixed->status, QString::fromLatin1(fixed->reason), it.value());
        else
            ctx.report().add(svc.name, key, Status::Dropped,
                             QStringLiteral("not supported by RepoRunner; ignored"), it.value());
    }
}

} // namespace rr::plan
