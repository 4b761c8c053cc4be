#include "registry.h"

#include "jsonutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

namespace rr::test::kubeapi {

namespace {
const QString kLabelMsg = QStringLiteral(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
const QString k1035Msg = QStringLiteral(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
const QString kSubdomainMsg = QStringLiteral(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");

QString quoted(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

StatusCause invalidValue(const QString &field, const QString &value, const QString &detail)
{
    return {QStringLiteral("FieldValueInvalid"),
            QStringLiteral("Invalid value: %1: %2").arg(quoted(value), detail), field};
}

StatusCause required(const QString &field, const QString &detail = {})
{
    return {QStringLiteral("FieldValueRequired"),
            detail.isEmpty() ? QStringLiteral("Required value") : QStringLiteral("Required value: ") + detail,
            field};
}

QList<StatusCause> checkName(const QString &field, const QString &name, int style /*0 label,1 1035,2 sub*/)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    static const QRegularExpression l1035(QStringLiteral("^[a-z]([-a-z0-9]*[a-z0-9])?$"));
    static const QRegularExpression sub(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    QList<StatusCause> out;
    const int max = style == 2 ? 253 : 63;
    if (name.size() > max)
        out << invalidValue(field, name, QStringLiteral("must be no more than %1 characters").arg(max));
    const QRegularExpression &re = style == 0 ? label : style == 1 ? l1035 : sub;
    if (!re.match(name).hasMatch())
        out << invalidValue(field, name, style == 0 ? kLabelMsg : style == 1 ? k1035Msg : kSubdomainMsg);
    return out;
}

QJsonObject podSpecOf(const ResourceType &type, const QJsonObject &o)
{
    if (type.kind == QLatin1String("Pod"))
        return o.value(QStringLiteral("spec")).toObject();
    return valueAt(o, {QStringLiteral("spec"), QStringLiteral("template"), QStringLiteral("spec")})
        .toObject();
}

bool selectorMatches(const QJsonObject &selector, const QJsonObject &labels)
{
    const QJsonObject ml = selector.value(QStringLiteral("matchLabels")).toObject();
    for (auto it = ml.begin(); it != ml.end(); ++it) {
        if (labels.value(it.key()) != it.value())
            return false;
    }
    return true;
}

void defaultContainers(QJsonArray *containers)
{
    for (qsizetype i = 0; i < containers->size(); ++i) {
        QJsonObject c = containers->at(i).toObject();
        if (!c.contains(QStringLiteral("imagePullPolicy"))) {
            const QString image = c.value(QStringLiteral("image")).toString();
            const QString last = image.section(QLatin1Char('/'), -1);
            const bool latest = !last.contains(QLatin1Char(':')) || last.endsWith(QLatin1String(":latest"));
            c.insert(QStringLiteral("imagePullPolicy"),
                     latest ? QStringLiteral("Always") : QStringLiteral("IfNotPresent"));
        }
        if (!c.contains(QStringLiteral("terminationMessagePath")))
            c.insert(QStringLiteral("terminationMessagePath"), QStringLiteral("/dev/termination-log"));
        QJsonArray ports = c.value(QStringLiteral("ports")).toArray();
        for (qsizetype p = 0; p < ports.size(); ++p) {
            QJsonObject po = ports.at(p).toObject();
            if (!po.contains(QStringLiteral("protocol")))
                po.insert(QStringLiteral("protocol"), QStringLiteral("TCP"));
            ports[p] = po;
        }
        if (!ports.isEmpty())
            c.insert(QStringLiteral("ports"), ports);
        (*containers)[i] = c;
    }
}

void defaultPodSpec(QJsonObject *spec)
{
    QJsonArray containers = spec->value(QStringLiteral("containers")).toArray();
    defaultContainers(&containers);
    spec->insert(QStringLiteral("containers"), containers);
    const auto setDefault = [spec](const char *k, const QJsonValue &v) {
        if (!spec->contains(QString::fromLatin1(k)))
            spec->insert(QString::fromLatin1(k), v);
    };
    setDefault("restartPolicy", QStringLiteral("Always"));
    setDefault("terminationGracePeriodSeconds", 30);
    setDefault("dnsPolicy", QStringLiteral("ClusterFirst"));
    setDefault("schedulerName", QStringLiteral("default-scheduler"));
    setDefault("securityContext", QJsonObject());
}
} // namespace

const ResourceType &Registry::type(const char *plural)
{
    for (const ResourceType &t : ResourceType::all()) {
        if (t.plural == QLatin1String(plural))
            return t;
    }
    qFatal("unknown resource %s", plural);
}

Registry::Registry(ObjectStore *store, const Schema *schema, ServerConfig *config, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_schema(schema)
    , m_config(config)
{}

std::optional<ApiStatus> Registry::decode(const ResourceType &type, QJsonObject *body,
                                          const QString &validation, QStringList *warnings) const
{
    const QString prefix =
        QStringLiteral("%1 in version \"%2\" cannot be handled as a %1: ").arg(type.kind, type.version);
    const bool strict = validation == QLatin1String("Strict");
    const Schema::Result r = m_schema->check(type.model, body, !strict);
    if (!r.typeError.isEmpty())
        return ApiStatus::badRequest(prefix + r.typeError);
    if (r.unknownFields.isEmpty())
        return std::nullopt;
    QStringList parts;
    for (const QString &f : r.unknownFields)
        parts << QStringLiteral("unknown field \"%1\"").arg(f);
    if (strict)
        return ApiStatus::badRequest(prefix + QStringLiteral("strict decoding error: ") +
                                     parts.join(QStringLiteral(", ")));
    if (validation != QLatin1String("Ignore"))
        *warnings << parts;
    return std::nullopt;
}

std::optional<ApiStatus> Registry::checkNamespace(const ResourceType &type, const QString &ns,
                                                  const QString &name) const
{
    if (!type.namespaced)
        return std::nullopt;
    const auto nsObj = m_store->get(Registry::type("namespaces"), QString(), ns);
    if (!nsObj)
        return ApiStatus::notFound(Registry::type("namespaces"), ns);
    if (meta(*nsObj).contains(QStringLiteral("deletionTimestamp"))) {
        return ApiStatus::forbidden(
            type, name,
            QStringLiteral("unable to create new content in namespace %1 because it is being terminated")
                .arg(ns),
            {{QStringLiteral("NamespaceTerminating"),
              QStringLiteral("namespace %1 is being terminated").arg(ns),
              QStringLiteral("metadata.namespace")}});
    }
    return std::nullopt;
}

QList<StatusCause> Registry::validate(const ResourceType &type, const QJsonObject &o) const
{
    QList<StatusCause> causes;
    const QString name = metaString(o, "name");
    if (name.isEmpty())
        causes << required(QStringLiteral("metadata.name"),
                           QStringLiteral("name or generateName is required"));
    else if (type.kind == QLatin1String("Service"))
        causes << checkName(QStringLiteral("metadata.name"), name, 1);
    else if (type.kind == QLatin1String("Namespace"))
        causes << checkName(QStringLiteral("metadata.name"), name, 0);
    else
        causes << checkName(QStringLiteral("metadata.name"), name, 2);
    const bool hasPodSpec = type.kind == QLatin1String("Pod") || type.kind == QLatin1String("Deployment") ||
                            type.kind == QLatin1String("ReplicaSet") || type.kind == QLatin1String("Job");
    if (hasPodSpec) {
        const QString base =
            type.kind == QLatin1String("Pod") ? QStringLiteral("spec") : QStringLiteral("spec.template.spec");
        const QJsonArray containers = podSpecOf(type, o).value(QStringLiteral("containers")).toArray();
        if (containers.isEmpty())
            causes << required(base + QStringLiteral(".containers"));
        for (qsizetype i = 0; i < containers.size(); ++i) {
            const QJsonObject c = containers.at(i).toObject();
            const QString field = base + QStringLiteral(".containers[%1]").arg(i);
            const QString cname = c.value(QStringLiteral("name")).toString();
            if (cname.isEmpty())
                causes << required(field + QStringLiteral(".name"));
            else
                causes << checkName(field + QStringLiteral(".name"), cname, 0);
            if (c.value(QStringLiteral("image")).toString().isEmpty())
                causes << required(field + QStringLiteral(".image"));
        }
    }
    if (type.kind == QLatin1String("Deployment") || type.kind == QLatin1String("ReplicaSet")) {
        const QJsonObject selector =
            valueAt(o, {QStringLiteral("spec"), QStringLiteral("selector")}).toObject();
        const QJsonObject labels = valueAt(o, {QStringLiteral("spec"), QStringLiteral("template"),
                                               QStringLiteral("metadata"), QStringLiteral("labels")})
                                       .toObject();
        if (selector.isEmpty())
            causes << required(QStringLiteral("spec.selector"));
        else if (!selectorMatches(selector, labels))
            causes << StatusCause{
                QStringLiteral("FieldValueInvalid"),
                QStringLiteral("Invalid value: %1: `selector` does not match template `labels`")
                    .arg(QString::fromUtf8(QJsonDocument(labels).toJson(QJsonDocument::Compact))),
                QStringLiteral("spec.template.metadata.labels")};
    }
    if (type.kind == QLatin1String("Job")) {
        const QString rp = valueAt(o, {QStringLiteral("spec"), QStringLiteral("template"),
                                       QStringLiteral("spec"), QStringLiteral("restartPolicy")})
                               .toString();
        if (rp != QLatin1String("Never") && rp != QLatin1String("OnFailure"))
            causes << StatusCause{
                QStringLiteral("FieldValueNotSupported"),
                QStringLiteral("Unsupported value: %1: supported values: \"OnFailure\", \"Never\"")
                    .arg(quoted(rp)),
                QStringLiteral("spec.template.spec.restartPolicy")};
    }
    if (type.kind == QLatin1String("Service")) {
        const QJsonArray ports = valueAt(o, {QStringLiteral("spec"), QStringLiteral("ports")}).toArray();
        const QString stype = valueAt(o, {QStringLiteral("spec"), QStringLiteral("type")}).toString();
        if (ports.isEmpty() && stype != QLatin1String("ExternalName") &&
            valueAt(o, {QStringLiteral("spec"), QStringLiteral("clusterIP")}).toString() !=
                QLatin1String("None"))
            causes << required(QStringLiteral("spec.ports"));
    }
    return causes;
}

std::optional<ApiStatus> Registry::admitPod(const QString &ns, const QJsonObject &pod) const
{
    const auto nsObj = m_store->get(Registry::type("namespaces"), QString(), ns);
    if (!nsObj)
        return std::nullopt;
    const QString level = meta(*nsObj)
                              .value(QStringLiteral("labels"))
                              .toObject()
                              .value(QStringLiteral("pod-security.kubernetes.io/enforce"))
                              .toString();
    if (level != QLatin1String("baseline") && level != QLatin1String("restricted"))
        return std::nullopt;
    const QJsonObject spec = pod.value(QStringLiteral("spec")).toObject();
    const QJsonObject podSc = spec.value(QStringLiteral("securityContext")).toObject();
    QMap<QString, QStringList> offenders; // check -> containers
    QStringList order;
    auto flag = [&](const QString &check, const QString &container) {
        if (!order.contains(check))
            order << check;
        offenders[check] << container;
    };
    for (const char *hostNs : {"hostNetwork", "hostPID", "hostIPC"}) {
        if (spec.value(QString::fromLatin1(hostNs)).toBool())
            flag(QStringLiteral("host namespaces"), QString::fromLatin1(hostNs));
    }
    const QJsonArray volumes = spec.value(QStringLiteral("volumes")).toArray();
    for (const QJsonValue &v : volumes) {
        if (v.toObject().contains(QStringLiteral("hostPath")))
            flag(QStringLiteral("hostPath volumes"), v.toObject().value(QStringLiteral("name")).toString());
    }
    static const QStringList baselineCaps{QStringLiteral("AUDIT_WRITE"),  QStringLiteral("CHOWN"),
                                          QStringLiteral("DAC_OVERRIDE"), QStringLiteral("FOWNER"),
                                          QStringLiteral("FSETID"),       QStringLiteral("KILL"),
                                          QStringLiteral("MKNOD"),        QStringLiteral("NET_BIND_SERVICE"),
                                          QStringLiteral("SETFCAP"),      QStringLiteral("SETGID"),
                                          QStringLiteral("SETPCAP"),      QStringLiteral("SETUID"),
                                          QStringLiteral("SYS_CHROOT")};
    const bool restricted = level == QLatin1String("restricted");
    const QJsonArray containers = spec.value(QStringLiteral("containers")).toArray();
    for (const QJsonValue &cv : containers) {
        const QJsonObject c = cv.toObject();
        const QString cname = c.value(QStringLiteral("name")).toString();
        const QJsonObject sc = c.value(QStringLiteral("securityContext")).toObject();
        if (sc.value(QStringLiteral("privileged")).toBool())
            flag(QStringLiteral("privileged"), cname);
        const QJsonObject caps = sc.value(QStringLiteral("capabilities")).toObject();
        for (const QJsonValue &add : caps.value(QStringLiteral("add")).toArray()) {
            if (!baselineCaps.contains(add.toString()) ||
                (restricted && add.toString() != QLatin1String("NET_BIND_SERVICE")))
                flag(QStringLiteral("non-default capabilities"), cname);
        }
        for (const QJsonValue &p : c.value(QStringLiteral("ports")).toArray()) {
            if (p.toObject().value(QStringLiteral("hostPort")).toInt() != 0)
                flag(QStringLiteral("hostPort"), cname);
        }
        if (!restricted)
            continue;
        if (sc.value(QStringLiteral("allowPrivilegeEscalation")) != QJsonValue(false))
            flag(QStringLiteral("allowPrivilegeEscalation != false"), cname);
        if (!caps.value(QStringLiteral("drop")).toArray().contains(QJsonValue(QStringLiteral("ALL"))))
            flag(QStringLiteral("unrestricted capabilities"), cname);
        if (!sc.value(QStringLiteral("runAsNonRoot"))
                 .toBool(podSc.value(QStringLiteral("runAsNonRoot")).toBool()))
            flag(QStringLiteral("runAsNonRoot != true"), cname);
        const QString seccomp = sc.value(QStringLiteral("seccompProfile"))
                                    .toObject()
                                    .value(QStringLiteral("type"))
                                    .toString(podSc.value(QStringLiteral("seccompProfile"))
                                                  .toObject()
                                                  .value(QStringLiteral("type"))
                                                  .toString());
        if (seccomp != QLatin1String("RuntimeDefault") && seccomp != QLatin1String("Localhost"))
            flag(QStringLiteral("seccompProfile"), cname);
    }
    if (order.isEmpty())
        return std::nullopt;
    static const QHash<QString, QString> hints{
        {QStringLiteral("allowPrivilegeEscalation != false"),
         QStringLiteral("must set securityContext.allowPrivilegeEscalation=false")},
        {QStringLiteral("unrestricted capabilities"),
         QStringLiteral("must set securityContext.capabilities.drop=[\"ALL\"]")},
        {QStringLiteral("runAsNonRoot != true"),
         QStringLiteral("must set securityContext.runAsNonRoot=true")},
        {QStringLiteral("seccompProfile"),
         QStringLiteral(
             "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"")},
        {QStringLiteral("privileged"), QStringLiteral("must not set securityContext.privileged=true")},
        {QStringLiteral("non-default capabilities"),
         QStringLiteral("must not include non-default capabilities in securityContext.capabilities.add")},
        {QStringLiteral("hostPort"), QStringLiteral("must not use hostPort")},
    };
    QStringList parts;
    for (const QString &check : order) {
        QStringList names;
        for (const QString &n : offenders.value(check))
            names << quoted(n);
        names.removeDuplicates();
        if (check == QLatin1String("host namespaces")) {
            QStringList set;
            for (const QString &n : offenders.value(check))
                set << n + QStringLiteral("=true");
            parts << QStringLiteral("host namespaces (%1)").arg(set.join(QStringLiteral(", ")));
        } else if (check == QLatin1String("hostPath volumes")) {
            parts << QStringLiteral("hostPath volumes (volume%1 %2)")
                         .arg(names.size() > 1 ? QStringLiteral("s") : QString(),
                              names.join(QStringLiteral(", ")));
        } else {
            const bool podLevel =
                check == QLatin1String("runAsNonRoot != true") || check == QLatin1String("seccompProfile");
            parts << QStringLiteral("%1 (%2%3 %4 %5)")
                         .arg(check,
                              podLevel ? QStringLiteral("pod or container") : QStringLiteral("container"),
                              names.size() > 1 ? QStringLiteral("s") : QString(),
                              names.join(QStringLiteral(", ")), hints.value(check));
        }
    }
    return ApiStatus::forbidden(Registry::type("pods"), metaString(pod, "name"),
                                QStringLiteral("violates PodSecurity \"%1:latest\": %2")
                                    .arg(level, parts.join(QStringLiteral(", "))));
}

void Registry::applyDefaults(const ResourceType &type, QJsonObject *o) const
{
    QJsonObject spec = o->value(QStringLiteral("spec")).toObject();
    if (type.kind == QLatin1String("Namespace")) {
        spec.insert(QStringLiteral("finalizers"), QJsonArray{QStringLiteral("kubernetes")});
        QJsonObject m = meta(*o);
        QJsonObject labels = m.value(QStringLiteral("labels")).toObject();
        labels.insert(QStringLiteral("kubernetes.io/metadata.name"), m.value(QStringLiteral("name")));
        m.insert(QStringLiteral("labels"), labels);
        o->insert(QStringLiteral("metadata"), m);
        if (!o->contains(QStringLiteral("status")))
            o->insert(QStringLiteral("status"),
                      QJsonObject{{QStringLiteral("phase"), QStringLiteral("Active")}});
    } else if (type.kind == QLatin1String("Pod")) {
        defaultPodSpec(&spec);
        if (!o->contains(QStringLiteral("status")))
            o->insert(QStringLiteral("status"),
                      QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")},
                                  {QStringLiteral("qosClass"), QStringLiteral("BestEffort")}});
    } else if (type.kind == QLatin1String("Deployment") || type.kind == QLatin1String("ReplicaSet") ||
               type.kind == QLatin1String("Job")) {
        QJsonObject tmpl = spec.value(QStringLiteral("template")).toObject();
        QJsonObject podSpec = tmpl.value(QStringLiteral("spec")).toObject();
        defaultPodSpec(&podSpec);
        tmpl.insert(QStringLiteral("spec"), podSpec);
        spec.insert(QStringLiteral("template"), tmpl);
        if (type.kind == QLatin1String("Job")) {
            for (const char *k : {"backoffLimit", "completions", "parallelism"}) {
                if (!spec.contains(QString::fromLatin1(k)))
                    spec.insert(QString::fromLatin1(k),
                                QString::fromLatin1(k) == QLatin1String("backoffLimit") ? 6 : 1);
            }
        } else {
            if (!spec.contains(QStringLiteral("replicas")))
                spec.insert(QStringLiteral("replicas"), 1);
            if (type.kind == QLatin1String("Deployment")) {
                if (!spec.contains(QStringLiteral("progressDeadlineSeconds")))
                    spec.insert(QStringLiteral("progressDeadlineSeconds"), 600);
                if (!spec.contains(QStringLiteral("revisionHistoryLimit")))
                    spec.insert(QStringLiteral("revisionHistoryLimit"), 10);
                if (!spec.contains(QStringLiteral("strategy")))
                    spec.insert(QStringLiteral("strategy"),
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("RollingUpdate")},
                                            {QStringLiteral("rollingUpdate"),
                                             QJsonObject{{QStringLiteral("maxSurge"), QStringLiteral("25%")},
                                                         {QStringLiteral("maxUnavailable"),
                                                          QStringLiteral("25%")}}}});
            }
        }
        if (!o->contains(QStringLiteral("status")))
            o->insert(QStringLiteral("status"), QJsonObject());
    } else if (type.kind == QLatin1String("Service")) {
        if (!spec.contains(QStringLiteral("type")))
            spec.insert(QStringLiteral("type"), QStringLiteral("ClusterIP"));
        if (!spec.contains(QStringLiteral("sessionAffinity")))
            spec.insert(QStringLiteral("sessionAffinity"), QStringLiteral("None"));
        QJsonArray ports = spec.value(QStringLiteral("ports")).toArray();
        for (qsizetype i = 0; i < ports.size(); ++i) {
            QJsonObject p = ports.at(i).toObject();
            if (!p.contains(QStringLiteral("protocol")))
                p.insert(QStringLiteral("protocol"), QStringLiteral("TCP"));
            if (!p.contains(QStringLiteral("targetPort")))
                p.insert(QStringLiteral("targetPort"), p.value(QStringLiteral("port")));
            ports[i] = p;
        }
        spec.insert(QStringLiteral("ports"), ports);
        if (!o->contains(QStringLiteral("status")))
            o->insert(QStringLiteral("status"), QJsonObject{{QStringLiteral("loadBalancer"), QJsonObject()}});
    } else if (type.kind == QLatin1String("PersistentVolumeClaim")) {
        if (!spec.contains(QStringLiteral("volumeMode")))
            spec.insert(QStringLiteral("volumeMode"), QStringLiteral("Filesystem"));
        // The DefaultStorageClass admission plugin: a claim without a class gets the default one.
        if (!spec.contains(QStringLiteral("storageClassName"))) {
            for (const QJsonObject &c : m_store->list(Registry::type("storageclasses"), QString()))
                if (meta(c)
                        .value(QStringLiteral("annotations"))
                        .toObject()
                        .value(QStringLiteral("storageclass.kubernetes.io/is-default-class"))
                        .toString() == QLatin1String("true"))
                    spec.insert(QStringLiteral("storageClassName"), meta(c).value(QStringLiteral("name")));
        }
        if (!o->contains(QStringLiteral("status")))
            o->insert(QStringLiteral("status"),
                      QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")}});
    } else if (type.kind == QLatin1String("StorageClass")) {
        if (!o->contains(QStringLiteral("reclaimPolicy")))
            o->insert(QStringLiteral("reclaimPolicy"), QStringLiteral("Delete"));
        if (!o->contains(QStringLiteral("volumeBindingMode")))
            o->insert(QStringLiteral("volumeBindingMode"), QStringLiteral("Immediate"));
    } else if (type.kind == QLatin1String("NetworkPolicy")) {
        if (!spec.contains(QStringLiteral("policyTypes")))
            spec.insert(QStringLiteral("policyTypes"), QJsonArray{QStringLiteral("Ingress")});
    }
    if (!spec.isEmpty() || o->contains(QStringLiteral("spec")))
        o->insert(QStringLiteral("spec"), spec);
}

QJsonObject Registry::initialize(const ResourceType &type, const QString &ns, QJsonObject o) const
{
    QJsonObject m = meta(o);
    if (m.value(QStringLiteral("name")).toString().isEmpty() && m.contains(QStringLiteral("generateName")))
        m.insert(QStringLiteral("name"),
                 QString(m.value(QStringLiteral("generateName")).toString() + randomSuffix()));
    if (type.namespaced)
        m.insert(QStringLiteral("namespace"), ns);
    m.insert(QStringLiteral("uid"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    m.insert(QStringLiteral("creationTimestamp"), nowRfc3339());
    if (type.hasGeneration)
        m.insert(QStringLiteral("generation"), 1);
    m.remove(QStringLiteral("resourceVersion"));
    m.remove(QStringLiteral("deletionTimestamp"));
    o.insert(QStringLiteral("metadata"), m);
    o.insert(QStringLiteral("apiVersion"), type.apiVersion());
    o.insert(QStringLiteral("kind"), type.kind);
    return o;
}

Outcome Registry::create(const ResourceType &type, const QString &ns, QJsonObject body,
                         const WriteOptions &opts)
{
    Outcome out;
    if (auto err = decode(type, &body, opts.fieldValidation, &out.warnings)) {
        out.error = err;
        return out;
    }
    QJsonObject o = initialize(type, ns, body);
    const QString name = metaString(o, "name");
    if (!metaString(body, "namespace").isEmpty() && type.namespaced && metaString(body, "namespace") != ns) {
        out.error = ApiStatus::badRequest(QStringLiteral(
            "the namespace of the provided object does not match the namespace sent on the request"));
        return out;
    }
    if (auto err = checkNamespace(type, ns, name)) {
        out.error = err;
        return out;
    }
    const QList<StatusCause> causes = validate(type, o);
    if (!causes.isEmpty()) {
        out.error = ApiStatus::invalid(type, name, causes);
        return out;
    }
    if (m_store->get(type, type.namespaced ? ns : QString(), name)) {
        out.error = ApiStatus::alreadyExists(type, name);
        return out;
    }
    applyDefaults(type, &o);
    if (type.kind == QLatin1String("Job") &&
        !valueAt(o, {QStringLiteral("spec"), QStringLiteral("selector")}).isObject()) {
        // Like the real Job registry: a generated selector on controller-uid, copied into the template.
        const QJsonObject labels{{QStringLiteral("controller-uid"), metaString(o, "uid")},
                                 {QStringLiteral("job-name"), name}};
        setValueAt(&o, {QStringLiteral("spec"), QStringLiteral("selector")},
                   QJsonObject{{QStringLiteral("matchLabels"),
                                QJsonObject{{QStringLiteral("controller-uid"), metaString(o, "uid")}}}});
        const QStringList tl{QStringLiteral("spec"), QStringLiteral("template"), QStringLiteral("metadata"),
                             QStringLiteral("labels")};
        QJsonObject merged = valueAt(o, tl).toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            merged.insert(it.key(), it.value());
        setValueAt(&o, tl, merged);
    }
    if (type.kind == QLatin1String("Pod")) {
        if (auto err = admitPod(ns, o)) {
            out.error = err;
            return out;
        }
    }
    if (type.kind == QLatin1String("Service") &&
        valueAt(o, {QStringLiteral("spec"), QStringLiteral("clusterIP")}).toString().isEmpty()) {
        setValueAt(&o, {QStringLiteral("spec"), QStringLiteral("clusterIP")},
                   QStringLiteral("10.96.0.%1").arg(m_serviceIp));
        setValueAt(&o, {QStringLiteral("spec"), QStringLiteral("clusterIPs")},
                   QJsonArray{QStringLiteral("10.96.0.%1").arg(m_serviceIp)});
        if (!opts.dryRun)
            ++m_serviceIp;
    }
    if (!opts.fieldManager.isEmpty()) {
        QList<QStringList> leaves = leafPaths(body);
        leaves.erase(std::remove_if(leaves.begin(), leaves.end(),
                                    [](const QStringList &p) {
                                        return p.first() == QLatin1String("apiVersion") ||
                                               p.first() == QLatin1String("kind") ||
                                               (p.first() == QLatin1String("metadata") &&
                                                p.value(1) != QLatin1String("labels") &&
                                                p.value(1) != QLatin1String("annotations"));
                                    }),
                     leaves.end());
        QJsonObject m = meta(o);
        m.insert(QStringLiteral("managedFields"),
                 QJsonArray{QJsonObject{{QStringLiteral("manager"), opts.fieldManager},
                                        {QStringLiteral("operation"), QStringLiteral("Update")},
                                        {QStringLiteral("apiVersion"), type.apiVersion()},
                                        {QStringLiteral("time"), nowRfc3339()},
                                        {QStringLiteral("fieldsType"), QStringLiteral("FieldsV1")},
                                        {QStringLiteral("fieldsV1"), fieldsV1(leaves)}}});
        o.insert(QStringLiteral("metadata"), m);
    }
    out.code = 201;
    if (opts.dryRun) {
        out.object = o;
        return out;
    }
    out.object = m_store->put(type, o);
    afterCreate(type, out.object);
    return out;
}

void Registry::afterCreate(const ResourceType &type, const QJsonObject &object)
{
    if (type.kind != QLatin1String("Namespace"))
        return;
    const QString ns = metaString(object, "name");
    const ResourceType &cm = this->type("configmaps");
    m_store->put(
        cm,
        initialize(
            cm, ns,
            QJsonObject{{QStringLiteral("metadata"),
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("kube-root-ca.crt")}}},
                        {QStringLiteral("data"), QJsonObject{{QStringLiteral("ca.crt"), m_config->caPem}}}}));
    const ResourceType &sa = this->type("serviceaccounts");
    m_store->put(sa,
                 initialize(sa, ns,
                            QJsonObject{{QStringLiteral("metadata"),
                                         QJsonObject{{QStringLiteral("name"), QStringLiteral("default")}}}}));
}

Outcome Registry::replace(const ResourceType &type, const QString &ns, const QString &name, QJsonObject body,
                          const WriteOptions &opts)
{
    Outcome out;
    const auto current = m_store->get(type, type.namespaced ? ns : QString(), name);
    if (!current) {
        out.error = ApiStatus::notFound(type, name);
        return out;
    }
    if (auto err = decode(type, &body, opts.fieldValidation, &out.warnings)) {
        out.error = err;
        return out;
    }
    const QString rv = metaString(body, "resourceVersion");
    if (!rv.isEmpty() && rv != metaString(*current, "resourceVersion")) {
        out.error =
            ApiStatus::conflict(type, name,
                                QStringLiteral("the object has been modified; please apply your changes to "
                                               "the latest version and try again"));
        return out;
    }
    QJsonObject m = meta(*current);
    const QJsonObject newMeta = meta(body);
    for (const char *k : {"labels", "annotations", "ownerReferences", "finalizers"}) {
        if (newMeta.contains(QString::fromLatin1(k)))
            m.insert(QString::fromLatin1(k), newMeta.value(QString::fromLatin1(k)));
        else
            m.remove(QString::fromLatin1(k));
    }
    QJsonObject o = body;
    o.insert(QStringLiteral("apiVersion"), type.apiVersion());
    o.insert(QStringLiteral("kind"), type.kind);
    if (type.hasGeneration && body.value(QStringLiteral("spec")) != current->value(QStringLiteral("spec")))
        m.insert(QStringLiteral("generation"), m.value(QStringLiteral("generation")).toInt() + 1);
    o.insert(QStringLiteral("metadata"), m);
    if (!body.contains(QStringLiteral("status")) && current->contains(QStringLiteral("status")))
        o.insert(QStringLiteral("status"), current->value(QStringLiteral("status")));
    const QList<StatusCause> causes = validate(type, o);
    if (!causes.isEmpty()) {
        out.error = ApiStatus::invalid(type, name, causes);
        return out;
    }
    applyDefaults(type, &o);
    out.object = opts.dryRun ? o : m_store->put(type, o);
    return out;
}

Outcome Registry::patch(const ResourceType &type, const QString &ns, const QString &name,
                        const QJsonObject &p, const WriteOptions &opts)
{
    const auto current = m_store->get(type, type.namespaced ? ns : QString(), name);
    if (!current) {
        Outcome out;
        out.error = ApiStatus::notFound(type, name);
        return out;
    }
    QJsonObject merged = mergePatch(*current, p);
    QJsonObject m = meta(merged);
    m.remove(QStringLiteral("resourceVersion"));
    merged.insert(QStringLiteral("metadata"), m);
    return replace(type, ns, name, merged, opts);
}

QJsonObject Registry::write(const ResourceType &type, const QJsonObject &object)
{
    return m_store->put(type, object);
}

void Registry::recordEvent(const ResourceType &involvedType, const QJsonObject &involved,
                           const QString &evType, const QString &reason, const QString &message)
{
    const ResourceType &events = Registry::type("events");
    const QString ns = metaString(involved, "namespace");
    const QString objName = metaString(involved, "name");
    for (QJsonObject e : m_store->list(events, ns)) {
        const QJsonObject io = e.value(QStringLiteral("involvedObject")).toObject();
        if (io.value(QStringLiteral("name")).toString() == objName &&
            e.value(QStringLiteral("reason")).toString() == reason &&
            e.value(QStringLiteral("message")).toString() == message) {
            e.insert(QStringLiteral("count"), e.value(QStringLiteral("count")).toInt() + 1);
            e.insert(QStringLiteral("lastTimestamp"), nowRfc3339());
            m_store->put(events, e);
            return;
        }
    }
    const QString now = nowRfc3339();
    QJsonObject e{
        {QStringLiteral("metadata"),
         QJsonObject{{QStringLiteral("name"), QString(objName + QLatin1Char('.') + randomSuffix(10))}}},
        {QStringLiteral("involvedObject"),
         QJsonObject{{QStringLiteral("kind"), involvedType.kind},
                     {QStringLiteral("namespace"), ns},
                     {QStringLiteral("name"), objName},
                     {QStringLiteral("uid"), metaString(involved, "uid")},
                     {QStringLiteral("apiVersion"), involvedType.apiVersion()},
                     {QStringLiteral("resourceVersion"), metaString(involved, "resourceVersion")}}},
        {QStringLiteral("reason"), reason},
        {QStringLiteral("message"), message},
        {QStringLiteral("type"), evType},
        {QStringLiteral("count"), 1},
        {QStringLiteral("firstTimestamp"), now},
        {QStringLiteral("lastTimestamp"), now},
        {QStringLiteral("source"),
         QJsonObject{{QStringLiteral("component"), involvedType.kind == QLatin1String("Pod")
                                                       ? QStringLiteral("kubelet")
                                                       : QStringLiteral("controller-manager")}}},
        {QStringLiteral("reportingComponent"), QString()},
        {QStringLiteral("reportingInstance"), QString()}};
    m_store->put(events, initialize(events, ns, e));
}

} // namespace rr::test::kubeapi
