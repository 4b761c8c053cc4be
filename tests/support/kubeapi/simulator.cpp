#include "simulator.h"

#include "jsonutil.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace rr::test::kubeapi {

namespace {
const QString kNode = QStringLiteral("rr-test-node");
const QString kAnnoLog = QStringLiteral("test.reporunner.dev/log");
const QString kAnnoExit = QStringLiteral("test.reporunner.dev/exit-code");

QJsonObject condition(const QString &type, bool status, const QString &reason, const QString &message)
{
    QJsonObject c{{QStringLiteral("type"), type},
                  {QStringLiteral("status"), status ? QStringLiteral("True") : QStringLiteral("False")},
                  {QStringLiteral("lastTransitionTime"), nowRfc3339()},
                  {QStringLiteral("lastUpdateTime"), nowRfc3339()}};
    if (!reason.isEmpty())
        c.insert(QStringLiteral("reason"), reason);
    if (!message.isEmpty())
        c.insert(QStringLiteral("message"), message);
    return c;
}

// Replaces a condition by type, keeping timestamps when nothing but time would change.
QJsonArray setCondition(QJsonArray conditions, const QJsonObject &c)
{
    for (qsizetype i = 0; i < conditions.size(); ++i) {
        QJsonObject old = conditions.at(i).toObject();
        if (old.value(QStringLiteral("type")) != c.value(QStringLiteral("type")))
            continue;
        if (old.value(QStringLiteral("status")) == c.value(QStringLiteral("status")) &&
            old.value(QStringLiteral("reason")) == c.value(QStringLiteral("reason")) &&
            old.value(QStringLiteral("message")) == c.value(QStringLiteral("message")))
            return conditions;
        conditions[i] = c;
        return conditions;
    }
    conditions.append(c);
    return conditions;
}

QJsonArray dropCondition(QJsonArray conditions, const QString &type)
{
    QJsonArray out;
    for (const QJsonValue &c : conditions) {
        if (c.toObject().value(QStringLiteral("type")).toString() != type)
            out.append(c);
    }
    return out;
}

QJsonObject ownerRef(const ResourceType &type, const QJsonObject &owner)
{
    return {{QStringLiteral("apiVersion"), type.apiVersion()},
            {QStringLiteral("kind"), type.kind},
            {QStringLiteral("name"), metaString(owner, "name")},
            {QStringLiteral("uid"), metaString(owner, "uid")},
            {QStringLiteral("controller"), true},
            {QStringLiteral("blockOwnerDeletion"), true}};
}

QString templateHash(const QJsonObject &tmpl)
{
    static const QString alphabet = QStringLiteral("bcdfghjklmnpqrstvwxz2456789");
    const QByteArray digest = QCryptographicHash::hash(QJsonDocument(tmpl).toJson(QJsonDocument::Compact),
                                                       QCryptographicHash::Sha256);
    QString s;
    for (int i = 0; i < 10; ++i)
        s += alphabet.at(quint8(digest.at(i)) % alphabet.size());
    return s;
}

bool isDeleting(const QJsonObject &o)
{
    return meta(o).contains(QStringLiteral("deletionTimestamp"));
}

QString rfc3339Nano(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("000000Z");
}
} // namespace

Simulator::Simulator(Registry *registry, ServerConfig *config, QObject *parent)
    : QObject(parent)
    , m_registry(registry)
    , m_config(config)
    , m_puller(new ImagePuller(config, this))
{
    connect(registry->store(), &ObjectStore::changed, this, [this](const WatchEvent &e) {
        if (e.resource->kind == QLatin1String("Event"))
            return;
        if (e.resource->kind == QLatin1String("Pod") && e.type == QLatin1String("DELETED")) {
            const QString uid = metaString(e.object, "uid");
            for (const QString &c : m_runs.value(uid).logs.keys())
                endInstance(uid, c);
            m_runs.remove(uid);
        }
        scheduleReconcile();
    });
    auto *ticker = new QTimer(this);
    connect(ticker, &QTimer::timeout, this, &Simulator::tickPods);
    ticker->start(m_config->stepMs);
    auto *retry = new QTimer(this);
    connect(retry, &QTimer::timeout, this, [this] {
        if (!m_retryAfter.isEmpty())
            scheduleReconcile();
    });
    retry->start(500);
}

void Simulator::scheduleReconcile()
{
    if (m_pending)
        return;
    m_pending = true;
    QTimer::singleShot(0, this, [this] {
        m_pending = false;
        reconcile();
    });
}

QList<QJsonObject> Simulator::ownedBy(const ResourceType &type, const QString &ns, const QString &uid) const
{
    QList<QJsonObject> out;
    for (const QJsonObject &o : m_registry->store()->list(type, ns)) {
        for (const QJsonValue &r : meta(o).value(QStringLiteral("ownerReferences")).toArray()) {
            if (r.toObject().value(QStringLiteral("uid")).toString() == uid)
                out << o;
        }
    }
    return out;
}

void Simulator::reconcile()
{
    for (const QJsonObject &d : m_registry->store()->list(Registry::type("deployments"), QString()))
        reconcileDeployment(d);
    for (const QJsonObject &rs : m_registry->store()->list(Registry::type("replicasets"), QString()))
        reconcileReplicaSet(rs);
    for (const QJsonObject &job : m_registry->store()->list(Registry::type("jobs"), QString()))
        reconcileJob(job);
    for (const QJsonObject &claim :
         m_registry->store()->list(Registry::type("persistentvolumeclaims"), QString()))
        reconcileClaim(claim);
}

