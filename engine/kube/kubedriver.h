#pragma once

#include "core/error.h"
#include "kube/imagemap.h"
#include "kube/kubeoptions.h"
#include "kube/poddiagnosis.h"
#include "plan/runplan.h"
#include "runtime/rolloutdriver.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPromise>
#include <QSet>

#include <memory>

namespace rr::kube {

class KubeClient;
class KubeWatch;
class LogFollower;
class PortForwarder;

// Rollout's driver for Kubernetes: creates (or, attaching, finds) the run's namespace and
// shared objects with server-side apply, applies one service's Deployment or Job when the
// rollout says so, and reports what its watches see of pods, workloads and events; it follows
// logs, diagnoses failing pods (PodDiagnosis, with the crashed instance's last lines) and
// opens a port-forward for every Service port. It decides nothing about order or readiness.
// The run's namespace is watched too: its deletion, or a workload deleted outside RepoRunner,
// becomes every affected service's problem, diagnosed as such (teardown stops the driver first).
class KubeDriver final : public runtime::RolloutDriver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeDriver)
public:
    // Deploys `plan` with the references LOADING gave its images (`images`).
    KubeDriver(KubeClient *client, const plan::RunPlan &plan, KubeOptions options, ImageMap images,
               QObject *parent = nullptr);
    ~KubeDriver() override;

    QFuture<core::Result<void>> prepare(bool attach) override;
    QFuture<core::Result<void>> create(const plan::ServicePlan &service) override;
    QFuture<core::Result<void>> restart(const plan::ServicePlan &service) override;
    QFuture<core::Error> diagnose(const runtime::ServiceFailure &failure) override;
    QFuture<core::Result<QList<runtime::Endpoint>>> publish() override;
    QFuture<bool> answers(const runtime::Endpoint &endpoint) override;
    QJsonObject details() const override;
    // Stops watches, log followers and forwards (teardown, or a failed rollout).
    void stop() override;

    const plan::RunPlan &plan() const { return m_plan; }
    QString namespaceName() const { return m_plan.namespaceName; }
    PortForwarder *forwarder() const { return m_forwarder; }

private:
    using Prepared = std::shared_ptr<QPromise<core::Result<void>>>;

    void split(const QList<QJsonObject> &objects);
    void createNamespace(const Prepared &done);
    void resumeServices(const Prepared &done);
    void startWatches();
    void applyBase(int index, const Prepared &done);
    void observeAll();
    void onNamespaceChanged(const QString &type, const QJsonObject &ns);
    // Why `service` is gone when it was deleted outside RepoRunner (its namespace or workload).
    std::optional<core::Error> removal(const plan::ServicePlan &service) const;
    void onPodChanged(const QString &type, const QJsonObject &pod);
    void onEvent(const QString &type, const QJsonObject &event);
    QString serviceOf(const QString &objectName) const;
    QList<QJsonObject> podsOf(const plan::ServicePlan &service) const;
    QJsonObject workloadOf(const plan::ServicePlan &service) const;
    std::optional<core::Error> workloadProblem(const plan::ServicePlan &service) const;
    void describeWithLogs(const PodProblem &problem, const QString &service,
                          const std::shared_ptr<QPromise<core::Error>> &promise);
    void finish(const Prepared &done, const core::Result<void> &result);

    KubeClient *m_client;
    plan::RunPlan m_plan;
    KubeOptions m_options;
    ImageMap m_images;

    QJsonObject m_namespaceObject;
    QList<QJsonObject> m_base; // everything but Deployments/Jobs (and the Namespace)
    bool m_aliasesResolved = false;
    QMap<QString, QString> m_failedCreate;  // service -> last FailedCreate event message
    QMap<QString, QJsonObject> m_workloads; // by dnsName
    QMap<QString, QJsonObject> m_services;  // Service objects as the API returned them, by name
    KubeWatch *m_pods = nullptr;
    KubeWatch *m_deployments = nullptr;
    KubeWatch *m_jobs = nullptr;
    KubeWatch *m_events = nullptr;
    KubeWatch *m_namespace = nullptr;
    std::optional<core::Error> m_namespaceGone;
    QSet<QString> m_seenWorkloads; // services whose workload a watch has shown
    PortForwarder *m_forwarder = nullptr;
    QHash<QString, LogFollower *> m_followers; // pod/container
    QSet<QString> m_seenEvents;
    QHash<QString, QDateTime> m_learntStarts; // pod@start -> when a watch first reported that start
    bool m_stopped = false;
};

} // namespace rr::kube
