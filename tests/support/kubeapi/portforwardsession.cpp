#include "portforwardsession.h"

#include <QTimer>

namespace rr::test::kubeapi {

PortForwardSession::PortForwardSession(QTcpSocket *socket, const QByteArray &leftover,
                                       const QList<Target> &targets, const QString &podDescription,
                                       QObject *parent)
    : QObject(parent)
    , m_ws(socket)
    , m_buffer(leftover)
    , m_targets(targets)
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &PortForwardSession::onWebSocketData);
    connect(socket, &QTcpSocket::disconnected, this, &PortForwardSession::close);
    for (qsizetype i = 0; i < targets.size(); ++i) {
        const Target &t = targets.at(i);
        QByteArray portBytes;
        portBytes.append(char(t.port & 0xff));
        portBytes.append(char(t.port >> 8));
        sendFrame(2, QByteArray(1, char(2 * i)) + portBytes);
        sendFrame(2, QByteArray(1, char(2 * i + 1)) + portBytes);
        auto *up = new QTcpSocket(this);
        m_upstreams << up;
        m_pending << QByteArray();
        const int channel = int(2 * i);
        const QString failure =
            QStringLiteral("error forwarding port %1 to pod %2: failed to connect to localhost:%1")
                .arg(t.port)
                .arg(podDescription);
        connect(up, &QTcpSocket::connected, this, [this, up, i] {
            up->write(m_pending[i]);
            m_pending[i].clear();
        });
        connect(up, &QTcpSocket::readyRead, this,
                [this, up, channel] { sendChannel(channel, up->readAll()); });
        connect(up, &QTcpSocket::errorOccurred, this,
                [this, up, channel, failure](QAbstractSocket::SocketError e) {
                    if (e == QAbstractSocket::RemoteHostClosedError)
                        return;
                    if (up->property("everConnected").toBool())
                        return;
                    sendChannel(channel + 1, failure.toUtf8());
                    QTimer::singleShot(50, this, &PortForwardSession::close);
                });
        connect(up, &QTcpSocket::connected, up, [up] { up->setProperty("everConnected", true); });
        connect(up, &QTcpSocket::disconnected, this, [this, up] {
            sendChannel(-1, up->readAll());
            close(); // no half-close in v4: either side closing ends the whole stream
        });
        if (t.host.isEmpty()) {
            QTimer::singleShot(0, this, [this, channel, failure] {
                sendChannel(channel + 1, failure.toUtf8());
                QTimer::singleShot(50, this, &PortForwardSession::close);
            });
        } else {
            up->connectToHost(t.host, t.hostPort);
        }
    }
    QTimer::singleShot(0, this, &PortForwardSession::onWebSocketData);
}

void PortForwardSession::sendFrame(quint8 opcode, const QByteArray &payload)
{
    if (!m_ws)
        return;
    QByteArray frame;
    frame.append(char(0x80 | opcode)); // FIN, unmasked: servers never mask
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(n));
    } else if (n < 65536) {
        frame.append(char(126));
        frame.append(char(n >> 8));
        frame.append(char(n & 0xff));
    } else {
        frame.append(char(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            frame.append(char((quint64(n) >> shift) & 0xff));
    }
    m_ws->write(frame + payload);
}

void PortForwardSession::sendChannel(int channel, const QByteArray &payload)
{
    if (channel < 0 || payload.isEmpty())
        return;
    sendFrame(2, QByteArray(1, char(channel)) + payload);
}

void PortForwardSession::onWebSocketData()
{
    if (!m_ws)
        return;
    m_buffer.append(m_ws->readAll());
    for (;;) {
        if (m_buffer.size() < 2)
            return;
        const quint8 b0 = quint8(m_buffer.at(0));
        const quint8 b1 = quint8(m_buffer.at(1));
        const bool masked = b1 & 0x80;
        quint64 len = b1 & 0x7f;
        qsizetype pos = 2;
        if (len == 126) {
            if (m_buffer.size() < 4)
                return;
            len = (quint64(quint8(m_buffer.at(2))) << 8) | quint8(m_buffer.at(3));
            pos = 4;
        } else if (len == 127) {
            if (m_buffer.size() < 10)
                return;
            len = 0;
            for (int k = 0; k < 8; ++k)
                len = (len << 8) | quint8(m_buffer.at(2 + k));
            pos = 10;
        }
        const qsizetype maskPos = pos;
        if (masked)
            pos += 4;
        if (quint64(m_buffer.size()) < quint64(pos) + len)
            return;
        QByteArray payload = m_buffer.mid(pos, qsizetype(len));
        if (masked) {
            for (qsizetype k = 0; k < payload.size(); ++k)
                payload[k] = char(payload.at(k) ^ m_buffer.at(maskPos + (k % 4)));
        }
        m_buffer.remove(0, pos + qsizetype(len));
        const quint8 opcode = b0 & 0x0f;
        const bool fin = b0 & 0x80;
        if (opcode == 0x8) { // close: echo and finish
            sendFrame(0x8, payload.left(2));
            close();
            return;
        }
        if (opcode == 0x9) {
            sendFrame(0xA, payload);
            continue;
        }
        if (opcode == 0xA)
            continue;
        m_fragment.append(payload);
        if (!fin)
            continue;
        const QByteArray message = m_fragment;
        m_fragment.clear();
        if (message.isEmpty())
            continue;
        const int channel = quint8(message.at(0));
        const qsizetype port = channel / 2;
        if (channel % 2 != 0 || port >= m_upstreams.size())
            continue; // clients may write only to data channels
        QTcpSocket *up = m_upstreams.at(port);
        if (up && up->state() == QAbstractSocket::ConnectedState)
            up->write(message.mid(1));
        else
            m_pending[port].append(message.mid(1));
    }
}

void PortForwardSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    for (const auto &up : m_upstreams) {
        if (up)
            up->disconnectFromHost();
    }
    if (m_ws) {
        sendFrame(0x8, QByteArray("\x03\xe8", 2));
        m_ws->flush();
        m_ws->disconnectFromHost();
    }
    deleteLater();
}

} // namespace rr::test::kubeapi