// A provisioner for every StorageClass: a Pending claim of an existing class is bound at once
// (as with volumeBindingMode Immediate); a claim of a class that does not exist stays Pending.
void Simulator::reconcileClaim(QJsonObject claim)
{
    QJsonObject status = claim.value(QStringLiteral("status")).toObject();
    if (status.value(QStringLiteral("phase")).toString() == QLatin1String("Bound") || isDeleting(claim))
        return;
    QJsonObject spec = claim.value(QStringLiteral("spec")).toObject();
    const QString className = spec.value(QStringLiteral("storageClassName")).toString();
    if (className.isEmpty() ||
        !m_registry->store()->get(Registry::type("storageclasses"), QString(), className)) {
        if (!m_unprovisioned.contains(metaString(claim, "uid"))) {
            // Shown once: the claim waits (the real controller repeats this event).
            m_unprovisioned.insert(metaString(claim, "uid"));
            m_registry->recordEvent(
                Registry::type("persistentvolumeclaims"), claim, QStringLiteral("Warning"),
                QStringLiteral("ProvisioningFailed"),
                className.isEmpty()
                    ? QStringLiteral("no persistent volumes available for this claim and "
                                     "no storage class is set")
                    : QStringLiteral("storageclass.storage.k8s.io \"%1\" not found").arg(className));
        }
        return;
    }
    spec.insert(QStringLiteral("volumeName"), QString(QStringLiteral("pvc-") + metaString(claim, "uid")));
    claim.insert(QStringLiteral("spec"), spec);
    const QJsonObject requests =
        spec.value(QStringLiteral("resources")).toObject().value(QStringLiteral("requests")).toObject();
    claim.insert(
        QStringLiteral("status"),
        QJsonObject{{QStringLiteral("phase"), QStringLiteral("Bound")},
                    {QStringLiteral("accessModes"), spec.value(QStringLiteral("accessModes"))},
                    {QStringLiteral("capacity"),
                     QJsonObject{{QStringLiteral("storage"), requests.value(QStringLiteral("storage"))}}}});
    m_registry->write(Registry::type("persistentvolumeclaims"), claim);
}

// The scheduler's verdict on the pod's claims: empty when every one exists and is bound.
QString Simulator::unschedulable(const QString &ns, const QJsonObject &podSpec) const
{
    for (const QJsonValue &v : podSpec.value(QStringLiteral("volumes")).toArray()) {
        const QString claimName = v.toObject()
                                      .value(QStringLiteral("persistentVolumeClaim"))
                                      .toObject()
                                      .value(QStringLiteral("claimName"))
                                      .toString();
        if (claimName.isEmpty())
            continue;
        const auto claim = m_registry->store()->get(Registry::type("persistentvolumeclaims"), ns, claimName);
        if (!claim)
            return QStringLiteral("0/1 nodes are available: persistentvolumeclaim \"%1\" not found. "
                                  "preemption: 0/1 nodes are available: 1 Preemption is not helpful for "
                                  "scheduling.")
                .arg(claimName);
        if (claim->value(QStringLiteral("status")).toObject().value(QStringLiteral("phase")).toString() !=
            QLatin1String("Bound"))
            return QStringLiteral(
                "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
                "preemption: 0/1 nodes are available: 1 Preemption is not helpful for "
                "scheduling.");
    }
    return QString();
}

bool Simulator::createPod(const ResourceType &ownerType, const QJsonObject &owner,
                          const QJsonObject &podTemplate, QString *error)
{
    const QString uid = metaString(owner, "uid");
    if (m_retryAfter.contains(uid) && m_retryAfter.value(uid) > QDateTime::currentDateTimeUtc())
        return false;
    QJsonObject m = podTemplate.value(QStringLiteral("metadata")).toObject();
    m.insert(QStringLiteral("generateName"), QString(metaString(owner, "name") + QLatin1Char('-')));
    m.insert(QStringLiteral("ownerReferences"), QJsonArray{ownerRef(ownerType, owner)});
    const QJsonObject pod{{QStringLiteral("metadata"), m},
                          {QStringLiteral("spec"), podTemplate.value(QStringLiteral("spec"))}};
    const QString ns = metaString(owner, "namespace");
    const Outcome out = m_registry->create(Registry::type("pods"), ns, pod, WriteOptions());
    if (out.error) {
        *error = out.error->message;
        m_retryAfter.insert(uid, QDateTime::currentDateTimeUtc().addMSecs(1000));
        m_registry->recordEvent(ownerType, owner, QStringLiteral("Warning"), QStringLiteral("FailedCreate"),
                                QStringLiteral("Error creating: ") + out.error->message);
        return false;
    }
    m_retryAfter.remove(uid);
    m_registry->recordEvent(ownerType, owner, QStringLiteral("Normal"), QStringLiteral("SuccessfulCreate"),
                            QStringLiteral("Created pod: ") + metaString(out.object, "name"));
    return true;
}

