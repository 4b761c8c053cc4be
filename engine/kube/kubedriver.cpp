#include "kube/kubedriver.h"

#include "core/logging.h"
#include "core/promises.h"
#include "kube/kubeclient.h"
#include "kube/kubewatch.h"
#include "kube/logfollower.h"
#include "kube/podobservation.h"
#include "kube/portforwarder.h"
#include "kube/previewprobe.h"
#include "kube/rolloutstatus.h"
#include "kuberender/kuberenderer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace rr::kube {

using core::ErrorCategory;

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

QJsonObject status(const QJsonObject &o)
{
    return o.value(QStringLiteral("status")).toObject();
}

QString serviceLabelOf(const QJsonObject &pod)
{
    return meta(pod)
        .value(QStringLiteral("labels"))
        .toObject()
        .value(QStringLiteral("reporunner.dev/service"))
        .toString();
}

} // namespace

KubeDriver::KubeDriver(KubeClient *client, const plan::RunPlan &plan, KubeOptions options, ImageMap images,
                       QObject *parent)
    : runtime::RolloutDriver(parent)
    , m_client(client)
    , m_plan(images.apply(plan))
    , m_options(std::move(options))
    , m_images(std::move(images))
{
    split(kuberender::KubeRenderer::render(m_plan));
}

KubeDriver::~KubeDriver()
{
    stop();
}

void KubeDriver::split(const QList<QJsonObject> &objects)
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

void KubeDriver::finish(const Prepared &done, const core::Result<void> &result)
{
    done->addResult(result);
    done->finish();
}

QFuture<core::Result<void>> KubeDriver::prepare(bool attach)
{
    auto done = std::make_shared<QPromise<core::Result<void>>>();
    done->start();
    if (!attach) {
        createNamespace(done);
        return done->future();
    }
    // Re-attach: the namespace itself says whether the run survived. Listing inside a deleted
    // namespace answers 200 with no items, so the list alone cannot tell.
    m_client->send(
        "GET", QStringLiteral("/api/v1/namespaces/") + m_plan.namespaceName, {}, {}, this,
        [this, done](const core::Result<KubeReply> &r) {
            const bool gone = !r && r.error().code == QLatin1String("kube.notFound");
            if (gone || (r && meta(r->json()).contains(QStringLiteral("deletionTimestamp"))))
                return finish(
                    done,
                    core::fail(ErrorCategory::Kube, QStringLiteral("run.vanished"),
                               QStringLiteral("The run's namespace %1 is gone.").arg(m_plan.namespaceName)));
            if (!r)
                return finish(done, core::fail(r.error()));
            resumeServices(done);
        });
    return done->future();
}

// Reads the Services back (the forwards need their ports) and resumes watching.
void KubeDriver::resumeServices(const Prepared &done)
{
    m_client->send("GET", QStringLiteral("/api/v1/namespaces/%1/services").arg(m_plan.namespaceName), {}, {},
                   this, [this, done](const core::Result<KubeReply> &r) {
                       if (!r)
                           return finish(done, core::fail(r.error()));
                       for (const QJsonValue &s : r->json().value(QStringLiteral("items")).toArray())
                           m_services.insert(nameOf(s.toObject()), s.toObject());
                       startWatches();
                       finish(done, {});
                   });
}

void KubeDriver::createNamespace(const Prepared &done)
{
    const QByteArray body = QJsonDocument(m_namespaceObject).toJson(QJsonDocument::Compact);
    m_client->send(
        "POST", QStringLiteral("/api/v1/namespaces"), body, "application/json", this,
        [this, done](const core::Result<KubeReply> &r) {
            if (r || r.error().code != QLatin1String("kube.alreadyExists")) {
                if (!r)
                    return finish(done, core::fail(r.error()));
                startWatches();
                applyBase(0, done);
                return;
            }
            // Ours from an earlier attempt of this run? Then apply over it.
            m_client->send(
                "GET", QStringLiteral("/api/v1/namespaces/") + m_plan.namespaceName, {}, {}, this,
                [this, done](const core::Result<KubeReply> &got) {
                    const QJsonObject m = got ? meta(got->json()) : QJsonObject();
                    const QString runId = m.value(QStringLiteral("labels"))
                                              .toObject()
                                              .value(QStringLiteral("reporunner.dev/run-id"))
                                              .toString();
                    if (!got || m.contains(QStringLiteral("deletionTimestamp")) ||
                        runId != m_plan.labels.value(QStringLiteral("reporunner.dev/run-id"))) {
                        finish(done, core::fail(ErrorCategory::Kube, QStringLiteral("kube.namespace.exists"),
                                                QStringLiteral("Namespace %1 already exists and is not this "
                                                               "run's (or is still being deleted).")
                                                    .arg(m_plan.namespaceName)));
                        return;
                    }
                    startWatches();
                    applyBase(0, done);
                });
        });
}

