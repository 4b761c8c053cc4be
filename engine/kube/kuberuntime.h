#pragma once

#include "kube/imagemap.h"
#include "kube/kubecontext.h"
#include "kube/kubeoptions.h"
#include "kube/policyenforcement.h"
#include "runtime/runtime.h"

#include <QHash>
#include <QPointer>
#include <QPromise>
#include <QSet>

#include <memory>

class QNetworkAccessManager;

namespace rr::runtime {
class Rollout;
}

namespace rr::kube {

class KubeClient;
class KubeDriver;

// The primary runtime: each run is a namespace on a (normally local kind) cluster, deployed
// with server-side apply, watched to readiness and previewed through WebSocket port-forwards.
class KubeRuntime final : public runtime::Runtime
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeRuntime)
public:
    // Reads the kubeconfig now; a missing/remote context makes every operation fail with why.
    KubeRuntime(QNetworkAccessManager *nam, KubeOptions options, QObject *parent = nullptr);
    ~KubeRuntime() override;

    QString name() const override { return QStringLiteral("kubernetes"); }
    QString target() const override;
    QFuture<core::Result<void>> probe() override;
    QFuture<core::Result<void>> loadImages(const plan::RunPlan &plan) override;
    QFuture<core::Result<runtime::Deployment>> deploy(const plan::RunPlan &plan) override;
    QFuture<core::Result<runtime::Deployment>> attach(const plan::RunPlan &plan,
                                                      const runtime::Deployment &previous) override;
    void cancel(const QString &runId) override;
    QFuture<core::Result<void>> teardown(const QString &runId) override;
    QFuture<core::Result<QStringList>> liveRunIds() override;

    // The configuration problem, if the runtime cannot be used at all.
    std::optional<core::Error> configurationError() const { return m_configError; }
    KubeClient *client() const { return m_client; }
    // Whether this cluster enforces NetworkPolicy (NetworkPolicyProbe), found out once and then
    // cached for the runtime's cluster. Deploy asks before anything of a run is created.
    QFuture<PolicyEnforcement> policyEnforcement();

    // The driver of a live run (forwards, watches); nullptr when none.
    KubeDriver *run(const QString &runId) const;

private:
    // A run's driver and the rollout driving it (a child of the driver).
    struct Active
    {
        QPointer<KubeDriver> driver;
        QPointer<runtime::Rollout> rollout;
    };

    QFuture<core::Result<runtime::Deployment>> start(const plan::RunPlan &plan, bool attach);
    // `plan` with what backs its named volumes on this cluster settled (kuberender::KubeStorage):
    // claims of the default StorageClass, else per-pod emptyDirs; the run's log says which.
    QFuture<plan::RunPlan> withStorage(const plan::RunPlan &plan);
    void dismiss(const QString &runId);
    void deleteNamespaces(const QString &runId, const QStringList &namespaces,
                          std::function<void(const core::Result<void> &)> done);
    void waitGone(const QString &runId, const QString &namespaceName,
                  std::function<void(const core::Result<void> &)> done);

    KubeOptions m_options;
    KubeClient *m_client = nullptr;
    std::optional<core::Error> m_configError;
    QHash<QString, Active> m_runs;
    QHash<QString, ImageMap> m_images;                         // run id -> where LOADING put its images
    QHash<QString, QFuture<core::Result<ImageMap>>> m_loading; // LOADING in flight, for cancel()
    QSet<QString> m_loadCancelled;                             // cancelled while LOADING
    std::optional<PolicyEnforcement> m_enforcement;            // the probe's answer, once known
    // Callers waiting for the probe in flight, each with its own promise (a QFuture takes only
    // one continuation); empty when no probe runs.
    QList<std::shared_ptr<QPromise<PolicyEnforcement>>> m_probeWaiters;
    QSet<QString> m_awaitingProbe; // deploys waiting for it
};

} // namespace rr::kube
