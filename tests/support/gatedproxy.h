#pragma once

#include <QObject>
#include <QTcpServer>
#include <QTcpSocket>

#include <QPointer>

namespace rr::test {

// A TCP proxy on 127.0.0.1 that passes at most `allowance` bytes from the server to the client,
// then holds the rest until release(). Lets a test act while a transfer is provably in flight.
class GatedProxy final : public QObject
{
    Q_OBJECT

public:
    GatedProxy(quint16 upstreamPort, qint64 allowance, QObject *parent = nullptr);

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    qint64 forwardedToClient() const { return m_forwarded; }
    void release(); // forward everything from now on

private:
    void onNewConnection();
    void pump();

    QTcpServer m_server;
    quint16 m_upstreamPort;
    qint64 m_allowance;
    qint64 m_forwarded = 0;
    bool m_released = false;
    QPointer<QTcpSocket> m_client;
    QPointer<QTcpSocket> m_upstream;
    QByteArray m_held;
};

} // namespace rr::test