void KubeDriver::startWatches()
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
    m_namespace = new KubeWatch(m_client, QStringLiteral("/api/v1/namespaces"), {},
                                QStringLiteral("metadata.name=") + ns, this);
    connect(m_namespace, &KubeWatch::changed, this, &KubeDriver::onNamespaceChanged);
    connect(m_pods, &KubeWatch::changed, this, &KubeDriver::onPodChanged);
    connect(m_events, &KubeWatch::changed, this, &KubeDriver::onEvent);
    connect(m_events, &KubeWatch::synced, this, [this] {
        for (const QJsonObject &e : m_events->objects())
            onEvent(QStringLiteral("ADDED"), e);
    });
    for (KubeWatch *w : {m_deployments, m_jobs}) {
        connect(w, &KubeWatch::synced, this, &KubeDriver::observeAll);
        connect(w, &KubeWatch::changed, this, &KubeDriver::observeAll);
    }
    connect(m_pods, &KubeWatch::synced, this, [this] {
        for (const QJsonObject &p : m_pods->objects())
            onPodChanged(QStringLiteral("ADDED"), p);
    });
    for (KubeWatch *w : {m_pods, m_deployments, m_jobs, m_events, m_namespace}) {
        connect(w, &KubeWatch::failed, this, [this](const core::Error &e) {
            if (!m_stopped)
                Q_EMIT lost(e);
        });
        w->start();
    }
}

void KubeDriver::applyBase(int index, const Prepared &done)
{
    if (m_stopped)
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
            applyBase(0, done);
            return;
        }
        finish(done, {});
        return;
    }
    const QJsonObject object = m_base.at(index);
    m_client->apply(object, this, [this, index, object, done](const core::Result<KubeReply> &r) {
        if (!r) {
            core::Error e = r.error();
            e.message =
                QStringLiteral("Creating %1 %2 failed: %3").arg(kindOf(object), nameOf(object), e.message);
            return finish(done, core::fail(e));
        }
        if (kindOf(object) == QLatin1String("Service"))
            m_services.insert(nameOf(object), r->json());
        applyBase(index + 1, done);
    });
}

QFuture<core::Result<void>> KubeDriver::create(const plan::ServicePlan &service)
{
    auto done = std::make_shared<QPromise<core::Result<void>>>();
    done->start();
    const QJsonObject workload = m_workloads.value(service.dnsName);
    Q_EMIT logLine(service.name, QStringLiteral("event"), QStringLiteral("Starting %1").arg(service.name));
    m_client->apply(workload, this, [this, done, workload](const core::Result<KubeReply> &r) {
        if (!r) {
            core::Error e = r.error();
            e.message = QStringLiteral("Creating %1 %2 failed: %3")
                            .arg(kindOf(workload), nameOf(workload), e.message);
            return finish(done, core::fail(e));
        }
        finish(done, {});
        observeAll();
    });
    return done->future();
}

// `restart: true`: the pods go and the workload makes new ones.
QFuture<core::Result<void>> KubeDriver::restart(const plan::ServicePlan &service)
{
    auto done = std::make_shared<QPromise<core::Result<void>>>();
    done->start();
    // Not one arg() over the encoded selector: its "%2F" and "%3D" are placeholders to QString::arg.
    const QString path =
        QStringLiteral("/api/v1/namespaces/%1/pods?labelSelector=").arg(m_plan.namespaceName) +
        QString::fromLatin1(
            QUrl::toPercentEncoding(QStringLiteral("reporunner.dev/service=") + service.dnsName));
    m_client->send("DELETE", path, {}, {}, this, [this, done](const core::Result<KubeReply> &r) {
        finish(done, r ? core::Result<void>() : core::Result<void>(core::fail(r.error())));
    });
    return done->future();
}

QJsonObject KubeDriver::details() const
{
    QJsonObject d{{QStringLiteral("namespace"), m_plan.namespaceName},
                  {QStringLiteral("context"), m_client->context().name}};
    if (!m_images.isEmpty())
        d.insert(QStringLiteral("images"), m_images.toJson());
    if (!m_plan.sandbox.storageClass.isEmpty())
        d.insert(QStringLiteral("storageClass"), m_plan.sandbox.storageClass);
    return d;
}

