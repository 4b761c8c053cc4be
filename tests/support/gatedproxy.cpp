#include "gatedproxy.h"

namespace rr::test {

GatedProxy::GatedProxy(quint16 upstreamPort, qint64 allowance, QObject *parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
    , m_allowance(allowance)
{
    connect(&m_server, &QTcpServer::newConnection, this, &GatedProxy::onNewConnection);
}

bool GatedProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void GatedProxy::release()
{
    m_released = true;
    pump();
}

void GatedProxy::onNewConnection()
{
    // One client at a time is all the tests need; later connections replace the pair.
    m_client = m_server.nextPendingConnection();
    m_upstream = new QTcpSocket(this);
    m_held.clear();
    QTcpSocket *client = m_client;
    QTcpSocket *upstream = m_upstream;
    connect(client, &QTcpSocket::readyRead, upstream,
            [client, upstream] { upstream->write(client->readAll()); });
    connect(upstream, &QTcpSocket::readyRead, this, [this, upstream] {
        m_held += upstream->readAll();
        pump();
    });
    connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
    connect(upstream, &QTcpSocket::disconnected, this, [this] { pump(); });
    upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
}

void GatedProxy::pump()
{
    if (!m_client)
        return;
    qint64 room = m_released ? m_held.size() : std::max<qint64>(0, m_allowance - m_forwarded);
    room = std::min<qint64>(room, m_held.size());
    if (room > 0) {
        m_client->write(m_held.left(room));
        m_held.remove(0, room);
        m_forwarded += room;
    }
    if (m_held.isEmpty() && m_upstream && m_upstream->state() == QAbstractSocket::UnconnectedState)
        m_client->disconnectFromHost();
}

} // namespace rr::test
