#include "kuberender/kubeworkloads.h"

#include "core/names.h"
#include "kuberender/kubejson.h"
#include "kuberender/kubestorage.h"

namespace rr::kuberender {

using plan::AddressAlias;
using plan::KeyToPath;
using plan::PlanMount;
using plan::PlanPort;
using plan::PlanProbe;
using plan::PlanVolume;
using plan::RunPlan;
using plan::ServicePlan;

namespace {

QJsonObject probe(const PlanProbe &p)
{
    QJsonObject o{
        {QStringLiteral("exec"), QJsonObject{{QStringLiteral("command"), KubeJson::strings(p.exec)}}},
        {QStringLiteral("periodSeconds"), p.periodSeconds},
        {QStringLiteral("timeoutSeconds"), p.timeoutSeconds},
        {QStringLiteral("failureThreshold"), p.failureThreshold}};
    if (p.initialDelaySeconds > 0)
        o.insert(QStringLiteral("initialDelaySeconds"), p.initialDelaySeconds);
    return o;
}

QJsonArray servicePorts(const ServicePlan &s)
{
    QJsonArray ports;
    for (const PlanPort &p : s.ports)
        ports.append(QJsonObject{{QStringLiteral("name"), p.name},
                                 {QStringLiteral("port"), p.containerPort},
                                 {QStringLiteral("targetPort"), p.containerPort},
                                 {QStringLiteral("protocol"), p.protocol}});
    return ports;
}

QJsonObject serviceObject(const RunPlan &plan, const ServicePlan &s, const QString &name,
                          const QMap<QString, QString> &labels)
{
    QJsonObject o =
        KubeJson::object(QStringLiteral("v1"), QStringLiteral("Service"), name, plan.namespaceName, labels);
    QJsonObject spec{{QStringLiteral("selector"), KubeJson::selector(plan, s)}};
    if (s.ports.isEmpty()) {
        // Headless: the name still resolves (to the pod IPs), whatever port is dialled.
        spec.insert(QStringLiteral("clusterIP"), QStringLiteral("None"));
    } else {
        spec.insert(QStringLiteral("type"), QStringLiteral("ClusterIP"));
        spec.insert(QStringLiteral("ports"), servicePorts(s));
    }
    o.insert(QStringLiteral("spec"), spec);
    return o;
}

// Aliases whose target Service has a known address: hostname -> ip.
QList<QPair<QString, QString>> resolvedAliases(const RunPlan &plan)
{
    QList<QPair<QString, QString>> out;
    for (const AddressAlias &a : plan.addressAliases)
        if (plan.serviceAddresses.contains(a.service))
            out.append({a.hostname, plan.serviceAddresses.value(a.service)});
    return out;
}

bool needsHostsFile(const RunPlan &plan)
{
    for (const auto &a : resolvedAliases(plan))
        if (!core::names::isDns1123Subdomain(a.first))
            return true;
    return false;
}

QString hostsConfigMapName(const ServicePlan &s)
{
    return s.extraHosts.isEmpty() ? QStringLiteral("rr-hosts") : s.dnsName + QStringLiteral("-hosts");
}

} // namespace

QList<QJsonObject> KubeWorkloads::services(const RunPlan &plan)
{
    QList<QJsonObject> out;
    for (const ServicePlan &s : plan.services)
        out.append(serviceObject(plan, s, s.dnsName, plan.serviceLabels(s)));
    for (const AddressAlias &a : plan.aliasServices) {
        const ServicePlan *s = plan.service(a.service);
        if (!s)
            continue;
        QMap<QString, QString> labels = plan.labels;
        labels.insert(QStringLiteral("reporunner.dev/alias-for"), s->dnsName);
        out.append(serviceObject(plan, *s, a.hostname, labels));
    }
    return out;
}

QList<QJsonObject> KubeWorkloads::hostsConfigMaps(const RunPlan &plan)
{
    QList<QJsonObject> out;
    if (!needsHostsFile(plan))
        return out;
    // The kubelet does not manage /etc/hosts in a container that mounts its own, so this
    // file must carry the usual localhost lines too. The pod's own hostname is not in it.
    QString common = QStringLiteral("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    QMap<QString, QStringList> byIp;
    for (const auto &a : resolvedAliases(plan))
        byIp[a.second] << a.first;
    for (auto it = byIp.cbegin(); it != byIp.cend(); ++it)
        common += it.key() + QLatin1Char('\t') + it.value().join(QLatin1Char(' ')) + QLatin1Char('\n');
    QSet<QString> made;
    for (const ServicePlan &s : plan.services) {
        const QString name = hostsConfigMapName(s);
        if (made.contains(name))
            continue;
        made.insert(name);
        QString content = common;
        for (const auto &h : s.extraHosts)
            content += h.second + QLatin1Char('\t') + h.first + QLatin1Char('\n');
        QJsonObject cm = KubeJson::object(QStringLiteral("v1"), QStringLiteral("ConfigMap"), name,
                                          plan.namespaceName, plan.labels);
        cm.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("hosts"), content}});
        out.append(cm);
    }
    return out;
}

