// Port-forward benchmark: bytes from a local TCP source read directly over loopback, and the
// same bytes read through our v4.channel.k8s.io WebSocket tunnel (PortForwarder → API server →
// "pod" port, which the test API server bridges to the source). Prints both rates and the ratio.
#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/kubewatch.h"
#include "kube/portforwarder.h"
#include "kubetestenv.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>

#include <cstdio>

namespace {

// Sends `total` bytes to every client, then closes.
class Source final : public QTcpServer
{
public:
    explicit Source(qint64 total)
        : m_total(total)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                auto sent = std::make_shared<qint64>(0);
                const auto pump = [this, s, sent] {
                    static const QByteArray chunk(64 * 1024, 'x');
                    while (*sent < m_total && s->bytesToWrite() < 4 * chunk.size()) {
                        const qint64 n = qMin<qint64>(chunk.size(), m_total - *sent);
                        s->write(chunk.constData(), n);
                        *sent += n;
                    }
                    if (*sent >= m_total && s->bytesToWrite() == 0)
                        s->disconnectFromHost();
                };
                connect(s, &QTcpSocket::bytesWritten, s, pump);
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                pump();
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }

private:
    qint64 m_total;
};

// Reads everything from a port; returns bytes/second (0 on failure).
double drain(int port, qint64 expected)
{
    QTcpSocket s;
    qint64 got = 0;
    bool closed = false;
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { got += s.readAll().size(); });
    QObject::connect(&s, &QTcpSocket::disconnected, &s, [&closed] { closed = true; });
    QElapsedTimer clock;
    clock.start();
    s.connectToHost(QHostAddress::LocalHost, quint16(port));
    QDeadlineTimer deadline(120000);
    while (!closed && got < expected && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const double seconds = clock.nsecsElapsed() / 1e9;
    return got >= expected ? double(got) / seconds : 0.0;
}

template<class T> T await(QFuture<T> f)
{
    while (!f.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return f.result();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const qint64 total = (smoke ? 4 : 64) * 1024 * 1024;

    rr::test::kubeapi::KubeTestEnv env;
    QString error;
    if (!env.start(&error) || !env.isSimulated()) {
        std::fprintf(stderr, "skipped: needs the simulated API server (%s)\n", qPrintable(error));
        return 77;
    }
    Source source(total);
    auto config = rr::kube::Kubeconfig::load({env.kubeconfig()});
    auto context = config->resolve();
    QNetworkAccessManager nam;
    rr::kube::KubeClient client(&nam, *context);
    const QString ns = QStringLiteral("rr-bench-forward");
    await(client.create(QStringLiteral("/api/v1/namespaces"),
                        {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), ns}}}}));
    const QJsonObject pod{
        {QStringLiteral("metadata"),
         QJsonObject{
             {QStringLiteral("name"), QStringLiteral("source")},
             {QStringLiteral("labels"), QJsonObject{{QStringLiteral("app"), QStringLiteral("source")}}},
             {QStringLiteral("annotations"),
              QJsonObject{{QStringLiteral("test.reporunner.dev/forward-8080"),
                           QStringLiteral("127.0.0.1:%1").arg(source.serverPort())}}}}},
        {QStringLiteral("spec"),
         QJsonObject{{QStringLiteral("containers"),
                      QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("c")},
                                             {QStringLiteral("image"), QStringLiteral("rr/source:1")}}}}}}};
    if (!await(client.create(QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns), pod))) {
        std::fprintf(stderr, "cannot create the pod\n");
        return 1;
    }
    rr::kube::KubeWatch pods(&client, QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns));
    pods.start();
    rr::kube::PortForwarder forwarder(&client, ns, &pods);
    rr::kube::ForwardSpec spec;
    spec.service = QStringLiteral("source");
    spec.selector = {{QStringLiteral("app"), QStringLiteral("source")}};
    spec.targetPort = 8080;
    spec.containerPort = 8080;
    QDeadlineTimer ready(30000);
    while (forwarder.pickPod(spec).isEmpty() && !ready.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    const auto local = forwarder.add(spec);
    if (!local || ready.hasExpired()) {
        std::fprintf(stderr, "the forward did not come up\n");
        return 1;
    }

    const double direct = drain(source.serverPort(), total);
    const double tunnel = drain(*local, total);
    std::printf("bench_kube_forward: %lld MiB\n", static_cast<long long>(total >> 20));
    std::printf("  direct loopback TCP : %8.1f MiB/s\n", direct / (1024 * 1024));
    std::printf("  v4 WebSocket tunnel : %8.1f MiB/s\n", tunnel / (1024 * 1024));
    std::printf("  ratio tunnel/direct : %8.3f\n", direct > 0 ? tunnel / direct : 0.0);
    forwarder.closeAll();
    pods.stop();
    await(client.remove(QStringLiteral("/api/v1/namespaces/") + ns));
    return direct > 0 && tunnel > 0 ? 0 : 1;
}
