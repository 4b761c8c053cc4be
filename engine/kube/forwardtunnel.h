#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>

class QTcpSocket;
class QWebSocket;

namespace rr::kube {

// One local TCP connection bridged to one pod port over a v4.channel.k8s.io WebSocket: channel 0
// carries data, channel 1 errors; each channel's first frame is the 3-byte port header, which is
// checked and stripped. There is no half-close: either side closing closes both.
class ForwardTunnel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ForwardTunnel)
public:
    ForwardTunnel(QTcpSocket *socket, quint16 podPort, QObject *parent = nullptr);
    ~ForwardTunnel() override;

    // request: wss://server/api/v1/namespaces/N/pods/P/portforward?ports=<podPort> with TLS and auth.
    void open(const QNetworkRequest &request);
    void close();

Q_SIGNALS:
    void failed(const QString &message); // text from the error channel, or a broken protocol
    void finished();                     // both sides are closed; the tunnel deletes itself

private:
    void onBinary(const QByteArray &message);
    void flushPending();

    QPointer<QTcpSocket> m_socket;
    QWebSocket *m_ws = nullptr;
    quint16 m_port;
    QByteArray m_pending; // local bytes that arrived before the WebSocket was up
    bool m_connected = false;
    bool m_headerSeen[2] = {false, false};
    bool m_done = false;
};

} // namespace rr::kube