QJsonObject KubeWorkloads::workload(const RunPlan &plan, const ServicePlan &service)
{
    const QMap<QString, QString> labels = plan.serviceLabels(service);
    if (service.oneShot) {
        QJsonObject job = KubeJson::object(QStringLiteral("batch/v1"), QStringLiteral("Job"), service.dnsName,
                                           plan.namespaceName, labels);
        job.insert(QStringLiteral("spec"),
                   QJsonObject{{QStringLiteral("backoffLimit"), 0},
                               {QStringLiteral("template"), podTemplate(plan, service)}});
        return job;
    }
    QJsonObject d = KubeJson::object(QStringLiteral("apps/v1"), QStringLiteral("Deployment"), service.dnsName,
                                     plan.namespaceName, labels);
    d.insert(QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("replicas"), service.replicas},
                         {QStringLiteral("selector"),
                          QJsonObject{{QStringLiteral("matchLabels"), KubeJson::selector(plan, service)}}},
                         // Recreate: a rolling update would need quota for both generations.
                         {QStringLiteral("strategy"),
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("Recreate")}}},
                         {QStringLiteral("progressDeadlineSeconds"), 120},
                         {QStringLiteral("template"), podTemplate(plan, service)}});
    return d;
}

QJsonObject KubeWorkloads::podTemplate(const RunPlan &plan, const ServicePlan &s)
{
    QJsonObject podSecurity{{QStringLiteral("seccompProfile"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("RuntimeDefault")}}}};
    if (!s.sysctls.isEmpty()) {
        QJsonArray sysctls;
        for (auto it = s.sysctls.cbegin(); it != s.sysctls.cend(); ++it)
            sysctls.append(
                QJsonObject{{QStringLiteral("name"), it.key()}, {QStringLiteral("value"), it.value()}});
        podSecurity.insert(QStringLiteral("sysctls"), sysctls);
    }
    QJsonObject spec{
        {QStringLiteral("serviceAccountName"), plan.sandbox.serviceAccount},
        {QStringLiteral("automountServiceAccountToken"), false},
        {QStringLiteral("enableServiceLinks"), false},
        {QStringLiteral("terminationGracePeriodSeconds"), plan.sandbox.terminationGracePeriodSeconds},
        {QStringLiteral("restartPolicy"), s.oneShot ? QStringLiteral("Never") : QStringLiteral("Always")},
        {QStringLiteral("securityContext"), podSecurity},
        {QStringLiteral("containers"), QJsonArray{container(plan, s)}},
    };
    if (!s.hostname.isEmpty())
        spec.insert(QStringLiteral("hostname"), s.hostname);
    if (s.hostNetwork)
        spec.insert(QStringLiteral("hostNetwork"), true);
    if (s.hostPid)
        spec.insert(QStringLiteral("hostPID"), true);
    if (s.hostIpc)
        spec.insert(QStringLiteral("hostIPC"), true);

    QJsonArray volumes = KubeWorkloads::volumes(plan, s);
    if (needsHostsFile(plan)) {
        volumes.append(QJsonObject{
            {QStringLiteral("name"), QStringLiteral("rr-hosts")},
            {QStringLiteral("configMap"), QJsonObject{{QStringLiteral("name"), hostsConfigMapName(s)}}}});
    } else {
        QMap<QString, QStringList> byIp;
        for (const auto &a : resolvedAliases(plan))
            byIp[a.second] << a.first;
        for (const auto &h : s.extraHosts)
            byIp[h.second] << h.first;
        QJsonArray hostAliases;
        for (auto it = byIp.cbegin(); it != byIp.cend(); ++it)
            hostAliases.append(QJsonObject{{QStringLiteral("ip"), it.key()},
                                           {QStringLiteral("hostnames"), KubeJson::strings(it.value())}});
        if (!hostAliases.isEmpty())
            spec.insert(QStringLiteral("hostAliases"), hostAliases);
    }
    if (!volumes.isEmpty())
        spec.insert(QStringLiteral("volumes"), volumes);

    return QJsonObject{{QStringLiteral("metadata"),
                        QJsonObject{{QStringLiteral("labels"), KubeJson::map(plan.serviceLabels(s))}}},
                       {QStringLiteral("spec"), spec}};
}

