#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QSslConfiguration>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace rr::test::kubeapi {

// Test-side access to "a cluster": the rr-test-apiserver process with fresh certificates, the
// real cluster named by REPORUNNER_TEST_KUBECONFIG, or (REPORUNNER_TEST_CLUSTER=local) the one
// scripts/local-cluster.sh brought up on this machine. Tests may block here.
class KubeTestEnv final
{
public:
    struct Reply
    {
        int code = 0;
        QByteArray body;
        QJsonObject json() const;
    };

    KubeTestEnv();
    ~KubeTestEnv();
    KubeTestEnv(const KubeTestEnv &) = delete;
    KubeTestEnv &operator=(const KubeTestEnv &) = delete;

    bool start(QString *error);
    // False against a real cluster: simulation knobs (/rr-test control, scripted pods) are unavailable.
    bool isSimulated() const { return m_process != nullptr; }
    // True when pods really run (the local cluster's --node real, or any external cluster): the
    // tests then build and deliver real images instead of scripting the simulated node.
    bool runsPods() const { return !isSimulated() && m_nodeMode != QLatin1String("kwok"); }
    // "real" or "kwok" for the local cluster, empty otherwise.
    QString nodeMode() const { return m_nodeMode; }
    // The local cluster's kubectl (built with it) and the node's address; empty elsewhere.
    QString kubectl() const { return m_kubectl; }
    QString nodeAddress() const { return m_nodeAddress; }
    QString kubeconfig() const { return m_kubeconfig; }
    // The kubeconfig's current context: naming the test cluster is the tester's choice, so the
    // engine under test gets it as its allow-list (KubeOptions::allowedContexts).
    QStringList allowedContexts() const { return {m_context}; }
    QString server() const { return m_server; }
    QString workDir() const { return m_dir.path(); }
    QSslConfiguration tls() const { return m_tls; }

    Reply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QByteArray &contentType = "application/json") const;
    // POST /rr-test/<endpoint>; simulated server only.
    bool control(const QString &endpoint, const QJsonObject &body) const;

private:
    bool loadKubeconfig(QString *error);
    bool findLocalCluster(QString *error);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_kubeconfig;
    QString m_context;
    QString m_nodeMode;
    QString m_kubectl;
    QString m_nodeAddress;
    QString m_server;
    QSslConfiguration m_tls;
};

} // namespace rr::test::kubeapi