QList<QJsonObject> KubeDriver::podsOf(const plan::ServicePlan &service) const
{
    QList<QJsonObject> out;
    if (!m_pods)
        return out;
    const QMap<QString, QJsonObject> pods = m_pods->objects();
    for (const QJsonObject &pod : pods)
        if (serviceLabelOf(pod) == service.dnsName)
            out.append(pod);
    return out;
}

QJsonObject KubeDriver::workloadOf(const plan::ServicePlan &service) const
{
    KubeWatch *w = service.oneShot ? m_jobs : m_deployments;
    return w ? w->objects().value(m_plan.namespaceName + QLatin1Char('/') + service.dnsName) : QJsonObject();
}

// A workload that cannot make its pods (quota, Pod Security), or a Job that gave up.
std::optional<core::Error> KubeDriver::workloadProblem(const plan::ServicePlan &s) const
{
    const QJsonObject w = workloadOf(s);
    if (w.isEmpty())
        return std::nullopt;
    if (!s.oneShot)
        return PodDiagnosis::deploymentFailure(w, s.name, m_failedCreate.value(s.name));
    if (RolloutStatus::job(w).state == RolloutStatus::State::Failed && podsOf(s).isEmpty())
        return core::makeError(
            ErrorCategory::Kube, QStringLiteral("kube.job.failed"),
            QStringLiteral("One-shot service %1 failed: %2").arg(s.name, RolloutStatus::job(w).message));
    return std::nullopt;
}

void KubeDriver::onNamespaceChanged(const QString &type, const QJsonObject &ns)
{
    if (m_stopped || m_namespaceGone)
        return;
    if (type != QLatin1String("DELETED") && !meta(ns).contains(QStringLiteral("deletionTimestamp")))
        return;
    qCWarning(lcKube) << "namespace" << m_plan.namespaceName << "was deleted outside RepoRunner";
    m_namespaceGone = core::makeError(
        ErrorCategory::Kube, QStringLiteral("run.removed"),
        QStringLiteral("namespace %1 was deleted outside RepoRunner").arg(m_plan.namespaceName));
    observeAll();
}

std::optional<core::Error> KubeDriver::removal(const plan::ServicePlan &s) const
{
    if (m_namespaceGone)
        return m_namespaceGone;
    // A one-shot's Job may go once it is done; a long-running service's Deployment may not.
    if (s.oneShot || !workloadOf(s).isEmpty() || !m_seenWorkloads.contains(s.name))
        return std::nullopt;
    return core::makeError(
        ErrorCategory::Kube, QStringLiteral("run.removed"),
        QStringLiteral("deployment %1 of service %2 was deleted outside RepoRunner").arg(s.dnsName, s.name));
}

// Every service as the watches see it now; the rollout ignores what did not change for it.
void KubeDriver::observeAll()
{
    if (m_stopped)
        return;
    for (const plan::ServicePlan &s : m_plan.services) {
        if (!workloadOf(s).isEmpty())
            m_seenWorkloads.insert(s.name);
        const bool created = m_seenWorkloads.contains(s.name) || !podsOf(s).isEmpty();
        if (!created)
            continue; // not created yet
        if (const auto gone = removal(s)) {
            Q_EMIT observed(runtime::ServiceObservation{s.name, {}, gone->code});
            continue; // its pods are going too: what they say now is not the cause
        }
        runtime::ServiceObservation o = PodObservation::observe(s, podsOf(s));
        // The kubelet reports a start (and a crash right after it) a second or two late. Counting
        // the settle window from the reported start could let it close before the crash arrives,
        // so it counts from when this engine learnt of the start, never earlier.
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (runtime::InstanceObservation &i : o.instances) {
            if (i.phase != runtime::InstanceObservation::Phase::Running || !i.startedAt.isValid())
                continue;
            const QString key = i.id + QLatin1Char('@') + i.startedAt.toString(Qt::ISODate);
            const QDateTime learnt = m_learntStarts.value(key, now);
            m_learntStarts.insert(key, learnt);
            i.startedAt = qMax(i.startedAt, learnt);
        }
        for (const QJsonObject &pod : podsOf(s))
            if (const auto problem = PodDiagnosis::find(pod)) {
                o.problem = problem->reason;
                break;
            }
        if (o.problem.isEmpty())
            if (const auto e = workloadProblem(s))
                o.problem = e->code;
        Q_EMIT observed(o);
    }
}

