#include "kube/rundeployer.h"

#include "core/logging.h"
#include "kube/kubeclient.h"
#include "kube/kubewatch.h"
#include "kube/logfollower.h"
#include "kube/poddiagnosis.h"
#include "kube/portforwarder.h"
#include "kube/previewprobe.h"
#include "kube/rolloutstatus.h"
#include "kuberender/kuberenderer.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace rr::kube {

using core::ErrorCategory;
using Condition = project::Dependency::Condition;

namespace {

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata")).toObject();
}

QString nameOf(const QJsonObject &o)
{
    return meta(o).value(QStringLiteral("name")).toString();
}

QString kindOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("kind")).toString();
}

// Sets each container's pull policy: IfNotPresent where LOADING moved the image to a unique
// registry reference, else the runtime's configured policy (none: as rendered).
QJsonObject withPullPolicies(QJsonObject workload, const ImageMap &images, const QString &policy)
{
    QJsonObject spec = workload.value(QStringLiteral("spec")).toObject();
    QJsonObject tmpl = spec.value(QStringLiteral("template")).toObject();
    QJsonObject podSpec = tmpl.value(QStringLiteral("spec")).toObject();
    QJsonArray containers;
    for (const QJsonValue &c : podSpec.value(QStringLiteral("containers")).toArray()) {
        QJsonObject container = c.toObject();
        const QString wanted =
            images.pullPolicyFor(container.value(QStringLiteral("image")).toString(), policy);
        if (!wanted.isEmpty())
            container.insert(QStringLiteral("imagePullPolicy"), wanted);
        containers.append(container);
    }
    podSpec.insert(QStringLiteral("containers"), containers);
    tmpl.insert(QStringLiteral("spec"), podSpec);
    spec.insert(QStringLiteral("template"), tmpl);
    workload.insert(QStringLiteral("spec"), spec);
    return workload;
}

} // namespace

RunDeployer::RunDeployer(KubeClient *client, const plan::RunPlan &plan, KubeOptions options, bool attach,
                         ImageMap images, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_plan(images.apply(plan))
    , m_options(std::move(options))
    , m_attach(attach)
    , m_images(std::move(images))
{
    split(kuberender::KubeRenderer::render(m_plan));
    m_waves = m_plan.deploymentOrder();
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(core::makeError(ErrorCategory::Kube, QStringLiteral("kube.timeout"),
                             QStringLiteral("The run was not ready after %1 seconds: %2")
                                 .arg(m_options.readyTimeoutSeconds)
                                 .arg(waitingFor())));
    });
    m_deployment.runId = m_plan.runId;
    m_deployment.details = QJsonObject{{QStringLiteral("namespace"), m_plan.namespaceName},
                                       {QStringLiteral("context"), m_client->context().name}};
    if (!m_images.isEmpty())
        m_deployment.details.insert(QStringLiteral("images"), m_images.toJson());
}

RunDeployer::~RunDeployer()
{
    shutdown();
}

void RunDeployer::split(const QList<QJsonObject> &objects)
{
    m_base.clear();
    for (const QJsonObject &o : objects) {
        const QString kind = kindOf(o);
        if (kind == QLatin1String("Namespace"))
            m_namespaceObject = o;
        else if (kind == QLatin1String("Deployment") || kind == QLatin1String("Job"))
            m_workloads.insert(nameOf(o), withPullPolicies(o, m_images, m_options.imagePullPolicy));
        else
            m_base.append(o);
    }
}

void RunDeployer::start()
{
    m_deadline.start(m_options.readyTimeoutSeconds * 1000);
    if (m_waves.isEmpty() && !m_plan.services.isEmpty()) {
        fail(core::makeError(ErrorCategory::Plan, QStringLiteral("plan.cycle"),
                             QStringLiteral("The services' depends_on form a cycle.")));
        return;
    }
    if (!m_attach) {
        createNamespace();
        return;
    }
    // Re-attach: the namespace itself says whether the run survived. Listing inside a deleted
    // namespace answers 200 with no items, so the list alone cannot tell.
    m_client->send("GET", QStringLiteral("/api/v1/namespaces/") + m_plan.namespaceName, {}, {}, this,
                   [this](const core::Result<KubeReply> &r) {
                       const bool gone = !r && r.error().code == QLatin1String("kube.notFound");
                       if (gone || (r && meta(r->json()).contains(QStringLiteral("deletionTimestamp"))))
                           return fail(core::makeError(
                               ErrorCategory::Kube, QStringLiteral("run.vanished"),
                               QStringLiteral("The run's namespace %1 is gone.").arg(m_plan.namespaceName)));
                       if (!r)
                           return fail(r.error());
                       resumeServices();
                   });
}

// Reads the Services back (the forwards need their ports) and resumes watching.
void RunDeployer::resumeServices()
{
    m_client->send("GET", QStringLiteral("/api/v1/namespaces/%1/services").arg(m_plan.namespaceName), {}, {},
                   this, [this](const core::Result<KubeReply> &r) {
                       if (!r)
                           return fail(r.error());
                       for (const QJsonValue &s : r->json().value(QStringLiteral("items")).toArray())
                           m_services.insert(nameOf(s.toObject()), s.toObject());
                       m_wave = int(m_waves.size());
                       startWatches();
                   });
}