void Simulator::reconcileDeployment(QJsonObject d)
{
    if (isDeleting(d))
        return;
    const ResourceType &rsType = Registry::type("replicasets");
    const QString ns = metaString(d, "namespace");
    const QJsonObject spec = d.value(QStringLiteral("spec")).toObject();
    QJsonObject tmpl = spec.value(QStringLiteral("template")).toObject();
    const QString hash = templateHash(tmpl);
    const QString rsName = metaString(d, "name") + QLatin1Char('-') + hash;
    const int replicas = spec.value(QStringLiteral("replicas")).toInt(1);
    QJsonObject newRs;
    int total = 0, updated = 0, ready = 0;
    for (QJsonObject rs : ownedBy(rsType, ns, metaString(d, "uid"))) {
        const bool isNew = metaString(rs, "name") == rsName;
        const int want = isNew ? replicas : 0;
        if (valueAt(rs, {QStringLiteral("spec"), QStringLiteral("replicas")}).toInt() != want) {
            setValueAt(&rs, {QStringLiteral("spec"), QStringLiteral("replicas")}, want);
            rs = m_registry->write(rsType, rs);
        }
        const QJsonObject st = rs.value(QStringLiteral("status")).toObject();
        total += st.value(QStringLiteral("replicas")).toInt();
        ready += st.value(QStringLiteral("readyReplicas")).toInt();
        if (isNew) {
            updated = st.value(QStringLiteral("replicas")).toInt();
            newRs = rs;
        }
    }
    if (newRs.isEmpty()) {
        QJsonObject labels = valueAt(tmpl, {QStringLiteral("metadata"), QStringLiteral("labels")}).toObject();
        labels.insert(QStringLiteral("pod-template-hash"), hash);
        setValueAt(&tmpl, {QStringLiteral("metadata"), QStringLiteral("labels")}, labels);
        QJsonObject selector = spec.value(QStringLiteral("selector")).toObject();
        QJsonObject ml = selector.value(QStringLiteral("matchLabels")).toObject();
        ml.insert(QStringLiteral("pod-template-hash"), hash);
        selector.insert(QStringLiteral("matchLabels"), ml);
        const QJsonObject rs{{QStringLiteral("metadata"),
                              QJsonObject{{QStringLiteral("name"), rsName},
                                          {QStringLiteral("labels"), labels},
                                          {QStringLiteral("ownerReferences"),
                                           QJsonArray{ownerRef(Registry::type("deployments"), d)}}}},
                             {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas},
                                                                  {QStringLiteral("selector"), selector},
                                                                  {QStringLiteral("template"), tmpl}}}};
        const Outcome out = m_registry->create(rsType, ns, rs, WriteOptions());
        if (!out.error) {
            newRs = out.object;
            m_registry->recordEvent(
                Registry::type("deployments"), d, QStringLiteral("Normal"),
                QStringLiteral("ScalingReplicaSet"),
                QStringLiteral("Scaled up replica set %1 to %2").arg(rsName).arg(replicas));
        }
    }
    QJsonObject status = d.value(QStringLiteral("status")).toObject();
    const QJsonObject old = status;
    status.insert(QStringLiteral("observedGeneration"), meta(d).value(QStringLiteral("generation")).toInt(1));
    status.insert(QStringLiteral("replicas"), total);
    status.insert(QStringLiteral("updatedReplicas"), updated);
    status.insert(QStringLiteral("readyReplicas"), ready);
    status.insert(QStringLiteral("availableReplicas"), ready);
    status.insert(QStringLiteral("unavailableReplicas"), qMax(0, replicas - ready));
    for (const char *k :
         {"readyReplicas", "availableReplicas", "unavailableReplicas", "replicas", "updatedReplicas"}) {
        if (status.value(QString::fromLatin1(k)).toInt() == 0)
            status.remove(QString::fromLatin1(k));
    }
    QJsonArray conds = status.value(QStringLiteral("conditions")).toArray();
    const bool available = ready >= replicas;
    conds = setCondition(
        conds, condition(QStringLiteral("Available"), available,
                         available ? QStringLiteral("MinimumReplicasAvailable")
                                   : QStringLiteral("MinimumReplicasUnavailable"),
                         available ? QStringLiteral("Deployment has minimum availability.")
                                   : QStringLiteral("Deployment does not have minimum availability.")));
    const bool complete = available && updated == replicas && total == updated;
    conds = setCondition(
        conds,
        condition(QStringLiteral("Progressing"), true,
                  complete ? QStringLiteral("NewReplicaSetAvailable") : QStringLiteral("ReplicaSetUpdated"),
                  complete ? QStringLiteral("ReplicaSet \"%1\" has successfully progressed.").arg(rsName)
                           : QStringLiteral("ReplicaSet \"%1\" is progressing.").arg(rsName)));
    QJsonObject failure;
    for (const QJsonValue &c :
         valueAt(newRs, {QStringLiteral("status"), QStringLiteral("conditions")}).toArray()) {
        if (c.toObject().value(QStringLiteral("type")).toString() == QLatin1String("ReplicaFailure"))
            failure = c.toObject();
    }
    conds = failure.isEmpty() ? dropCondition(conds, QStringLiteral("ReplicaFailure"))
                              : setCondition(conds, failure);
    status.insert(QStringLiteral("conditions"), conds);
    if (status != old) {
        d.insert(QStringLiteral("status"), status);
        m_registry->write(Registry::type("deployments"), d);
    }
}

