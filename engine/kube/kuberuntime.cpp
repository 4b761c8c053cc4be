#include "kube/kuberuntime.h"

#include "core/logging.h"
#include "core/names.h"
#include "core/promises.h"
#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/kubedriver.h"
#include "kube/kubewatch.h"
#include "kube/networkpolicyprobe.h"
#include "kuberender/kubestorage.h"
#include "runtime/loopbackaddresses.h"
#include "runtime/rollout.h"

#include <QJsonArray>
#include <QSet>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace rr::kube {

using core::ErrorCategory;

namespace {

core::Unexpected loadCancelled()
{
    return core::fail(ErrorCategory::Cancelled, QStringLiteral("kube.load.cancelled"),
                      QStringLiteral("Loading the images was cancelled."));
}

QString labelQuery(const QString &selector)
{
    return QStringLiteral("?labelSelector=") + QString::fromLatin1(QUrl::toPercentEncoding(selector));
}

} // namespace

KubeRuntime::KubeRuntime(QNetworkAccessManager *nam, KubeOptions options, QObject *parent)
    : Runtime(parent)
    , m_options(std::move(options))
{
    const QStringList files =
        m_options.kubeconfigFiles.isEmpty() ? Kubeconfig::defaultFiles() : m_options.kubeconfigFiles;
    const core::Result<Kubeconfig> config = Kubeconfig::load(files);
    if (!config) {
        m_configError = config.error();
        return;
    }
    core::Result<KubeContext> context = config->resolve(m_options.context);
    if (!context) {
        m_configError = context.error();
        return;
    }
    if (const core::Result<void> allowed = Kubeconfig::checkAllowed(*context, m_options.allowedContexts);
        !allowed) {
        m_configError = allowed.error();
        return;
    }
    m_client = new KubeClient(nam, *context, this);
}

KubeRuntime::~KubeRuntime() = default;

QString KubeRuntime::target() const
{
    if (!m_client)
        return {};
    const KubeContext &context = m_client->context();
    return QStringLiteral("context %1 at %2").arg(context.name, context.server);
}

QFuture<core::Result<void>> KubeRuntime::probe()
{
    if (!m_client)
        return core::promises::ready(core::Result<void>(core::fail(*m_configError)));
    auto promise = core::promises::started<core::Result<void>>();
    m_client->send("GET", QStringLiteral("/version"), {}, {}, this,
                   [promise](const core::Result<KubeReply> &r) {
                       core::promises::settle(promise, r ? core::Result<void>()
                                                         : core::Result<void>(core::fail(r.error())));
                   });
    return promise->future();
}

QFuture<core::Result<void>> KubeRuntime::loadImages(const plan::RunPlan &plan)
{
    using R = core::Result<void>;
    const QString runId = plan.runId;
    m_images.remove(runId);
    m_loadCancelled.remove(runId);
    if (!m_options.imageLoader)
        return core::promises::ready(R());
    if (!m_client)
        return core::promises::ready(R(core::fail(*m_configError)));
    auto promise = core::promises::started<R>();
    const auto finish = [this, promise, runId](R result) {
        m_loading.remove(runId);
        if (m_loadCancelled.remove(runId) && result)
            result = loadCancelled();
        core::promises::settle(promise, std::move(result));
    };
    m_loading.insert(runId, {}); // cancel() may come before the loader starts
    // Asking the cluster for its registry first keeps loaders free of Kubernetes calls.
    LocalRegistryHosting::discover(m_client).then(
        this, [this, plan, runId, finish](const core::Result<std::optional<LocalRegistryHosting>> &registry) {
            if (!registry)
                return finish(core::fail(registry.error()));
            if (m_loadCancelled.contains(runId))
                return finish(loadCancelled());
            QPointer<KubeRuntime> self(this);
            const auto report = [self, runId](const QString &line) {
                if (!self)
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, runId, line] {
                        if (self)
                            Q_EMIT self->logLine(runId, QString(), QStringLiteral("event"), line);
                    },
                    Qt::QueuedConnection);
            };
            QFuture<core::Result<ImageMap>> loading = m_options.imageLoader({plan, *registry, report});
            m_loading.insert(runId, loading);
            loading
                .then(this,
                      [this, runId, finish](const core::Result<ImageMap> &loaded) {
                          if (!loaded)
                              return finish(core::fail(loaded.error()));
                          m_images.insert(runId, *loaded);
                          finish({});
                      })
                .onCanceled(this, [finish] { finish(loadCancelled()); });
        });
    return promise->future();
}