void RunDeployer::createNamespace()
{
    const QByteArray body = QJsonDocument(m_namespaceObject).toJson(QJsonDocument::Compact);
    m_client->send(
        "POST", QStringLiteral("/api/v1/namespaces"), body, "application/json", this,
        [this](const core::Result<KubeReply> &r) {
            if (r || r.error().code != QLatin1String("kube.alreadyExists")) {
                if (!r)
                    return fail(r.error());
                startWatches();
                applyBase(0);
                return;
            }
            // Ours from an earlier attempt of this run? Then apply over it.
            m_client->send(
                "GET", QStringLiteral("/api/v1/namespaces/") + m_plan.namespaceName, {}, {}, this,
                [this](const core::Result<KubeReply> &got) {
                    const QJsonObject m = got ? meta(got->json()) : QJsonObject();
                    const QString runId = m.value(QStringLiteral("labels"))
                                              .toObject()
                                              .value(QStringLiteral("reporunner.dev/run-id"))
                                              .toString();
                    if (!got || m.contains(QStringLiteral("deletionTimestamp")) ||
                        runId != m_plan.labels.value(QStringLiteral("reporunner.dev/run-id"))) {
                        fail(core::makeError(
                            ErrorCategory::Kube, QStringLiteral("kube.namespace.exists"),
                            QStringLiteral("Namespace %1 already exists and is not this run's (or is "
                                           "still being deleted).")
                                .arg(m_plan.namespaceName)));
                        return;
                    }
                    startWatches();
                    applyBase(0);
                });
        });
}

void RunDeployer::startWatches()
{
    const QString ns = m_plan.namespaceName;
    const QString runLabel = m_plan.labels.contains(QStringLiteral("reporunner.dev/run-id"))
                                 ? QStringLiteral("reporunner.dev/run-id=") +
                                       m_plan.labels.value(QStringLiteral("reporunner.dev/run-id"))
                                 : QString();
    m_pods =
        new KubeWatch(m_client, QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns), runLabel, {}, this);
    m_deployments = new KubeWatch(m_client, QStringLiteral("/apis/apps/v1/namespaces/%1/deployments").arg(ns),
                                  runLabel, {}, this);
    m_jobs = new KubeWatch(m_client, QStringLiteral("/apis/batch/v1/namespaces/%1/jobs").arg(ns), runLabel,
                           {}, this);
    m_events = new KubeWatch(m_client, QStringLiteral("/api/v1/namespaces/%1/events").arg(ns), {}, {}, this);
    connect(m_pods, &KubeWatch::changed, this, &RunDeployer::onPodChanged);
    connect(m_events, &KubeWatch::changed, this, &RunDeployer::onEvent);
    connect(m_events, &KubeWatch::synced, this, [this] {
        for (const QJsonObject &e : m_events->objects())
            onEvent(QStringLiteral("ADDED"), e);
    });
    for (KubeWatch *w : {m_pods, m_deployments, m_jobs}) {
        connect(w, &KubeWatch::synced, this, &RunDeployer::evaluate);
        if (w != m_pods)
            connect(w, &KubeWatch::changed, this, &RunDeployer::evaluate);
    }
    connect(m_pods, &KubeWatch::synced, this, [this] {
        for (const QJsonObject &p : m_pods->objects())
            onPodChanged(QStringLiteral("ADDED"), p);
    });
    for (KubeWatch *w : {m_pods, m_deployments, m_jobs, m_events}) {
        connect(w, &KubeWatch::failed, this, [this](const core::Error &e) { fail(e); });
        w->start();
    }
}

void RunDeployer::applyBase(int index)
{
    if (m_finished)
        return;
    if (index >= m_base.size()) {
        if (!m_aliasesResolved && !m_plan.addressAliases.isEmpty()) {
            // Services have ClusterIPs now: render again so aliases point at them.
            m_aliasesResolved = true;
            for (auto it = m_services.cbegin(); it != m_services.cend(); ++it) {
                const QString ip = it.value()
                                       .value(QStringLiteral("spec"))
                                       .toObject()
                                       .value(QStringLiteral("clusterIP"))
                                       .toString();
                if (!ip.isEmpty() && ip != QLatin1String("None"))
                    m_plan.serviceAddresses.insert(it.key(), ip);
            }
            const QList<QJsonObject> before = m_base;
            split(kuberender::KubeRenderer::render(m_plan));
            QList<QJsonObject> changed;
            for (const QJsonObject &o : std::as_const(m_base))
                if (!before.contains(o))
                    changed.append(o);
            m_base = changed;
            applyBase(0);
            return;
        }
        applyWave();
        return;
    }
    const QJsonObject object = m_base.at(index);
    m_client->apply(object, this, [this, index, object](const core::Result<KubeReply> &r) {
        if (!r) {
            core::Error e = r.error();
            e.message =
                QStringLiteral("Creating %1 %2 failed: %3").arg(kindOf(object), nameOf(object), e.message);
            fail(e);
            return;
        }
        if (kindOf(object) == QLatin1String("Service"))
            m_services.insert(nameOf(object), r->json());
        applyBase(index + 1);
    });
}

void RunDeployer::applyWave()
{
    if (m_finished)
        return;
    ++m_wave;
    if (m_wave >= m_waves.size()) {
        evaluate();
        return;
    }
    const QStringList wave = m_waves.at(m_wave);
    auto pending = std::make_shared<int>(int(wave.size()));
    m_applying = true;
    for (const QString &name : wave) {
        const plan::ServicePlan *s = m_plan.service(name);
        const QJsonObject workload = s ? m_workloads.value(s->dnsName) : QJsonObject();
        Q_EMIT logLine(name, QStringLiteral("event"), QStringLiteral("Starting %1").arg(name));
        m_client->apply(workload, this, [this, pending, workload](const core::Result<KubeReply> &r) {
            if (!r) {
                core::Error e = r.error();
                e.message = QStringLiteral("Creating %1 %2 failed: %3")
                                .arg(kindOf(workload), nameOf(workload), e.message);
                fail(e);
                return;
            }
            if (--*pending == 0) {
                m_applying = false;
                evaluate();
            }
        });
    }
}

} // namespace rr::kube