void Simulator::reconcileReplicaSet(QJsonObject rs)
{
    if (isDeleting(rs))
        return;
    const ResourceType &podType = Registry::type("pods");
    const QString ns = metaString(rs, "namespace");
    const int replicas = valueAt(rs, {QStringLiteral("spec"), QStringLiteral("replicas")}).toInt(1);
    QList<QJsonObject> pods;
    for (const QJsonObject &p : ownedBy(podType, ns, metaString(rs, "uid"))) {
        if (!isDeleting(p))
            pods << p;
    }
    QString error;
    for (qsizetype i = pods.size(); i < replicas; ++i) {
        if (!createPod(Registry::type("replicasets"), rs,
                       valueAt(rs, {QStringLiteral("spec"), QStringLiteral("template")}).toObject(), &error))
            break;
    }
    for (qsizetype i = replicas; i < pods.size(); ++i)
        m_registry->remove(podType, ns, metaString(pods.at(i), "name"), QJsonObject(), false);
    int ready = 0;
    for (const QJsonObject &p : pods) {
        for (const QJsonValue &c :
             valueAt(p, {QStringLiteral("status"), QStringLiteral("conditions")}).toArray()) {
            if (c.toObject().value(QStringLiteral("type")).toString() == QLatin1String("Ready") &&
                c.toObject().value(QStringLiteral("status")).toString() == QLatin1String("True"))
                ++ready;
        }
    }
    QJsonObject status = rs.value(QStringLiteral("status")).toObject();
    const QJsonObject old = status;
    status.insert(QStringLiteral("replicas"), int(qMin<qsizetype>(pods.size(), replicas)));
    status.insert(QStringLiteral("fullyLabeledReplicas"), int(qMin<qsizetype>(pods.size(), replicas)));
    status.insert(QStringLiteral("readyReplicas"), ready);
    status.insert(QStringLiteral("availableReplicas"), ready);
    status.insert(QStringLiteral("observedGeneration"),
                  meta(rs).value(QStringLiteral("generation")).toInt(1));
    QJsonArray conds = status.value(QStringLiteral("conditions")).toArray();
    if (!error.isEmpty())
        conds = setCondition(
            conds, condition(QStringLiteral("ReplicaFailure"), true, QStringLiteral("FailedCreate"), error));
    else if (pods.size() >= replicas)
        conds = dropCondition(conds, QStringLiteral("ReplicaFailure"));
    if (conds.isEmpty())
        status.remove(QStringLiteral("conditions"));
    else
        status.insert(QStringLiteral("conditions"), conds);
    if (status != old) {
        rs.insert(QStringLiteral("status"), status);
        m_registry->write(Registry::type("replicasets"), rs);
    }
}

void Simulator::reconcileJob(QJsonObject job)
{
    if (isDeleting(job))
        return;
    QJsonObject status = job.value(QStringLiteral("status")).toObject();
    for (const QJsonValue &c : status.value(QStringLiteral("conditions")).toArray()) {
        const QString t = c.toObject().value(QStringLiteral("type")).toString();
        if (t == QLatin1String("Complete") || t == QLatin1String("Failed"))
            return;
    }
    const QString ns = metaString(job, "namespace");
    const QJsonObject spec = job.value(QStringLiteral("spec")).toObject();
    int active = 0, succeeded = 0, failed = 0;
    for (const QJsonObject &p : ownedBy(Registry::type("pods"), ns, metaString(job, "uid"))) {
        const QString phase = valueAt(p, {QStringLiteral("status"), QStringLiteral("phase")}).toString();
        if (phase == QLatin1String("Succeeded"))
            ++succeeded;
        else if (phase == QLatin1String("Failed"))
            ++failed;
        else if (!isDeleting(p))
            ++active;
    }
    const QJsonObject old = status;
    if (!status.contains(QStringLiteral("startTime")))
        status.insert(QStringLiteral("startTime"), nowRfc3339());
    QJsonArray conds = status.value(QStringLiteral("conditions")).toArray();
    if (succeeded >= spec.value(QStringLiteral("completions")).toInt(1)) {
        status.insert(QStringLiteral("completionTime"), nowRfc3339());
        conds = setCondition(conds, condition(QStringLiteral("Complete"), true, QString(), QString()));
        m_registry->recordEvent(Registry::type("jobs"), job, QStringLiteral("Normal"),
                                QStringLiteral("Completed"), QStringLiteral("Job completed"));
    } else if (failed > spec.value(QStringLiteral("backoffLimit")).toInt(6)) {
        conds = setCondition(conds,
                             condition(QStringLiteral("Failed"), true, QStringLiteral("BackoffLimitExceeded"),
                                       QStringLiteral("Job has reached the specified backoff limit")));
        m_registry->recordEvent(Registry::type("jobs"), job, QStringLiteral("Warning"),
                                QStringLiteral("BackoffLimitExceeded"),
                                QStringLiteral("Job has reached the specified backoff limit"));
    } else if (active < spec.value(QStringLiteral("parallelism")).toInt(1)) {
        QJsonObject tmpl = spec.value(QStringLiteral("template")).toObject();
        QJsonObject labels = valueAt(tmpl, {QStringLiteral("metadata"), QStringLiteral("labels")}).toObject();
        labels.insert(QStringLiteral("controller-uid"), metaString(job, "uid"));
        labels.insert(QStringLiteral("job-name"), metaString(job, "name"));
        setValueAt(&tmpl, {QStringLiteral("metadata"), QStringLiteral("labels")}, labels);
        QString error;
        if (createPod(Registry::type("jobs"), job, tmpl, &error))
            ++active;
    }
    status.insert(QStringLiteral("active"), active);
    status.insert(QStringLiteral("succeeded"), succeeded);
    status.insert(QStringLiteral("failed"), failed);
    for (const char *k : {"active", "succeeded", "failed"}) {
        if (status.value(QString::fromLatin1(k)).toInt() == 0)
            status.remove(QString::fromLatin1(k));
    }
    if (!conds.isEmpty())
        status.insert(QStringLiteral("conditions"), conds);
    if (status != old) {
        job.insert(QStringLiteral("status"), status);
        m_registry->write(Registry::type("jobs"), job);
    }
}