QFuture<core::Result<runtime::Deployment>> KubeRuntime::deploy(const plan::RunPlan &plan)
{
    using R = core::Result<runtime::Deployment>;
    if (!m_client || (!m_options.probeNetworkPolicy && plan.namedVolumes.isEmpty()))
        return start(owned(plan), false);
    // Nothing of the run exists until the cluster's NetworkPolicy answer and its default
    // StorageClass are known.
    const plan::RunPlan p = owned(plan);
    const QString runId = p.runId;
    m_awaitingProbe.insert(runId);
    auto promise = core::promises::started<R>();
    const auto cancelled = [promise] {
        core::promises::settle(promise,
                               R(core::fail(ErrorCategory::Cancelled, QStringLiteral("kube.deploy.cancelled"),
                                            QStringLiteral("The run was stopped."))));
    };
    const auto deployWithStorage = [this, p, runId, promise, cancelled] {
        core::promises::whenFinished(
            this, withStorage(p), [this, runId, promise, cancelled](const plan::RunPlan &settled) {
                if (!m_awaitingProbe.remove(runId))
                    return cancelled();
                core::promises::whenFinished(this, start(settled, false), [promise](const R &result) {
                    core::promises::settle(promise, result);
                });
            });
    };
    if (!m_options.probeNetworkPolicy) {
        deployWithStorage();
        return promise->future();
    }
    core::promises::whenFinished(
        this, policyEnforcement(),
        [this, runId, cancelled, deployWithStorage](const PolicyEnforcement &answer) {
            if (!m_awaitingProbe.contains(runId))
                return cancelled();
            if (!answer.enforced())
                Q_EMIT logLine(runId, QString(), QStringLiteral("event"),
                               QStringLiteral("Warning: ") + answer.detail);
            deployWithStorage();
        });
    return promise->future();
}

QFuture<plan::RunPlan> KubeRuntime::withStorage(const plan::RunPlan &plan)
{
    if (plan.namedVolumes.isEmpty())
        return core::promises::ready(plan);
    auto promise = core::promises::started<plan::RunPlan>();
    m_client->send("GET", QStringLiteral("/apis/storage.k8s.io/v1/storageclasses"), {}, {}, this,
                   [this, plan, promise](const core::Result<KubeReply> &r) {
                       plan::RunPlan settled = plan;
                       const qsizetype before = settled.report.entries.size();
                       if (r)
                           kuberender::KubeStorage::settle(settled,
                                                           kuberender::KubeStorage::defaultClass(r->json()),
                                                           QStringLiteral("no default StorageClass"));
                       else
                           kuberender::KubeStorage::settle(
                               settled, QString(),
                               QStringLiteral("its StorageClasses could not be read: ") + r.error().message);
                       // The run's log says what backs its named volumes; the report carries it too.
                       for (qsizetype i = before; i < settled.report.entries.size(); ++i) {
                           const plan::ReportEntry &e = settled.report.entries.at(i);
                           Q_EMIT logLine(settled.runId, QString(), QStringLiteral("event"),
                                          (e.status == plan::ReportEntry::Status::Adapted
                                               ? QStringLiteral("Adapted: ")
                                               : QStringLiteral("Volumes: ")) +
                                              e.reason);
                       }
                       core::promises::settle(promise, settled);
                   });
    return promise->future();
}