void KubeDriver::onPodChanged(const QString &type, const QJsonObject &pod)
{
    const QString podName = nameOf(pod);
    const QString dns = serviceLabelOf(pod);
    const plan::ServicePlan *s = m_plan.service(dns);
    const QString service = s ? s->name : dns;
    if (type == QLatin1String("DELETED")) {
        for (auto it = m_followers.begin(); it != m_followers.end();) {
            if (it.value()->pod() == podName) {
                it.value()->deleteLater();
                it = m_followers.erase(it);
            } else {
                ++it;
            }
        }
    } else if (!m_stopped) {
        for (const QJsonValue &v : status(pod).value(QStringLiteral("containerStatuses")).toArray()) {
            const QJsonObject cs = v.toObject();
            const QJsonObject state = cs.value(QStringLiteral("state")).toObject();
            const bool started =
                state.contains(QStringLiteral("running")) || state.contains(QStringLiteral("terminated")) ||
                cs.value(QStringLiteral("lastState")).toObject().contains(QStringLiteral("terminated"));
            const QString container = cs.value(QStringLiteral("name")).toString();
            const QString key = podName + QLatin1Char('/') + container;
            if (!started || m_followers.contains(key))
                continue;
            auto *follower = new LogFollower(m_client, m_plan.namespaceName, podName, container, this);
            const QString prefix = s && s->replicas > 1 ? podName + QStringLiteral(": ") : QString();
            connect(follower, &LogFollower::line, this, [this, service, prefix](const QString &text) {
                Q_EMIT logLine(service, QStringLiteral("stdout"), prefix + text);
            });
            m_followers.insert(key, follower);
            follower->start();
        }
    }
    observeAll();
}

void KubeDriver::onEvent(const QString &type, const QJsonObject &event)
{
    if (type == QLatin1String("DELETED"))
        return;
    const QString key = meta(event).value(QStringLiteral("uid")).toString() + QLatin1Char('/') +
                        QString::number(event.value(QStringLiteral("count")).toInt());
    if (m_seenEvents.contains(key))
        return;
    m_seenEvents.insert(key);
    const QString involved =
        event.value(QStringLiteral("involvedObject")).toObject().value(QStringLiteral("name")).toString();
    const QString service = serviceOf(involved);
    if (event.value(QStringLiteral("reason")).toString() == QLatin1String("FailedCreate") &&
        !service.isEmpty())
        m_failedCreate.insert(service, event.value(QStringLiteral("message")).toString());
    Q_EMIT logLine(service, QStringLiteral("event"), PodDiagnosis::eventLine(event));
    observeAll();
}

QString KubeDriver::serviceOf(const QString &objectName) const
{
    QString best;
    int bestLength = 0;
    for (const plan::ServicePlan &s : m_plan.services)
        if ((objectName == s.dnsName || objectName.startsWith(s.dnsName + QLatin1Char('-'))) &&
            s.dnsName.size() > bestLength) {
            best = s.name;
            bestLength = int(s.dnsName.size());
        }
    return best;
}

QFuture<core::Error> KubeDriver::diagnose(const runtime::ServiceFailure &failure)
{
    auto promise = std::make_shared<QPromise<core::Error>>();
    promise->start();
    const plan::ServicePlan *s = m_plan.service(failure.service);
    if (s) {
        if (const auto gone = removal(*s)) {
            promise->addResult(*gone);
            promise->finish();
            return promise->future();
        }
        for (const QJsonObject &pod : podsOf(*s))
            if (const auto problem = PodDiagnosis::find(pod)) {
                describeWithLogs(*problem, s->name, promise);
                return promise->future();
            }
        if (const auto e = workloadProblem(*s)) {
            promise->addResult(*e);
            promise->finish();
            return promise->future();
        }
    }
    const QString what = failure.kind == runtime::ServiceFailure::Kind::Unhealthy
                             ? QStringLiteral("failed its health check")
                             : QStringLiteral("stopped");
    promise->addResult(core::makeError(ErrorCategory::Kube, QStringLiteral("kube.crashLoop"),
                                       QStringLiteral("Service %1 %2.").arg(failure.service, what)));
    promise->finish();
    return promise->future();
}

