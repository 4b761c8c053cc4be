#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

namespace rr::test::kubeapi {

// One port-forward WebSocket (v4.channel.k8s.io) after the 101 handshake: per requested port a
// data channel 2i and an error channel 2i+1, each opened by a 3-byte [ch][port lo][port hi]
// message, bridged to a real local TCP service.
class PortForwardSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PortForwardSession)

public:
    struct Target
    {
        quint16 port = 0; // the pod port the client asked for
        QString host;     // where the simulated pod port really is; empty: nothing listens
        quint16 hostPort = 0;
    };
    PortForwardSession(QTcpSocket *socket, const QByteArray &leftover, const QList<Target> &targets,
                       const QString &podDescription, QObject *parent = nullptr);

private:
    void onWebSocketData();
    void sendFrame(quint8 opcode, const QByteArray &payload);
    void sendChannel(int channel, const QByteArray &payload);
    void close();

    QPointer<QTcpSocket> m_ws;
    QByteArray m_buffer;
    QByteArray m_fragment;
    QList<Target> m_targets;
    QList<QPointer<QTcpSocket>> m_upstreams;
    QList<QByteArray> m_pending; // client bytes waiting for the upstream connect
    bool m_closing = false;
};

} // namespace rr::test::kubeapi