QFuture<PolicyEnforcement> KubeRuntime::policyEnforcement()
{
    if (m_enforcement)
        return core::promises::ready(*m_enforcement);
    if (!m_client)
        return core::promises::ready(
            PolicyEnforcement{PolicyEnforcement::State::Unknown, m_configError->message});
    auto waiter = core::promises::started<PolicyEnforcement>();
    m_probeWaiters.append(waiter);
    if (m_probeWaiters.size() > 1)
        return waiter->future(); // a probe is already under way
    const auto probeWith = [this](const QString &image) {
        // First the namespaces of this engine's probes that never finished (a crash mid-probe).
        core::promises::whenFinished(
            this, NetworkPolicyProbe::sweepLeftovers(m_client, owner()), [this, image](int) {
                auto *probe = new NetworkPolicyProbe(m_client, image, owner(), this);
                core::promises::whenFinished(this, probe->run(),
                                             [this, probe](const PolicyEnforcement &answer) {
                                                 m_enforcement = answer;
                                                 probe->deleteLater();
                                                 for (const auto &w : std::exchange(m_probeWaiters, {}))
                                                     core::promises::settle(w, answer);
                                             });
            });
    };
    const QString image = m_options.networkProbeImage;
    if (!m_options.imageLoader) {
        probeWith(image);
        return waiter->future();
    }
    // The probe's image reaches the cluster the way a run's images do (kind node import or the
    // cluster's registry); if that fails the cluster may still have it.
    core::promises::whenFinished(
        this, LocalRegistryHosting::discover(m_client),
        [this, probeWith, image](const core::Result<std::optional<LocalRegistryHosting>> &registry) {
            if (!registry)
                return probeWith(image);
            plan::RunPlan plan;
            plan.runId = QStringLiteral("netprobe");
            plan::ServicePlan service;
            service.name = QStringLiteral("probe");
            service.image = image;
            service.build = plan::PlanBuild{}; // "present here": what loaders move
            plan.services << service;
            core::promises::whenFinished(this, m_options.imageLoader({plan, *registry, {}}),
                                         [probeWith, image](const core::Result<ImageMap> &loaded) {
                                             probeWith(loaded ? loaded->deliveredFor(image) : image);
                                         });
        });
    return waiter->future();
}

QFuture<core::Result<runtime::Deployment>> KubeRuntime::attach(const plan::RunPlan &plan,
                                                               const runtime::Deployment &previous)
{
    plan::RunPlan p = owned(plan);
    const QString ns = previous.details.value(QStringLiteral("namespace")).toString();
    if (!ns.isEmpty())
        p.namespaceName = ns;
    m_images.insert(plan.runId,
                    ImageMap::fromJson(previous.details.value(QStringLiteral("images")).toObject()));
    // Render the named volumes as the deployment did (claims or emptyDirs).
    p.sandbox.storageClass = previous.details.value(QStringLiteral("storageClass")).toString();
    return start(p, true);
}