bool Simulator::egressDenied(const QString &ns, const QJsonObject &pod) const
{
    if (!m_config->networkPolicyEnforced)
        return false;
    const QJsonObject labels = meta(pod).value(QStringLiteral("labels")).toObject();
    for (const QJsonObject &policy : m_registry->store()->list(Registry::type("networkpolicies"), ns)) {
        const QJsonObject spec = policy.value(QStringLiteral("spec")).toObject();
        const QJsonObject match = spec.value(QStringLiteral("podSelector"))
                                      .toObject()
                                      .value(QStringLiteral("matchLabels"))
                                      .toObject();
        bool selected = true;
        for (auto it = match.begin(); it != match.end(); ++it)
            selected = selected && labels.value(it.key()) == it.value();
        if (selected &&
            spec.value(QStringLiteral("policyTypes")).toArray().contains(QStringLiteral("Egress")) &&
            spec.value(QStringLiteral("egress")).toArray().isEmpty())
            return true;
    }
    return false;
}

QString Simulator::configError(const QString &ns, const QJsonObject &container) const
{
    auto check = [&](const char *plural, const char *kind, const QJsonObject &ref, bool keyed) -> QString {
        const QString name = ref.value(QStringLiteral("name")).toString();
        if (ref.value(QStringLiteral("optional")).toBool())
            return QString();
        const auto obj = m_registry->store()->get(Registry::type(plural), ns, name);
        if (!obj)
            return QStringLiteral("%1 \"%2\" not found").arg(QString::fromLatin1(plural).chopped(1), name);
        const QString key = ref.value(QStringLiteral("key")).toString();
        if (keyed && !obj->value(QStringLiteral("data")).toObject().contains(key))
            return QStringLiteral("couldn't find key %1 in %2 %3/%4")
                .arg(key, QString::fromLatin1(kind), ns, name);
        return QString();
    };
    for (const QJsonValue &e : container.value(QStringLiteral("env")).toArray()) {
        const QJsonObject from = e.toObject().value(QStringLiteral("valueFrom")).toObject();
        QString err;
        if (from.contains(QStringLiteral("configMapKeyRef")))
            err = check("configmaps", "ConfigMap", from.value(QStringLiteral("configMapKeyRef")).toObject(),
                        true);
        else if (from.contains(QStringLiteral("secretKeyRef")))
            err = check("secrets", "Secret", from.value(QStringLiteral("secretKeyRef")).toObject(), true);
        if (!err.isEmpty())
            return err;
    }
    for (const QJsonValue &e : container.value(QStringLiteral("envFrom")).toArray()) {
        const QJsonObject o = e.toObject();
        QString err;
        if (o.contains(QStringLiteral("configMapRef")))
            err = check("configmaps", "ConfigMap", o.value(QStringLiteral("configMapRef")).toObject(), false);
        else if (o.contains(QStringLiteral("secretRef")))
            err = check("secrets", "Secret", o.value(QStringLiteral("secretRef")).toObject(), false);
        if (!err.isEmpty())
            return err;
    }
    if (container.value(QStringLiteral("image")).toString().contains(QLatin1String("configerror")))
        return QStringLiteral("container has runAsNonRoot and image will run as root");
    return QString();
}

QPair<QString, QString> Simulator::pullProblem(PodRun &run, const QString &container, const QString &image)
{
    const ImagePuller::Status pulled = m_puller->status(image);
    switch (pulled.state) {
    case ImagePuller::State::Unmanaged:
    case ImagePuller::State::Pulled:
        return {};
    case ImagePuller::State::Pulling:
        return {QStringLiteral("Pulling"), QString()};
    case ImagePuller::State::Failed:
        break;
    }
    // Like the kubelet: each failed attempt shows ErrImagePull once, then ImagePullBackOff.
    if (run.pullFailures.value(container) < pulled.failures) {
        run.pullFailures[container] = pulled.failures;
        return {QStringLiteral("ErrImagePull"), pulled.message};
    }
    return {QStringLiteral("ImagePullBackOff"), QStringLiteral("Back-off pulling image \"%1\"").arg(image)};
}

