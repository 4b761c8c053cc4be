#include "kube/forwardtunnel.h"

#include "core/logging.h"

#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

namespace rr::kube {

ForwardTunnel::ForwardTunnel(QTcpSocket *socket, quint16 podPort, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_ws(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this))
    , m_port(podPort)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, [this] {
        const QByteArray data = m_socket->readAll();
        if (!m_connected) {
            m_pending += data;
            return;
        }
        QByteArray frame(1, '\0');
        frame += data;
        m_ws->sendBinaryMessage(frame);
    });
    connect(socket, &QTcpSocket::disconnected, this, &ForwardTunnel::close);
    connect(m_ws, &QWebSocket::connected, this, [this] {
        m_connected = true;
        flushPending();
    });
    connect(m_ws, &QWebSocket::binaryMessageReceived, this, &ForwardTunnel::onBinary);
    connect(m_ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        // Older servers may send base64 text frames; we only speak the binary v4 protocol.
        Q_EMIT failed(QStringLiteral("unexpected text frame: ") + text.left(200));
        close();
    });
    connect(m_ws, &QWebSocket::disconnected, this, &ForwardTunnel::close);
    connect(m_ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                // A failed handshake hides the Status body; the error string is all there is.
                qCDebug(lcKube) << "port-forward socket error" << m_ws->errorString();
                if (!m_connected)
                    Q_EMIT failed(m_ws->errorString());
                close();
            });
    connect(m_ws, qOverload<const QList<QSslError> &>(&QWebSocket::sslErrors), this,
            [this](const QList<QSslError> &errors) {
                if (!errors.isEmpty())
                    Q_EMIT failed(errors.first().errorString());
            });
}

ForwardTunnel::~ForwardTunnel() = default;

void ForwardTunnel::open(const QNetworkRequest &request)
{
    QWebSocketHandshakeOptions options;
    options.setSubprotocols({QStringLiteral("v4.channel.k8s.io")});
    m_ws->setSslConfiguration(request.sslConfiguration());
    qCDebug(lcKube) << "port-forward" << request.url().path() << "port" << m_port;
    // The REST requests' "Accept: application/json" makes a real kubelet refuse the upgrade with
    // 406 Not Acceptable (its port-forward route produces no JSON); the stream accepts anything.
    QNetworkRequest upgrade(request);
    upgrade.setRawHeader("Accept", "*/*");
    m_ws->open(upgrade, options);
}

void ForwardTunnel::flushPending()
{
    if (m_pending.isEmpty())
        return;
    QByteArray frame(1, '\0');
    frame += std::exchange(m_pending, {});
    m_ws->sendBinaryMessage(frame);
}

void ForwardTunnel::onBinary(const QByteArray &message)
{
    if (message.isEmpty())
        return;
    const int channel = static_cast<unsigned char>(message.at(0));
    QByteArray payload = message.mid(1);
    if (channel > 1) {
        Q_EMIT failed(QStringLiteral("frame on unexpected channel %1").arg(channel));
        close();
        return;
    }
    if (!m_headerSeen[channel]) {
        if (payload.size() < 2) {
            Q_EMIT failed(QStringLiteral("short port header on channel %1").arg(channel));
            close();
            return;
        }
        const quint16 port = quint16(static_cast<unsigned char>(payload.at(0)) |
                                     (static_cast<unsigned char>(payload.at(1)) << 8));
        if (port != m_port) {
            Q_EMIT failed(QStringLiteral("port header names %1, expected %2").arg(port).arg(m_port));
            close();
            return;
        }
        m_headerSeen[channel] = true;
        payload.remove(0, 2);
        if (payload.isEmpty())
            return;
    }
    if (channel == 1) {
        Q_EMIT failed(QString::fromUtf8(payload).trimmed());
        close();
        return;
    }
    if (m_socket)
        m_socket->write(payload);
}

void ForwardTunnel::close()
{
    if (m_done)
        return;
    m_done = true;
    if (m_socket) {
        // The socket outlives the tunnel until it has flushed what the pod already sent.
        QTcpSocket *socket = m_socket;
        socket->disconnect(this);
        socket->setParent(nullptr);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
    }
    if (m_ws->state() != QAbstractSocket::UnconnectedState)
        m_ws->close();
    Q_EMIT finished();
    deleteLater();
}

} // namespace rr::kube
