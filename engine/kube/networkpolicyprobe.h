#pragma once

#include "kube/policyenforcement.h"

#include <QFuture>
#include <QJsonObject>
#include <QObject>
#include <QPromise>
#include <QTimer>

#include <memory>

namespace rr::kube {

class KubeClient;
class KubeWatch;

// Finds out whether a cluster enforces NetworkPolicy (issue 11): in a scratch namespace, a
// server pod and two client pods; a policy denies all egress of the "denied" client. The
// "control" client must reach the server (else the answer is Unknown); if the denied one
// reaches it too, policy is not enforced. Pods follow the restricted Pod Security profile; the
// namespace is deleted afterwards. One probe per object; run() once.
class NetworkPolicyProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NetworkPolicyProbe)

public:
    static constexpr int TimeoutMs = 90000;
    static constexpr int ServerPort = 8080;
    static constexpr int PolicySettleSeconds = 8;

    NetworkPolicyProbe(KubeClient *client, QString image, QObject *parent = nullptr);
    ~NetworkPolicyProbe() override;

    QString namespaceName() const { return m_namespace; }
    QFuture<PolicyEnforcement> run();

private:
    void createObjects();
    void onPod(const QJsonObject &pod);
    void startClients(const QString &serverIp);
    void conclude(PolicyEnforcement::State state, const QString &detail);
    QJsonObject pod(const QString &role, const QJsonArray &command) const;

    KubeClient *m_client;
    QString m_image;
    QString m_namespace;
    KubeWatch *m_watch = nullptr;
    QTimer m_deadline;
    bool m_clientsStarted = false;
    bool m_done = false;
    std::shared_ptr<QPromise<PolicyEnforcement>> m_promise;
};

} // namespace rr::kube