void Simulator::tickPods()
{
    const ResourceType &podType = Registry::type("pods");
    for (const QJsonObject &pod : m_registry->store()->list(podType, QString())) {
        const QString uid = metaString(pod, "uid");
        PodRun &run = m_runs[uid];
        run.ns = metaString(pod, "namespace");
        run.name = metaString(pod, "name");
        tickPod(run, pod);
    }
}

void Simulator::tickPod(PodRun &run, QJsonObject pod)
{
    const ResourceType &podType = Registry::type("pods");
    const QString uid = metaString(pod, "uid");
    QJsonObject spec = pod.value(QStringLiteral("spec")).toObject();
    QJsonObject status = pod.value(QStringLiteral("status")).toObject();
    const QString phase = status.value(QStringLiteral("phase")).toString();
    if (isDeleting(pod) || phase == QLatin1String("Succeeded") || phase == QLatin1String("Failed")) {
        for (const QString &c : run.logs.keys())
            endInstance(uid, c);
        return;
    }
    const QJsonObject old = status;
    const QJsonArray containers = spec.value(QStringLiteral("containers")).toArray();
    const QString restartPolicy = spec.value(QStringLiteral("restartPolicy")).toString();
    const QJsonObject annotations = meta(pod).value(QStringLiteral("annotations")).toObject();
    QStringList scriptLines =
        annotations.value(kAnnoLog).toString().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (run.step == 0) {
        const QString verdict = unschedulable(run.ns, spec);
        if (!verdict.isEmpty()) {
            const QJsonArray conds{
                condition(QStringLiteral("PodScheduled"), false, QStringLiteral("Unschedulable"), verdict)};
            const QJsonObject shown = status.value(QStringLiteral("conditions")).toArray().at(0).toObject();
            if (shown.value(QStringLiteral("message")).toString() != verdict) {
                status.insert(QStringLiteral("conditions"), conds);
                pod.insert(QStringLiteral("status"), status);
                m_registry->write(podType, pod);
                m_registry->recordEvent(podType, pod, QStringLiteral("Warning"),
                                        QStringLiteral("FailedScheduling"), verdict);
            }
            return;
        }
    }
    if (run.step++ == 0) {
        spec.insert(QStringLiteral("nodeName"), kNode);
        pod.insert(QStringLiteral("spec"), spec);
        status.insert(QStringLiteral("hostIP"), QStringLiteral("172.18.0.2"));
        status.insert(QStringLiteral("startTime"), nowRfc3339());
        status.insert(QStringLiteral("conditions"),
                      QJsonArray{condition(QStringLiteral("PodScheduled"), true, QString(), QString())});
        QJsonArray statuses;
        for (const QJsonValue &cv : containers) {
            const QJsonObject c = cv.toObject();
            statuses.append(QJsonObject{{QStringLiteral("name"), c.value(QStringLiteral("name"))},
                                        {QStringLiteral("image"), c.value(QStringLiteral("image"))},
                                        {QStringLiteral("imageID"), QString()},
                                        {QStringLiteral("ready"), false},
                                        {QStringLiteral("started"), false},
                                        {QStringLiteral("restartCount"), 0},
                                        {QStringLiteral("state"),
                                         QJsonObject{{QStringLiteral("waiting"),
                                                      QJsonObject{{QStringLiteral("reason"),
                                                                   QStringLiteral("ContainerCreating")}}}}}});
        }
        status.insert(QStringLiteral("containerStatuses"), statuses);
        pod.insert(QStringLiteral("status"), status);
        m_registry->write(podType, pod);
        m_registry->recordEvent(
            podType, pod, QStringLiteral("Normal"), QStringLiteral("Scheduled"),
            QStringLiteral("Successfully assigned %1/%2 to %3").arg(run.ns, run.name, kNode));
        return;
    }
    QJsonArray statuses = status.value(QStringLiteral("containerStatuses")).toArray();
    bool allReady = true, anyRunning = false, allTerminated = true, anyFailed = false;
    for (qsizetype i = 0; i < containers.size() && i < statuses.size(); ++i) {
        const QJsonObject c = containers.at(i).toObject();
        QJsonObject cs = statuses.at(i).toObject();
        const QString cname = c.value(QStringLiteral("name")).toString();
        const QString image = c.value(QStringLiteral("image")).toString();
        const QJsonObject state = cs.value(QStringLiteral("state")).toObject();
        const auto wait = [&](const QString &reason, const QString &message) {
            QJsonObject w{{QStringLiteral("reason"), reason}};
            if (!message.isEmpty())
                w.insert(QStringLiteral("message"), message);
            if (state.value(QStringLiteral("waiting")).toObject() != w)
                m_registry->recordEvent(
                    podType, pod, QStringLiteral("Warning"),
                    reason == QLatin1String("CrashLoopBackOff") ? QStringLiteral("BackOff") : reason,
                    message.isEmpty() ? reason : message);
            cs.insert(QStringLiteral("state"), QJsonObject{{QStringLiteral("waiting"), w}});
            cs.insert(QStringLiteral("ready"), false);
        };
        if (state.contains(QStringLiteral("running"))) {
            anyRunning = true;
            allTerminated = false;
            if (run.linesLeft.value(cname) > 0) {
                const int left = run.linesLeft.value(cname);
                appendLine(uid, cname, scriptLines.value(scriptLines.size() - left));
                run.linesLeft[cname] = left - 1;
            } else {
                const bool crash = image.contains(QLatin1String("crashloop"));
                const bool oom = image.contains(QLatin1String("oomkill"));
                const bool finishes = crash || oom || restartPolicy != QLatin1String("Always");
                if (finishes) {
                    const int exitCode = oom ? 137 : annotations.value(kAnnoExit).toString().toInt();
                    const int code = (crash || egressDenied(run.ns, pod)) && exitCode == 0 ? 1 : exitCode;
                    const QJsonObject terminated{
                        {QStringLiteral("exitCode"), code},
                        {QStringLiteral("reason"), oom         ? QStringLiteral("OOMKilled")
                                                   : code == 0 ? QStringLiteral("Completed")
                                                               : QStringLiteral("Error")},
                        {QStringLiteral("startedAt"), state.value(QStringLiteral("running"))
                                                          .toObject()
                                                          .value(QStringLiteral("startedAt"))},
                        {QStringLiteral("finishedAt"), nowRfc3339()},
                        {QStringLiteral("containerID"), cs.value(QStringLiteral("containerID"))}};
                    endInstance(uid, cname);
                    cs.insert(QStringLiteral("ready"), false);
                    const bool restart = restartPolicy == QLatin1String("Always") ||
                                         (restartPolicy == QLatin1String("OnFailure") && code != 0);
                    if (restart) {
                        cs.insert(QStringLiteral("lastState"),
                                  QJsonObject{{QStringLiteral("terminated"), terminated}});
                        cs.insert(QStringLiteral("restartCount"),
                                  cs.value(QStringLiteral("restartCount")).toInt() + 1);
                        wait(QStringLiteral("CrashLoopBackOff"),
                             QStringLiteral("back-off 10s restarting failed container=%1 pod=%2_%3(%4)")
                                 .arg(cname, run.name, run.ns, uid));
                        run.pause[cname] = 3;
                    } else {
                        cs.insert(QStringLiteral("state"),
                                  QJsonObject{{QStringLiteral("terminated"), terminated}});
                        anyFailed = anyFailed || code != 0;
                    }
                    anyRunning = false;
                }
            }
        } else if (state.contains(QStringLiteral("terminated"))) {
            anyFailed = anyFailed || state.value(QStringLiteral("terminated"))
                                             .toObject()
                                             .value(QStringLiteral("exitCode"))
                                             .toInt() != 0;
        } else {
            allTerminated = false;
            const QString configErr = configError(run.ns, c);
            const bool never =
                c.value(QStringLiteral("imagePullPolicy")).toString() == QLatin1String("Never");
            const auto pull = never ? QPair<QString, QString>() : pullProblem(run, cname, image);
            if (never && !m_config->deliveredImages.contains(image)) {
                wait(QStringLiteral("ErrImageNeverPull"),
                     QStringLiteral("Container image \"%1\" is not present with pull policy of Never")
                         .arg(image));
            } else if (pull.first == QLatin1String("Pulling")) {
                // Still ContainerCreating while the registry answers.
            } else if (!pull.first.isEmpty()) {
                wait(pull.first, pull.second);
            } else if (!configErr.isEmpty()) {
                wait(QStringLiteral("CreateContainerConfigError"), configErr);
            } else if (run.pause.value(cname) > 0) {
                --run.pause[cname];
            } else {
                cs.insert(QStringLiteral("state"),
                          QJsonObject{{QStringLiteral("running"),
                                       QJsonObject{{QStringLiteral("startedAt"), nowRfc3339()}}}});
                cs.insert(QStringLiteral("containerID"),
                          QString(QStringLiteral("containerd://") + randomSuffix(16)));
                cs.insert(QStringLiteral("imageID"), image);
                cs.insert(QStringLiteral("started"), true);
                cs.insert(QStringLiteral("ready"), true);
                run.logs[cname].append(Instance());
                const QStringList lines = scriptLines.isEmpty()
                                              ? QStringList{QStringLiteral("%1 started").arg(cname)}
                                              : scriptLines;
                appendLine(uid, cname, lines.first());
                scriptLines = lines;
                run.linesLeft[cname] = int(lines.size()) - 1;
                anyRunning = true;
                m_registry->recordEvent(podType, pod, QStringLiteral("Normal"), QStringLiteral("Started"),
                                        QStringLiteral("Started container %1").arg(cname));
            }
        }
        allReady = allReady && cs.value(QStringLiteral("ready")).toBool();
        statuses[i] = cs;
    }
    status.insert(QStringLiteral("containerStatuses"), statuses);
    QString newPhase = phase;
    if (allTerminated && !containers.isEmpty())
        newPhase = anyFailed ? QStringLiteral("Failed") : QStringLiteral("Succeeded");
    else if (anyRunning || status.value(QStringLiteral("phase")).toString() == QLatin1String("Running"))
        newPhase = QStringLiteral("Running");
    status.insert(QStringLiteral("phase"), newPhase);
    if (newPhase != QLatin1String("Pending"))
        status.insert(QStringLiteral("podIP"), QStringLiteral("10.244.0.%1").arg(qHash(uid) % 200 + 10));
    QJsonArray conds = status.value(QStringLiteral("conditions")).toArray();
    conds = setCondition(conds,
                         condition(QStringLiteral("Ready"), allReady,
                                   allReady ? QString() : QStringLiteral("ContainersNotReady"), QString()));
    conds = setCondition(conds,
                         condition(QStringLiteral("ContainersReady"), allReady,
                                   allReady ? QString() : QStringLiteral("ContainersNotReady"), QString()));
    status.insert(QStringLiteral("conditions"), conds);
    if (status != old) {
        pod.insert(QStringLiteral("status"), status);
        m_registry->write(podType, pod);
    }
}