QFuture<core::Result<runtime::Deployment>> KubeRuntime::start(const plan::RunPlan &plan, bool attach)
{
    using R = core::Result<runtime::Deployment>;
    if (!m_client)
        return core::promises::ready(R(core::fail(*m_configError)));
    dismiss(plan.runId);
    auto promise = core::promises::started<R>();
    auto *driver = new KubeDriver(m_client, plan, m_options, m_images.value(plan.runId), this);
    const auto options = runtime::RolloutOptions::from(m_options, ErrorCategory::Kube, attach);
    auto *rollout = new runtime::Rollout(driver->plan(), driver, options, driver);
    m_runs.insert(plan.runId, Active{driver, rollout});
    const QString runId = plan.runId;
    connect(driver, &runtime::RolloutDriver::logLine, this,
            [this, runId](const QString &service, const QString &stream, const QString &text) {
                Q_EMIT logLine(runId, service, stream, text);
            });
    connect(
        rollout, &runtime::Rollout::serviceStatusChanged, this,
        [this, runId](const runtime::ServiceStatus &status) { Q_EMIT serviceStatusChanged(runId, status); });
    connect(rollout, &runtime::Rollout::broken, this,
            [this, runId](const core::Error &error) { Q_EMIT runBroken(runId, error); });
    connect(rollout, &runtime::Rollout::ready, this,
            [promise, driver, runId](const QList<runtime::Endpoint> &endpoints) {
                core::promises::settle(promise, R(runtime::Deployment{runId, endpoints, driver->details()}));
            });
    connect(rollout, &runtime::Rollout::failed, this,
            [this, promise, driver, runId](const core::Error &error) {
                qCInfo(lcKube) << "run" << runId << "failed:" << error.code;
                if (m_runs.value(runId).driver == driver)
                    m_runs.remove(runId);
                driver->deleteLater();
                core::promises::settle(promise, R(core::fail(error)));
            });
    rollout->start();
    return promise->future();
}

// Ends the rollout of a run (an earlier deployment being replaced, or teardown).
void KubeRuntime::dismiss(const QString &runId)
{
    const Active a = m_runs.take(runId);
    if (a.rollout)
        a.rollout->cancel(); // fails an in-flight deploy as Cancelled
    if (a.driver) {
        a.driver->stop();
        a.driver->deleteLater();
    }
}

void KubeRuntime::cancel(const QString &runId)
{
    m_awaitingProbe.remove(runId);
    if (m_loading.contains(runId)) {
        m_loadCancelled.insert(runId);
        m_loading[runId].cancel(); // aborts the loader's transfer (Docker calls poll for it)
    }
    if (const Active a = m_runs.value(runId); a.rollout && !a.rollout->isReady())
        a.rollout->cancel();
}

QFuture<core::Result<void>> KubeRuntime::teardown(const QString &runId)
{
    using R = core::Result<void>;
    if (!m_client)
        return core::promises::ready(R(core::fail(*m_configError)));
    m_images.remove(runId);
    m_awaitingProbe.remove(runId);
    QSet<QString> namespaces;
    if (const Active a = m_runs.value(runId); a.driver)
        namespaces.insert(a.driver->namespaceName());
    dismiss(runId); // closes the run's forwards
    runtime::LoopbackAddresses::release(previewKey(runId));
    auto promise = core::promises::started<R>();
    // Labels find what an earlier engine process created, too.
    const QString path =
        QStringLiteral("/api/v1/namespaces") +
        labelQuery(QStringLiteral("reporunner.dev/run-id=") + core::names::toDnsLabel(runId));
    m_client->send("GET", path, {}, {}, this,
                   [this, promise, runId, namespaces](const core::Result<KubeReply> &r) mutable {
                       if (!r) {
                           core::promises::settle(promise, R(core::fail(r.error())));
                           return;
                       }
                       for (const QJsonValue &v : r->json().value(QStringLiteral("items")).toArray())
                           namespaces.insert(v.toObject()
                                                 .value(QStringLiteral("metadata"))
                                                 .toObject()
                                                 .value(QStringLiteral("name"))
                                                 .toString());
                       deleteNamespaces(runId, namespaces.values(), [promise](const R &result) {
                           core::promises::settle(promise, result);
                       });
                   });
    return promise->future();
}

