#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QSslConfiguration>
#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace rr::test::kubeapi {

// Test-side access to "a cluster": the rr-test-apiserver process with fresh certificates, or the
// real cluster named by REPORUNNER_TEST_KUBECONFIG. Tests may block here.
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
    QString kubeconfig() const { return m_kubeconfig; }
    QString server() const { return m_server; }
    QString workDir() const { return m_dir.path(); }
    QSslConfiguration tls() const { return m_tls; }

    Reply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QByteArray &contentType = "application/json") const;
    // POST /rr-test/<endpoint>; simulated server only.
    bool control(const QString &endpoint, const QJsonObject &body) const;

private:
    bool loadKubeconfig(QString *error);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_kubeconfig;
    QString m_server;
    QSslConfiguration m_tls;
};

} // namespace rr::test::kubeapi