void Simulator::appendLine(const QString &uid, const QString &container, const QString &text)
{
    auto &instances = m_runs[uid].logs[container];
    if (instances.isEmpty())
        instances.append(Instance());
    const LogLine line{QDateTime::currentDateTimeUtc(), text};
    instances.last().lines.append(line);
    const int index = int(instances.size()) - 1;
    for (const Follower &f : m_followers) {
        if (f.conn && f.uid == uid && f.container == container && f.instance == index)
            f.conn->writeChunk(((f.timestamps ? rfc3339Nano(line.time) + QLatin1Char(' ') : QString()) +
                                text + QLatin1Char('\n'))
                                   .toUtf8());
    }
}

void Simulator::endInstance(const QString &uid, const QString &container)
{
    auto &instances = m_runs[uid].logs[container];
    if (instances.isEmpty() || instances.last().ended)
        return;
    instances.last().ended = true;
    const int index = int(instances.size()) - 1;
    for (qsizetype i = m_followers.size() - 1; i >= 0; --i) {
        const Follower &f = m_followers.at(i);
        if (!f.conn) {
            m_followers.removeAt(i);
        } else if (f.uid == uid && f.container == container && f.instance == index) {
            f.conn->endStream();
            m_followers.removeAt(i);
        }
    }
}