void KubeRuntime::deleteNamespaces(const QString &runId, const QStringList &namespaces,
                                   std::function<void(const core::Result<void> &)> done)
{
    if (namespaces.isEmpty()) {
        done({});
        return;
    }
    auto pending = std::make_shared<int>(int(namespaces.size()));
    auto firstError = std::make_shared<std::optional<core::Error>>();
    const auto oneDone = [pending, firstError, done](const core::Result<void> &r) {
        if (!r && !*firstError)
            *firstError = r.error();
        if (--*pending == 0)
            done(*firstError ? core::Result<void>(core::fail(**firstError)) : core::Result<void>());
    };
    for (const QString &ns : namespaces) {
        m_client->send("DELETE", QStringLiteral("/api/v1/namespaces/") + ns, {}, {}, this,
                       [this, runId, ns, oneDone](const core::Result<KubeReply> &r) {
                           // 404: already gone; 409: already terminating. Both mean "wait".
                           if (!r && r.error().code != QLatin1String("kube.notFound") &&
                               r.error().code != QLatin1String("kube.conflict")) {
                               oneDone(core::fail(r.error()));
                               return;
                           }
                           Q_EMIT logLine(runId, QString(), QStringLiteral("event"),
                                          QStringLiteral("Deleting namespace %1 (Terminating)").arg(ns));
                           waitGone(runId, ns, oneDone);
                       });
    }
}

void KubeRuntime::waitGone(const QString &runId, const QString &namespaceName,
                           std::function<void(const core::Result<void> &)> done)
{
    auto *watch = new KubeWatch(m_client, QStringLiteral("/api/v1/namespaces"), {},
                                QStringLiteral("metadata.name=") + namespaceName, this);
    auto *timer = new QTimer(watch);
    auto finished = std::make_shared<bool>(false);
    const auto finish = [watch, done, finished](const core::Result<void> &r) {
        if (*finished)
            return;
        *finished = true;
        watch->stop();
        watch->deleteLater();
        done(r);
    };
    connect(watch, &KubeWatch::synced, this, [watch, finish] {
        if (watch->objects().isEmpty())
            finish({});
    });
    connect(watch, &KubeWatch::changed, this,
            [this, runId, namespaceName, finish](const QString &type, const QJsonObject &) {
                if (type == QLatin1String("DELETED")) {
                    Q_EMIT logLine(runId, QString(), QStringLiteral("event"),
                                   QStringLiteral("Namespace %1 is gone").arg(namespaceName));
                    finish({});
                }
            });
    connect(watch, &KubeWatch::failed, this, [finish](const core::Error &e) { finish(core::fail(e)); });
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [namespaceName, finish] {
        finish(core::fail(ErrorCategory::Kube, QStringLiteral("kube.teardown.timeout"),
                          QStringLiteral("Namespace %1 is still terminating after 5 minutes; something in it "
                                         "does not finish.")
                              .arg(namespaceName)));
    });
    timer->start(300000);
    watch->start();
}

QFuture<core::Result<QStringList>> KubeRuntime::liveRunIds()
{
    using R = core::Result<QStringList>;
    if (!m_client)
        return core::promises::ready(R(core::fail(*m_configError)));
    auto promise = core::promises::started<R>();
    QString selector = QStringLiteral("app.kubernetes.io/managed-by=reporunner");
    if (!owner().isEmpty())
        selector += QLatin1Char(',') + QLatin1String(EngineLabel) + QLatin1Char('=') + owner();
    m_client->send("GET", QStringLiteral("/api/v1/namespaces") + labelQuery(selector), {}, {}, this,
                   [promise](const core::Result<KubeReply> &r) {
                       if (!r) {
                           core::promises::settle(promise, R(core::fail(r.error())));
                           return;
                       }
                       QStringList ids;
                       for (const QJsonValue &v : r->json().value(QStringLiteral("items")).toArray()) {
                           const QString id = v.toObject()
                                                  .value(QStringLiteral("metadata"))
                                                  .toObject()
                                                  .value(QStringLiteral("labels"))
                                                  .toObject()
                                                  .value(QStringLiteral("reporunner.dev/run-id"))
                                                  .toString();
                           if (!id.isEmpty() && !ids.contains(id))
                               ids << id;
                       }
                       core::promises::settle(promise, R(ids));
                   });
    return promise->future();
}

KubeDriver *KubeRuntime::run(const QString &runId) const
{
    return m_runs.value(runId).driver;
}

} // namespace rr::kube