QJsonObject KubeWorkloads::container(const RunPlan &plan, const ServicePlan &s)
{
    QJsonObject c{{QStringLiteral("name"), s.dnsName},
                  {QStringLiteral("image"), s.image},
                  {QStringLiteral("imagePullPolicy"), QStringLiteral("IfNotPresent")}};
    if (s.command)
        c.insert(QStringLiteral("command"), KubeJson::literals(*s.command));
    if (s.args)
        c.insert(QStringLiteral("args"), KubeJson::literals(*s.args));
    if (!s.workingDir.isEmpty())
        c.insert(QStringLiteral("workingDir"), s.workingDir);
    if (!s.env.isEmpty()) {
        QJsonArray env;
        for (auto it = s.env.cbegin(); it != s.env.cend(); ++it)
            env.append(QJsonObject{{QStringLiteral("name"), it.key()},
                                   {QStringLiteral("value"), KubeJson::literal(it.value())}});
        c.insert(QStringLiteral("env"), env);
    }
    if (!s.ports.isEmpty()) {
        QJsonArray ports;
        for (const PlanPort &p : s.ports)
            ports.append(QJsonObject{{QStringLiteral("name"), p.name},
                                     {QStringLiteral("containerPort"), p.containerPort},
                                     {QStringLiteral("protocol"), p.protocol}});
        c.insert(QStringLiteral("ports"), ports);
    }
    QJsonObject limits, requests;
    if (s.resources.cpuLimitMilli > 0)
        limits.insert(QStringLiteral("cpu"), KubeJson::cpu(s.resources.cpuLimitMilli));
    if (s.resources.memoryLimit > 0)
        limits.insert(QStringLiteral("memory"), KubeJson::memory(s.resources.memoryLimit));
    if (s.resources.cpuRequestMilli > 0)
        requests.insert(QStringLiteral("cpu"), KubeJson::cpu(s.resources.cpuRequestMilli));
    if (s.resources.memoryRequest > 0)
        requests.insert(QStringLiteral("memory"), KubeJson::memory(s.resources.memoryRequest));
    QJsonObject resources;
    if (!limits.isEmpty())
        resources.insert(QStringLiteral("limits"), limits);
    if (!requests.isEmpty())
        resources.insert(QStringLiteral("requests"), requests);
    if (!resources.isEmpty())
        c.insert(QStringLiteral("resources"), resources);

    QJsonArray mounts;
    for (const PlanMount &m : s.mounts) {
        QJsonObject o{{QStringLiteral("name"), m.volume}, {QStringLiteral("mountPath"), m.mountPath}};
        if (!m.subPath.isEmpty())
            o.insert(QStringLiteral("subPath"), m.subPath);
        if (m.readOnly)
            o.insert(QStringLiteral("readOnly"), true);
        mounts.append(o);
    }
    if (needsHostsFile(plan))
        mounts.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("rr-hosts")},
                                  {QStringLiteral("mountPath"), QStringLiteral("/etc/hosts")},
                                  {QStringLiteral("subPath"), QStringLiteral("hosts")},
                                  {QStringLiteral("readOnly"), true}});
    if (!mounts.isEmpty())
        c.insert(QStringLiteral("volumeMounts"), mounts);
    if (s.readiness)
        c.insert(QStringLiteral("readinessProbe"), probe(*s.readiness));
    if (s.liveness)
        c.insert(QStringLiteral("livenessProbe"), probe(*s.liveness));

    QJsonObject security{
        {QStringLiteral("capabilities"),
         QJsonObject{{QStringLiteral("drop"), QJsonArray{QStringLiteral("ALL")}},
                     {QStringLiteral("add"), KubeJson::strings(s.capAdd)}}},
        {QStringLiteral("seccompProfile"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("RuntimeDefault")}}},
    };
    // The API rejects privileged together with allowPrivilegeEscalation: false.
    if (s.privileged)
        security.insert(QStringLiteral("privileged"), true);
    else
        security.insert(QStringLiteral("allowPrivilegeEscalation"), false);
    if (s.readOnlyRootFilesystem)
        security.insert(QStringLiteral("readOnlyRootFilesystem"), true);
    if (s.runAsUser)
        security.insert(QStringLiteral("runAsUser"), *s.runAsUser);
    if (s.runAsGroup)
        security.insert(QStringLiteral("runAsGroup"), *s.runAsGroup);
    c.insert(QStringLiteral("securityContext"), security);
    if (s.tty)
        c.insert(QStringLiteral("tty"), true);
    if (s.stdinOpen)
        c.insert(QStringLiteral("stdin"), true);
    return c;
}