void Simulator::serveLog(HttpConnection *conn, const QString &ns, const QString &podName,
                         const HttpRequest &req)
{
    const ResourceType &podType = Registry::type("pods");
    const auto pod = m_registry->store()->get(podType, ns, podName);
    const auto fail = [conn](const ApiStatus &s) { conn->respond(s.code, "application/json", s.body()); };
    if (!pod)
        return fail(ApiStatus::notFound(podType, podName));
    QStringList names;
    for (const QJsonValue &c :
         valueAt(*pod, {QStringLiteral("spec"), QStringLiteral("containers")}).toArray())
        names << c.toObject().value(QStringLiteral("name")).toString();
    QString container = req.param("container");
    if (container.isEmpty() && names.size() == 1)
        container = names.first();
    if (container.isEmpty())
        return fail(ApiStatus::badRequest(
            QStringLiteral("a container name must be specified for pod %1, choose one of: [%2]")
                .arg(podName, names.join(QLatin1Char(' ')))));
    if (!names.contains(container))
        return fail(ApiStatus::badRequest(
            QStringLiteral("container %1 is not valid for pod %2").arg(container, podName)));
    const QString uid = metaString(*pod, "uid");
    const auto &instances = m_runs.value(uid).logs.value(container);
    const bool previous = req.flag("previous");
    const int index = int(instances.size()) - (previous ? 2 : 1);
    if (index < 0) {
        if (previous)
            return fail(ApiStatus::badRequest(
                QStringLiteral("previous terminated container \"%1\" in pod \"%2\" not found")
                    .arg(container, podName)));
        QString reason = QStringLiteral("ContainerCreating");
        for (const QJsonValue &cs :
             valueAt(*pod, {QStringLiteral("status"), QStringLiteral("containerStatuses")}).toArray()) {
            if (cs.toObject().value(QStringLiteral("name")).toString() == container)
                reason = valueAt(cs.toObject(), {QStringLiteral("state"), QStringLiteral("waiting"),
                                                 QStringLiteral("reason")})
                             .toString(reason);
        }
        return fail(
            ApiStatus::badRequest(QStringLiteral("container \"%1\" in pod \"%2\" is waiting to start: %3")
                                      .arg(container, podName, reason)));
    }
    const Instance &inst = instances.at(index);
    const bool timestamps = req.flag("timestamps");
    QList<LogLine> lines = inst.lines;
    const QString since = req.param("sinceTime");
    if (!since.isEmpty()) {
        const QDateTime t = QDateTime::fromString(since, Qt::ISODate);
        lines.erase(std::remove_if(
                        lines.begin(), lines.end(),
                        [&](const LogLine &l) { return l.time.toSecsSinceEpoch() < t.toSecsSinceEpoch(); }),
                    lines.end());
    }
    if (!req.param("tailLines").isEmpty())
        lines = lines.mid(qMax<qsizetype>(0, lines.size() - req.param("tailLines").toInt()));
    QByteArray text;
    for (const LogLine &l : lines)
        text +=
            ((timestamps ? rfc3339Nano(l.time) + QLatin1Char(' ') : QString()) + l.text + QLatin1Char('\n'))
                .toUtf8();
    if (!req.flag("follow") || inst.ended || previous)
        return conn->respond(200, "text/plain", text);
    conn->beginStream(200, "text/plain");
    conn->writeChunk(text);
    m_followers.append({conn, uid, container, index, timestamps});
}

} // namespace rr::test::kubeapi
