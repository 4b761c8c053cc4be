#include "kubetestenv.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslKey>
#include <QTimer>

namespace rr::test::kubeapi {

KubeTestEnv::KubeTestEnv() = default;

KubeTestEnv::~KubeTestEnv()
{
    if (m_process) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

QJsonObject KubeTestEnv::Reply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

bool KubeTestEnv::start(QString *error)
{
    if (qEnvironmentVariable("REPORUNNER_TEST_CLUSTER") == QLatin1String("local"))
        return findLocalCluster(error) && loadKubeconfig(error);
    const QByteArray external = qgetenv("REPORUNNER_TEST_KUBECONFIG");
    if (!external.isEmpty()) {
        m_kubeconfig = QString::fromLocal8Bit(external);
        return loadKubeconfig(error);
    }
    const QString certs = m_dir.path() + QStringLiteral("/certs");
    QProcess gen;
    gen.start(QStringLiteral("/bin/sh"), {QStringLiteral(RR_TEST_KUBEAPI_CERTS), certs});
    if (!gen.waitForFinished(60000) || gen.exitCode() != 0) {
        *error = QStringLiteral("certificate generation failed: ") +
                 QString::fromLocal8Bit(gen.readAllStandardError());
        return false;
    }
    m_kubeconfig = m_dir.path() + QStringLiteral("/kubeconfig");
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process->start(QStringLiteral(RR_TEST_APISERVER),
                     {QStringLiteral("--cert-dir"), certs, QStringLiteral("--schema"),
                      QStringLiteral(RR_TEST_KUBEAPI_SCHEMA), QStringLiteral("--kubeconfig-out"),
                      m_kubeconfig, QStringLiteral("--bookmark-ms"), QStringLiteral("300")});
    QByteArray out;
    while (!out.contains('\n') && m_process->waitForReadyRead(20000))
        out += m_process->readAllStandardOutput();
    if (!out.startsWith("READY ")) {
        *error = QStringLiteral("rr-test-apiserver did not start: ") + QString::fromLocal8Bit(out);
        return false;
    }
    return loadKubeconfig(error);
}

bool KubeTestEnv::findLocalCluster(QString *error)
{
    // The script is the one place that knows where the cluster keeps its kubeconfig.
    QProcess env;
    env.start(QStringLiteral("/bin/bash"), {QStringLiteral(RR_TEST_LOCAL_CLUSTER), QStringLiteral("env")});
    if (!env.waitForFinished(30000) || env.exitCode() != 0) {
        *error = QStringLiteral("the local cluster is not up (run scripts/local-cluster.sh up): ") +
                 QString::fromLocal8Bit(env.readAllStandardError()).trimmed();
        return false;
    }
    for (const QByteArray &line : env.readAllStandardOutput().split('\n')) {
        if (line.startsWith("KUBECONFIG="))
            m_kubeconfig = QString::fromLocal8Bit(line.mid(int(qstrlen("KUBECONFIG="))));
        else if (line.startsWith("REPORUNNER_CLUSTER_NODE="))
            m_nodeMode = QString::fromLocal8Bit(line.mid(int(qstrlen("REPORUNNER_CLUSTER_NODE="))));
        else if (line.startsWith("REPORUNNER_CLUSTER_NODE_IP="))
            m_nodeAddress = QString::fromLocal8Bit(line.mid(int(qstrlen("REPORUNNER_CLUSTER_NODE_IP="))));
        else if (line.startsWith("REPORUNNER_KUBECTL="))
            m_kubectl = QString::fromLocal8Bit(line.mid(int(qstrlen("REPORUNNER_KUBECTL="))));
    }
    if (m_kubeconfig.isEmpty()) {
        *error = QStringLiteral("scripts/local-cluster.sh env printed no KUBECONFIG");
        return false;
    }
    return true;
}

bool KubeTestEnv::loadKubeconfig(QString *error)
{
    // Reads the first cluster/user of a kind-style kubeconfig (embedded *-data fields).
    QFile f(m_kubeconfig);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read kubeconfig %1").arg(m_kubeconfig);
        return false;
    }
    QByteArray ca, cert, key;
    for (const QByteArray &raw : f.readAll().split('\n')) {
        const QByteArray line = raw.trimmed();
        const auto value = [&line] { return line.mid(line.indexOf(':') + 1).trimmed(); };
        if (line.startsWith("current-context:"))
            m_context = QString::fromUtf8(value());
        else if (line.startsWith("server:") && m_server.isEmpty())
            m_server = QString::fromLatin1(value());
        else if (line.startsWith("certificate-authority-data:") && ca.isEmpty())
            ca = QByteArray::fromBase64(value());
        else if (line.startsWith("client-certificate-data:") && cert.isEmpty())
            cert = QByteArray::fromBase64(value());
        else if (line.startsWith("client-key-data:") && key.isEmpty())
            key = QByteArray::fromBase64(value());
    }
    m_tls = QSslConfiguration::defaultConfiguration();
    m_tls.setCaCertificates(QSslCertificate::fromData(ca));
    m_tls.setLocalCertificate(QSslCertificate(cert));
    QSslKey k(key, QSsl::Rsa);
    if (k.isNull())
        k = QSslKey(key, QSsl::Ec);
    m_tls.setPrivateKey(k);
    if (m_server.isEmpty()) {
        *error = QStringLiteral("kubeconfig %1 has no server").arg(m_kubeconfig);
        return false;
    }
    return true;
}

KubeTestEnv::Reply KubeTestEnv::request(const QByteArray &method, const QString &path, const QByteArray &body,
                                        const QByteArray &contentType) const
{
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(m_server + path));
    req.setSslConfiguration(m_tls);
    req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    req.setRawHeader("Accept", "application/json");
    QNetworkReply *reply = nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    r.code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    delete reply;
    return r;
}

bool KubeTestEnv::control(const QString &endpoint, const QJsonObject &body) const
{
    if (!isSimulated())
        return false;
    return request("POST", QStringLiteral("/rr-test/") + endpoint, QJsonDocument(body).toJson()).code == 200;
}

} // namespace rr::test::kubeapi
