#pragma once

#include "httpconnection.h"
#include "imagepuller.h"
#include "registry.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

namespace rr::test::kubeapi {

// A tiny controller manager and kubelet: Deployments -> ReplicaSets -> Pods, Jobs -> Pods, and
// scripted container lifecycles chosen by image-name conventions (see README.md). Also serves logs.
class Simulator final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Simulator)

public:
    Simulator(Registry *registry, ServerConfig *config, QObject *parent = nullptr);

    // GET .../pods/{name}/log; answers or starts a chunked stream on `conn`.
    void serveLog(HttpConnection *conn, const QString &ns, const QString &pod, const HttpRequest &req);

private:
    struct LogLine
    {
        QDateTime time;
        QString text;
    };
    struct Instance
    {
        QList<LogLine> lines;
        bool ended = false;
    };
    struct Follower
    {
        QPointer<HttpConnection> conn;
        QString uid;
        QString container;
        int instance = 0;
        bool timestamps = false;
    };
    struct PodRun
    {
        QString ns;
        QString name;
        int step = 0;
        QHash<QString, QList<Instance>> logs; // container -> instances
        QHash<QString, int> linesLeft;        // lines still to print in the current instance
        QHash<QString, int> pause;            // steps to wait in CrashLoopBackOff
        QHash<QString, int> pullFailures;     // failed pulls already shown as ErrImagePull
    };

    void scheduleReconcile();
    void reconcile();
    void reconcileDeployment(QJsonObject deployment);
    void reconcileReplicaSet(QJsonObject rs);
    void reconcileJob(QJsonObject job);
    void reconcileClaim(QJsonObject claim);
    QString unschedulable(const QString &ns, const QJsonObject &podSpec) const;
    void tickPods();
    void tickPod(PodRun &run, QJsonObject pod);
    QList<QJsonObject> ownedBy(const ResourceType &type, const QString &ns, const QString &uid) const;
    bool createPod(const ResourceType &ownerType, const QJsonObject &owner, const QJsonObject &podTemplate,
                   QString *error);
    void appendLine(const QString &uid, const QString &container, const QString &text);
    void endInstance(const QString &uid, const QString &container);
    QString configError(const QString &ns, const QJsonObject &container) const;
    // True when enforcement is on and a NetworkPolicy selecting the pod denies all its egress.
    bool egressDenied(const QString &ns, const QJsonObject &pod) const;
    // ErrImagePull/ImagePullBackOff for a registry image the node cannot pull; empty = go on.
    QPair<QString, QString> pullProblem(PodRun &run, const QString &container, const QString &image);

    Registry *m_registry;
    ServerConfig *m_config;
    ImagePuller *m_puller;
    bool m_pending = false;
    QHash<QString, PodRun> m_runs;          // pod uid -> run
    QHash<QString, QDateTime> m_retryAfter; // owner uid -> next pod creation attempt after failure
    QList<Follower> m_followers;
    QSet<QString> m_unprovisioned; // claims whose ProvisioningFailed event was recorded
};

} // namespace rr::test::kubeapi
