#pragma once

// A real Docker registry for the registry-delivery tests and bench_image_delivery: Debian's
// docker-registry (distribution 2.8) on 127.0.0.1 with filesystem storage in a temporary
// folder. Docker treats 127.0.0.0/8 registries as insecure, so it pushes there over plain
// http without any daemon configuration. Test code: it blocks while starting and asking.
#include <QDirIterator>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <memory>

namespace rr::test {

class RegistryServer final
{
public:
    RegistryServer() = default;
    ~RegistryServer() { stop(); }
    RegistryServer(const RegistryServer &) = delete;
    RegistryServer &operator=(const RegistryServer &) = delete;

    // /usr/bin/docker-registry or one on PATH; empty when not installed.
    static QString binary()
    {
        if (QFileInfo(QStringLiteral("/usr/bin/docker-registry")).isExecutable())
            return QStringLiteral("/usr/bin/docker-registry");
        return QStandardPaths::findExecutable(QStringLiteral("docker-registry"));
    }

    // Starts it and waits until /v2/ answers; false with errorString() on failure.
    bool start()
    {
        const QString program = binary();
        if (program.isEmpty()) {
            m_error = QStringLiteral("docker-registry is not installed (apt-get install docker-registry)");
            return false;
        }
        {
            QTcpServer probe; // a port that was free a moment ago
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        const QString config = m_dir.filePath(QStringLiteral("config.yml"));
        QFile f(config);
        if (!f.open(QIODevice::WriteOnly)) {
            m_error = QStringLiteral("cannot write ") + config;
            return false;
        }
        f.write(QStringLiteral("version: 0.1\nlog:\n  level: warn\n"
                               "storage:\n  filesystem:\n    rootdirectory: %1\n"
                               "http:\n  addr: 127.0.0.1:%2\n")
                    .arg(m_dir.filePath(QStringLiteral("data")))
                    .arg(m_port)
                    .toUtf8());
        f.close();
        const QString log = m_dir.filePath(QStringLiteral("registry.log"));
        m_process = std::make_unique<QProcess>();
        m_process->setStandardOutputFile(log);
        m_process->setStandardErrorFile(log, QIODevice::Append);
        m_process->start(program, {QStringLiteral("serve"), config});
        for (int attempt = 0; attempt < 200; ++attempt) {
            if (!m_process->waitForStarted(5000) || m_process->state() == QProcess::NotRunning) {
                QFile text(log);
                text.open(QIODevice::ReadOnly);
                m_error = QStringLiteral("docker-registry exited: ") + QString::fromUtf8(text.readAll());
                return false;
            }
            if (get(QStringLiteral("/v2/")).status == 200) // a registry without auth answers 200 {}
                return true;
            QThread::msleep(50);
        }
        m_error = QStringLiteral("docker-registry did not answer on port %1").arg(m_port);
        return false;
    }

    void stop()
    {
        if (!m_process)
            return;
        m_process->terminate();
        if (!m_process->waitForFinished(5000))
            m_process->kill();
        m_process->waitForFinished(5000);
        m_process.reset();
    }

    QString host() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); } // as references name it
    QString url() const { return QStringLiteral("http://") + host(); }
    QString errorString() const { return m_error; }

    struct Answer
    {
        int status = 0;    // 0: nothing answered
        QByteArray digest; // Docker-Content-Digest
        QByteArray body;
    };
    Answer get(const QString &path) const
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(QUrl(url() + path));
        request.setRawHeader("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                                       "application/vnd.oci.image.manifest.v1+json");
        QNetworkReply *reply = nam.get(request);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.digest = reply->rawHeader("Docker-Content-Digest");
        a.body = reply->readAll();
        delete reply;
        return a;
    }
    // GET /v2/<name>/manifests/<reference>.
    Answer manifest(const QString &name, const QString &reference) const
    {
        return get(QStringLiteral("/v2/%1/manifests/%2").arg(name, reference));
    }

    // Bytes of blob data the registry holds on disk: what pushes really delivered.
    qint64 storedBlobBytes() const
    {
        qint64 total = 0;
        QDirIterator it(m_dir.filePath(QStringLiteral("data/docker/registry/v2/blobs")),
                        {QStringLiteral("data")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            total += it.fileInfo().size();
        }
        return total;
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    int m_port = 0;
    QString m_error;
};

} // namespace rr::test
