#pragma once

#include "core/error.h"
#include "kube/imagemap.h"
#include "kube/kubeoptions.h"
#include "plan/runplan.h"
#include "runtime/runtime.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace rr::kube {

class KubeClient;
class KubeWatch;
class LogFollower;
class PortForwarder;
struct PodProblem;

// Deploys (or re-attaches to) one run: creates the namespace, applies the rendered objects with
// server-side apply, starts workloads wave by wave once their dependencies are started, healthy
// or completed (all decided from watches), follows logs and events, diagnoses failing pods,
// forwards the Services' ports and waits for the primary preview to answer.
class RunDeployer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunDeployer)
public:
    // Deploys `plan` with the references LOADING gave its images (`images`).
    RunDeployer(KubeClient *client, const plan::RunPlan &plan, KubeOptions options, bool attach,
                ImageMap images, QObject *parent = nullptr);
    ~RunDeployer() override;

    void start();
    void cancel();
    // Stops watches, log followers and forwards (teardown, or a failed deploy).
    void shutdown();

    const plan::RunPlan &plan() const { return m_plan; }
    QString namespaceName() const { return m_plan.namespaceName; }
    bool isReady() const { return m_ready; }
    PortForwarder *forwarder() const { return m_forwarder; }

Q_SIGNALS:
    void ready(const rr::runtime::Deployment &deployment);
    void failed(const rr::core::Error &error);
    void broken(const rr::core::Error &error); // after READY
    void logLine(const QString &service, const QString &stream, const QString &text);
    void serviceStatusChanged(const rr::runtime::ServiceStatus &status);

private:
    enum class Need
    {
        Started,
        Healthy,
        Completed
    };

    void createNamespace();
    void resumeServices();
    void startWatches();
    void applyBase(int index);
    void applyWave();
    void evaluate();
    bool satisfied(const plan::ServicePlan &service, Need need) const;
    Need need(const plan::ServicePlan &service) const;
    void checkFailures();
    void reportProblem(const QString &service, const PodProblem &problem);
    void becomeReady();
    QString waitingFor() const;
    void fail(const core::Error &error);
    void onPodChanged(const QString &type, const QJsonObject &pod);
    void onEvent(const QString &type, const QJsonObject &event);
    void updateStatuses();
    void startForwards();
    QString serviceOf(const QString &objectName) const;
    QList<QJsonObject> podsOf(const plan::ServicePlan &service) const;
    QJsonObject workloadOf(const plan::ServicePlan &service) const;

    KubeClient *m_client;
    plan::RunPlan m_plan;
    KubeOptions m_options;
    bool m_attach;
    ImageMap m_images;
    void split(const QList<QJsonObject> &objects);

    QJsonObject m_namespaceObject;
    QList<QJsonObject> m_base; // everything but Deployments/Jobs (and the Namespace)
    bool m_aliasesResolved = false;
    QMap<QString, QString> m_failedCreate;  // service -> last FailedCreate event message
    QMap<QString, QJsonObject> m_workloads; // by dnsName
    QMap<QString, QJsonObject> m_services;  // Service objects as the API returned them, by name
    QList<QStringList> m_waves;
    int m_wave = -1; // waves applied so far - 1
    bool m_applying = false;
    KubeWatch *m_pods = nullptr;
    KubeWatch *m_deployments = nullptr;
    KubeWatch *m_jobs = nullptr;
    KubeWatch *m_events = nullptr;
    PortForwarder *m_forwarder = nullptr;
    QHash<QString, LogFollower *> m_followers; // pod/container
    QSet<QString> m_seenEvents;
    QSet<QString> m_reported;            // problems already diagnosed (pod/reason/restarts)
    QMap<QString, QString> m_statusText; // service -> last emitted status
    QTimer m_deadline;
    runtime::Deployment m_deployment;
    bool m_forwarding = false;
    bool m_settling = false;
    bool m_settled = false;
    bool m_ready = false;
    bool m_finished = false; // failed or cancelled
};

} // namespace rr::kube
