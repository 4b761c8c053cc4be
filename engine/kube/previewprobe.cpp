#include "kube/previewprobe.h"

#include <QTcpSocket>
#include <QTimer>

namespace rr::kube {

PreviewProbe::PreviewProbe(QString host, int port, int timeoutSeconds, QObject *parent)
    : QObject(parent)
    , m_host(host.isEmpty() ? QStringLiteral("127.0.0.1") : std::move(host))
    , m_port(port)
    , m_timeoutMs(timeoutSeconds * 1000)
{}

void PreviewProbe::start()
{
    m_clock.start();
    attempt();
}

void PreviewProbe::attempt()
{
    if (m_done)
        return;
    auto *socket = new QTcpSocket(this);
    m_socket = socket;
    const QByteArray request =
        "GET / HTTP/1.0\r\nHost: " + m_host.toLatin1() + "\r\nUser-Agent: reporunner-probe\r\n\r\n";
    connect(socket, &QTcpSocket::connected, socket, [socket, request] { socket->write(request); });
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        if (m_done || socket->bytesAvailable() == 0)
            return;
        m_done = true;
        socket->abort();
        socket->deleteLater();
        Q_EMIT answered();
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (socket != m_socket)
            return;
        m_socket = nullptr;
        socket->deleteLater();
        retry();
    });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError e) {
        if (e == QAbstractSocket::RemoteHostClosedError)
            return; // disconnected() follows
        if (socket != m_socket)
            return;
        m_socket = nullptr;
        socket->deleteLater();
        retry();
    });
    socket->connectToHost(QHostAddress(m_host), quint16(m_port));
}

void PreviewProbe::retry()
{
    if (m_done)
        return;
    if (m_clock.elapsed() > m_timeoutMs) {
        m_done = true;
        Q_EMIT timedOut();
        return;
    }
    QTimer::singleShot(300, this, &PreviewProbe::attempt);
}

} // namespace rr::kube