void KubeDriver::describeWithLogs(const PodProblem &problem, const QString &service,
                                  const std::shared_ptr<QPromise<core::Error>> &promise)
{
    const auto report = [problem, service, promise](const QStringList &lines) {
        promise->addResult(PodDiagnosis::describe(problem, service, lines));
        promise->finish();
    };
    if (!problem.wantsLogs()) {
        report({});
        return;
    }
    // The crashed instance's last lines explain most crashes. While a container waits in
    // CrashLoopBackOff, servers differ on whether that instance is "previous" or still the
    // current one, so ask for previous first and fall back to the current log.
    const QString path = QStringLiteral("/api/v1/namespaces/%1/pods/%2/log?container=%3&tailLines=20")
                             .arg(m_plan.namespaceName, problem.pod, problem.container);
    const auto linesOf = [](const core::Result<KubeReply> &r) {
        return r ? QString::fromUtf8(r->body).split(QLatin1Char('\n'), Qt::SkipEmptyParts) : QStringList();
    };
    const auto current = [this, path, report, linesOf] {
        m_client->send("GET", path, {}, {}, this,
                       [report, linesOf](const core::Result<KubeReply> &r) { report(linesOf(r)); });
    };
    if (problem.reason == QLatin1String("Error")) { // a one-shot: the current instance is the one that failed
        current();
        return;
    }
    m_client->send("GET", path + QStringLiteral("&previous=true"), {}, {}, this,
                   [report, linesOf, current](const core::Result<KubeReply> &r) {
                       const QStringList lines = linesOf(r);
                       if (lines.isEmpty())
                           current();
                       else
                           report(lines);
                   });
}

// A port-forward for every TCP Service port; the first of the primary service is the preview.
QFuture<core::Result<QList<runtime::Endpoint>>> KubeDriver::publish()
{
    using R = core::Result<QList<runtime::Endpoint>>;
    if (!m_forwarder) {
        m_forwarder = new PortForwarder(m_client, m_plan.namespaceName, m_pods, this);
        connect(m_forwarder, &PortForwarder::message, this,
                [this](const QString &service, const QString &text) {
                    Q_EMIT logLine(service, QStringLiteral("forward"), text);
                });
    }
    QList<runtime::Endpoint> endpoints;
    bool primaryTaken = false;
    for (const plan::ServicePlan &s : m_plan.services) {
        const QJsonObject spec = m_services.value(s.dnsName).value(QStringLiteral("spec")).toObject();
        QMap<QString, QString> selector;
        const QJsonObject sel = spec.value(QStringLiteral("selector")).toObject();
        for (auto it = sel.constBegin(); it != sel.constEnd(); ++it)
            selector.insert(it.key(), it.value().toString());
        for (const QJsonValue &v : spec.value(QStringLiteral("ports")).toArray()) {
            const QJsonObject port = v.toObject();
            if (port.value(QStringLiteral("protocol")).toString(QStringLiteral("TCP")) !=
                QLatin1String("TCP"))
                continue;
            ForwardSpec f;
            f.service = s.name;
            f.selector = selector;
            f.containerPort = port.value(QStringLiteral("port")).toInt();
            f.targetPort = port.value(QStringLiteral("targetPort"));
            f.address = m_plan.previewAddress.isEmpty() ? QStringLiteral("127.0.0.1") : m_plan.previewAddress;
            for (const plan::PlanPort &pp : s.ports)
                if (pp.containerPort == f.containerPort)
                    f.preferredPort = pp.hostPort;
            const core::Result<int> local = m_forwarder->add(f);
            if (!local)
                return core::promises::ready(R(core::fail(local.error())));
            runtime::Endpoint e;
            e.service = s.name;
            e.containerPort = f.containerPort;
            e.protocol = QStringLiteral("tcp");
            e.host = f.address;
            e.localPort = *local;
            e.url = QStringLiteral("http://%1:%2/").arg(e.host).arg(*local);
            e.primary = s.primary && !primaryTaken;
            primaryTaken = primaryTaken || e.primary;
            endpoints.append(e);
        }
    }
    return core::promises::ready(R(endpoints));
}

// One attempt of a couple of seconds; the rollout repeats it until its preview deadline.
QFuture<bool> KubeDriver::answers(const runtime::Endpoint &endpoint)
{
    constexpr int AttemptSeconds = 2;
    auto promise = std::make_shared<QPromise<bool>>();
    promise->start();
    auto *probe = new PreviewProbe(endpoint.host, endpoint.localPort, AttemptSeconds, this);
    const auto settle = [probe, promise](bool answered) {
        probe->deleteLater();
        promise->addResult(answered);
        promise->finish();
    };
    connect(probe, &PreviewProbe::answered, this, [settle] { settle(true); });
    connect(probe, &PreviewProbe::timedOut, this, [settle] { settle(false); });
    probe->start();
    return promise->future();
}

void KubeDriver::stop()
{
    m_stopped = true;
    for (KubeWatch *w : {m_pods, m_deployments, m_jobs, m_events, m_namespace})
        if (w)
            w->stop();
    for (LogFollower *f : std::as_const(m_followers))
        f->stop();
    if (m_forwarder)
        m_forwarder->closeAll();
}

} // namespace rr::kube
