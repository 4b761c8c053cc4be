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

    // `owner` (the engine id, may be empty) labels the scratch namespace reporunner.dev/engine,
    // so the engine can find the namespaces of its own probes that never finished.
    NetworkPolicyProbe(KubeClient *client, QString image, QString owner = {}, QObject *parent = nullptr);
    ~NetworkPolicyProbe() override;

    static constexpr const char *ProbeLabel = "reporunner.dev/probe";

    QString namespaceName() const { return m_namespace; }

    // Deletes the scratch namespaces `owner`'s earlier probes left behind (an engine that
    // crashed mid-probe never deleted its own) and resolves with how many it deleted. Another
    // engine's probes, and any probe without an owner, are left alone.
    static QFuture<int> sweepLeftovers(KubeClient *client, const QString &owner);
    QFuture<PolicyEnforcement> run();

private:
    void createObjects();
    void onPod(const QJsonObject &pod);
    void startClients(const QString &serverIp);
    void conclude(PolicyEnforcement::State state, const QString &detail);
    QJsonObject pod(const QString &role, const QJsonArray &command) const;

    KubeClient *m_client;
    QString m_image;
    QString m_owner;
    QString m_namespace;
    KubeWatch *m_watch = nullptr;
    QTimer m_deadline;
    bool m_clientsStarted = false;
    bool m_done = false;
    std::shared_ptr<QPromise<PolicyEnforcement>> m_promise;
};

} // namespace rr::kube
