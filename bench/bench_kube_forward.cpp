// Port-forward benchmark: bytes from a TCP source read directly, and the same bytes read through
// our v4.channel.k8s.io WebSocket tunnel (PortForwarder → API server → pod port). On the test API
// server the "pod" port is bridged to a local source. On a real cluster (REPORUNNER_TEST_CLUSTER=
// local) the source is a busybox pod, read directly at its pod IP, through our tunnel (API
// server → kubelet), and through `kubectl port-forward` (SPDY) on the same cluster. Prints rates.
#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/kubewatch.h"
#include "kube/portforwarder.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
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

// Asks host:port for the blob and reads everything; returns bytes/second (0 on failure). The local
// source ignores the request and sends at once; the pod's httpd answers it (a few header bytes
// more). A source not listening yet refuses: connecting is retried, untimed.
double drain(const QHostAddress &host, int port, qint64 expected)
{
    QDeadlineTimer deadline(120000);
    while (!deadline.hasExpired()) {
        QTcpSocket s;
        qint64 got = 0;
        bool closed = false;
        QObject::connect(&s, &QTcpSocket::connected, &s, [&s] { s.write("GET /blob HTTP/1.0\r\n\r\n"); });
        QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { got += s.readAll().size(); });
        QObject::connect(&s, &QTcpSocket::disconnected, &s, [&closed] { closed = true; });
        QObject::connect(&s, &QTcpSocket::errorOccurred, &s,
                         [&closed](QAbstractSocket::SocketError) { closed = true; });
        QElapsedTimer clock;
        clock.start();
        s.connectToHost(host, quint16(port));
        while (!closed && got < expected && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (got >= expected)
            return double(got) / (clock.nsecsElapsed() / 1e9);
        if (got > 0)
            return 0.0; // a short read is a failure, not a retry
        QDeadlineTimer pause(200);
        while (!pause.hasExpired())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return 0.0;
}

// `kubectl port-forward` to the pod; returns its local port once it says it forwards, else 0.
int startKubectlForward(QProcess &kubectl, const rr::test::kubeapi::KubeTestEnv &env, const QString &ns)
{
    kubectl.start(env.kubectl().isEmpty() ? QStringLiteral("kubectl") : env.kubectl(),
                  {QStringLiteral("--kubeconfig"), env.kubeconfig(), QStringLiteral("-n"), ns,
                   QStringLiteral("port-forward"), QStringLiteral("pod/source"), QStringLiteral(":8080")});
    static const QRegularExpression forwarding(QStringLiteral("Forwarding from 127\\.0\\.0\\.1:(\\d+)"));
    QByteArray out;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired() && kubectl.state() != QProcess::NotRunning) {
        kubectl.waitForReadyRead(200);
        out += kubectl.readAllStandardOutput();
        const auto m = forwarding.match(QString::fromUtf8(out));
        if (m.hasMatch())
            return m.captured(1).toInt();
    }
    std::fprintf(stderr, "kubectl port-forward did not start: %s%s\n", out.constData(),
                 kubectl.readAllStandardError().constData());
    return 0;
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
    if (!env.start(&error)) {
        std::fprintf(stderr, "no cluster: %s\n", qPrintable(error));
        return 1;
    }
    if (!env.isSimulated() && !env.runsPods()) {
        std::fprintf(stderr, "skipped: kwok fakes the pods, so nothing sends bytes\n");
        return 77;
    }
    const bool real = env.runsPods();
    // On a real cluster the comparison side is kubectl port-forward: without it, no figure.
    const QString kubectlProgram =
        env.kubectl().isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("kubectl")) : env.kubectl();
    if (real && kubectlProgram.isEmpty()) {
        std::fprintf(stderr,
                     "bench_kube_forward: kubectl is not installed (Debian package kubernetes-client) "
                     "and the cluster brings none\n");
        return 1;
    }
    Source source(total);
    rr::test::ClusterImages images(env);
    QString image = QStringLiteral("rr/source:1");
    if (real) {
        if (const QString why = images.prepare(); !why.isEmpty()) {
            std::fprintf(stderr, "cannot make the source image: %s\n", qPrintable(why));
            return 1;
        }
        image = images.deliverExisting(QStringLiteral("busybox:1.36"));
        if (image.isEmpty()) {
            std::fprintf(stderr, "cannot deliver busybox:1.36 to the cluster's registry\n");
            return 1;
        }
    }
    auto config = rr::kube::Kubeconfig::load({env.kubeconfig()});
    auto context = config->resolve();
    QNetworkAccessManager nam;
    rr::kube::KubeClient client(&nam, *context);
    // A name of its own per run, removed on every way out, so a failed run leaves nothing behind
    // and never collides with the last one's namespace while it terminates.
    const QString ns = QStringLiteral("rr-bench-forward-%1")
                           .arg(QRandomGenerator::global()->generate() & 0xffffff, 6, 16, QLatin1Char('0'));
    await(client.create(QStringLiteral("/api/v1/namespaces"),
                        {{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), ns}}}}));
    const auto removeNamespace =
        qScopeGuard([&client, ns] { await(client.remove(QStringLiteral("/api/v1/namespaces/") + ns)); });
    const QJsonObject pod{
        {QStringLiteral("metadata"),
         QJsonObject{
             {QStringLiteral("name"), QStringLiteral("source")},
             {QStringLiteral("labels"), QJsonObject{{QStringLiteral("app"), QStringLiteral("source")}}},
             {QStringLiteral("annotations"),
              QJsonObject{{QStringLiteral("test.reporunner.dev/forward-8080"),
                           QStringLiteral("127.0.0.1:%1").arg(source.serverPort())}}}}},
        {QStringLiteral("spec"),
         QJsonObject{
             {QStringLiteral("terminationGracePeriodSeconds"), 1},
             {QStringLiteral("containers"),
              QJsonArray{QJsonObject{
                  {QStringLiteral("name"), QStringLiteral("c")},
                  {QStringLiteral("image"), image},
                  // Real pods: httpd serves a `total`-byte blob to every connection, and keeps
                  // listening between them (an `nc -l` loop refused in between, and kubectl
                  // port-forward gives up on the first refused stream).
                  {QStringLiteral("command"),
                   QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                              QStringLiteral("mkdir -p /tmp/www && head -c %1 /dev/zero >/tmp/www/blob && "
                                             "exec httpd -f -p 8080 -h /tmp/www")
                                  .arg(total)}}}}}}}};
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
    QDeadlineTimer ready(120000);
    while (forwarder.pickPod(spec).isEmpty() && !ready.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    const auto local = forwarder.add(spec);
    if (!local || ready.hasExpired()) {
        std::fprintf(stderr, "the forward did not come up\n");
        return 1;
    }

    const QJsonObject running = await(client.get(QStringLiteral("/api/v1/namespaces/%1/pods/source").arg(ns)))
                                    .value_or(QJsonObject());
    const QHostAddress sourceHost(real ? running[QStringLiteral("status")][QStringLiteral("podIP")].toString()
                                       : QStringLiteral("127.0.0.1"));
    const int sourcePort = real ? 8080 : source.serverPort();
    const double direct = drain(sourceHost, sourcePort, total);
    const double tunnel = drain(QHostAddress::LocalHost, *local, total);
    double viaKubectl = -1;
    QProcess kubectl;
    if (real) {
        const int port = startKubectlForward(kubectl, env, ns);
        viaKubectl = port > 0 ? drain(QHostAddress::LocalHost, port, total) : 0.0;
        kubectl.kill();
        kubectl.waitForFinished();
    }
    // A side that moved nothing has no rate: fail rather than print a zero.
    if (direct <= 0 || tunnel <= 0 || (real && viaKubectl <= 0)) {
        std::fprintf(stderr, "bench_kube_forward: a transfer failed (direct %s, ours %s, kubectl %s)\n",
                     direct > 0 ? "ok" : "failed", tunnel > 0 ? "ok" : "failed",
                     !real            ? "not run"
                     : viaKubectl > 0 ? "ok"
                                      : "failed");
        return 1;
    }
    std::printf("bench_kube_forward: %lld MiB per read, on %s\n", static_cast<long long>(total >> 20),
                real ? "a real cluster (the pod's bytes cross the kubelet)" : "the test API server");
    std::printf("  direct %-22s: %8.1f MiB/s\n", real ? "to the pod IP" : "loopback TCP",
                direct / (1024 * 1024));
    std::printf("  ours, v4 WebSocket tunnel    : %8.1f MiB/s\n", tunnel / (1024 * 1024));
    if (real)
        std::printf("  kubectl port-forward (SPDY)  : %8.1f MiB/s\n", viaKubectl / (1024 * 1024));
    std::printf("  ratio ours/direct            : %8.3f\n", tunnel / direct);
    if (real)
        std::printf("  ratio ours/kubectl           : %8.3f\n", tunnel / viaKubectl);
    forwarder.closeAll();
    pods.stop();
    return 0;
}