QJsonArray KubeWorkloads::volumes(const RunPlan &plan, const ServicePlan &s)
{
    QJsonArray out;
    for (const PlanVolume &v : s.volumes) {
        QJsonObject o{{QStringLiteral("name"), v.name}};
        QJsonArray items;
        for (const KeyToPath &k : v.items) {
            QJsonObject item{{QStringLiteral("key"), k.key}, {QStringLiteral("path"), k.path}};
            if (k.mode >= 0)
                item.insert(QStringLiteral("mode"), k.mode);
            items.append(item);
        }
        if (KubeStorage::isClaim(plan, v)) {
            o.insert(QStringLiteral("persistentVolumeClaim"),
                     QJsonObject{{QStringLiteral("claimName"), v.objectName}});
            out.append(o);
            continue;
        }
        switch (v.kind) {
        case PlanVolume::Kind::EmptyDir: {
            QJsonObject e;
            if (v.memory)
                e.insert(QStringLiteral("medium"), QStringLiteral("Memory"));
            if (v.sizeLimit > 0)
                e.insert(QStringLiteral("sizeLimit"), KubeJson::memory(v.sizeLimit));
            o.insert(QStringLiteral("emptyDir"), e);
            break;
        }
        case PlanVolume::Kind::ConfigMap: {
            QJsonObject cm{{QStringLiteral("name"), v.objectName}};
            if (!items.isEmpty())
                cm.insert(QStringLiteral("items"), items);
            o.insert(QStringLiteral("configMap"), cm);
            break;
        }
        case PlanVolume::Kind::Secret: {
            QJsonObject sec{{QStringLiteral("secretName"), v.objectName}};
            if (!items.isEmpty())
                sec.insert(QStringLiteral("items"), items);
            o.insert(QStringLiteral("secret"), sec);
            break;
        }
        }
        out.append(o);
    }
    return out;
}

} // namespace rr::kuberender
