#include "kube/portforwarder.h"

#include "core/logging.h"
#include "kube/forwardtunnel.h"
#include "kube/kubeclient.h"
#include "kube/kubewatch.h"
#include "plan/localport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

namespace rr::kube {

namespace {

bool isReady(const QJsonObject &pod)
{
    const QJsonObject meta = pod.value(QStringLiteral("metadata")).toObject();
    const QJsonObject status = pod.value(QStringLiteral("status")).toObject();
    if (meta.contains(QStringLiteral("deletionTimestamp")) ||
        status.value(QStringLiteral("phase")).toString() != QLatin1String("Running"))
        return false;
    for (const QJsonValue &c : status.value(QStringLiteral("conditions")).toArray())
        if (c.toObject().value(QStringLiteral("type")).toString() == QLatin1String("Ready"))
            return c.toObject().value(QStringLiteral("status")).toString() == QLatin1String("True");
    return false;
}

int resolvePort(const QJsonObject &pod, const QJsonValue &target, int fallback)
{
    if (target.isDouble())
        return target.toInt();
    if (!target.isString())
        return fallback;
    const QString name = target.toString();
    bool numeric = false;
    const int n = name.toInt(&numeric);
    if (numeric)
        return n;
    for (const QJsonValue &c :
         pod.value(QStringLiteral("spec")).toObject().value(QStringLiteral("containers")).toArray())
        for (const QJsonValue &p : c.toObject().value(QStringLiteral("ports")).toArray())
            if (p.toObject().value(QStringLiteral("name")).toString() == name)
                return p.toObject().value(QStringLiteral("containerPort")).toInt();
    return 0;
}

} // namespace

PortForwarder::PortForwarder(KubeClient *client, QString namespaceName, KubeWatch *pods, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_pods(pods)
{}

PortForwarder::~PortForwarder() = default;

core::Result<int> PortForwarder::add(const ForwardSpec &spec)
{
    auto *server = new QTcpServer(this);
    const QHostAddress address(spec.address);
    if (address.isNull() || !address.isLoopback()) {
        delete server;
        return core::fail(
            core::ErrorCategory::Io, QStringLiteral("kube.forward.listen"),
            QStringLiteral("Previews listen on loopback addresses only, not %1").arg(spec.address));
    }
    for (const int port : plan::LocalPort::candidates(spec.preferredPort, spec.containerPort)) {
        if (server->listen(address, quint16(port)))
            break;
    }
    if (!server->isListening()) {
        const QString why = server->errorString();
        delete server;
        return core::fail(core::ErrorCategory::Io, QStringLiteral("kube.forward.listen"),
                          QStringLiteral("Cannot open a local port for %1: %2").arg(spec.service, why));
    }
    m_servers << server;
    connect(server, &QTcpServer::newConnection, this, [this, server, spec] { accept(server, spec); });
    return int(server->serverPort());
}

void PortForwarder::closeAll()
{
    for (QTcpServer *server : std::as_const(m_servers)) {
        server->close();
        server->deleteLater();
    }
    m_servers.clear();
    // Tunnels are our children; closing them ends their WebSockets.
    for (ForwardTunnel *t : findChildren<ForwardTunnel *>(Qt::FindDirectChildrenOnly))
        t->close();
}

QString PortForwarder::pickPod(const ForwardSpec &spec, int *podPort) const
{
    const QMap<QString, QJsonObject> pods = m_pods->objects();
    for (const QJsonObject &pod : pods) {
        const QJsonObject meta = pod.value(QStringLiteral("metadata")).toObject();
        const QJsonObject labels = meta.value(QStringLiteral("labels")).toObject();
        bool match = !spec.selector.isEmpty();
        for (auto it = spec.selector.cbegin(); match && it != spec.selector.cend(); ++it)
            match = labels.value(it.key()).toString() == it.value();
        if (!match || !isReady(pod))
            continue;
        const int port = resolvePort(pod, spec.targetPort, spec.containerPort);
        if (port <= 0)
            continue;
        if (podPort)
            *podPort = port;
        return meta.value(QStringLiteral("name")).toString();
    }
    return {};
}

void PortForwarder::accept(QTcpServer *server, const ForwardSpec &spec)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        int podPort = 0;
        const QString pod = pickPod(spec, &podPort);
        if (pod.isEmpty()) {
            Q_EMIT message(spec.service,
                           QStringLiteral("port-forward: no ready pod for %1 yet").arg(spec.service));
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        auto *tunnel = new ForwardTunnel(socket, quint16(podPort), this);
        ++m_tunnels;
        connect(tunnel, &ForwardTunnel::finished, this, [this] { --m_tunnels; });
        connect(tunnel, &ForwardTunnel::failed, this, [this, spec, pod](const QString &text) {
            Q_EMIT message(spec.service, QStringLiteral("port-forward to %1 failed: %2").arg(pod, text));
        });
        const QString path = QStringLiteral("/api/v1/namespaces/%1/pods/%2/portforward?ports=%3")
                                 .arg(m_namespace, pod)
                                 .arg(podPort);
        QPointer<ForwardTunnel> guard(tunnel);
        m_client->prepare(path, tunnel, [guard](const core::Result<QNetworkRequest> &req) {
            if (!guard)
                return;
            if (!req) {
                Q_EMIT guard->failed(req.error().message);
                guard->close();
                return;
            }
            QNetworkRequest r = *req;
            QUrl url = r.url();
            url.setScheme(url.scheme() == QLatin1String("http") ? QStringLiteral("ws")
                                                                : QStringLiteral("wss"));
            r.setUrl(url);
            guard->open(r);
        });
    }
}

} // namespace rr::kube
