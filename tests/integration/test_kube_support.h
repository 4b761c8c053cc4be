#pragma once
// Shared by the Kubernetes integration tests: waiting on futures and a tiny HTTP server that
// stands in for a pod's port (the test API server forwards to it).

#include <QCoreApplication>
#include <QEventLoop>
#include <QFuture>
#include <QFutureWatcher>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace rr::test {

// Sleeps in an event loop until the future finishes rather than spinning: the API server
// under test shares the machine's two cores with the test.
template<class T> T awaitFuture(QFuture<T> future, int timeoutMs = 60000)
{
    QEventLoop loop;
    QFutureWatcher<T> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    watcher.setFuture(future);
    if (!future.isFinished())
        loop.exec();
    if (!future.isFinished())
        qFatal("future did not finish within %d ms", timeoutMs);
    return future.result();
}

// Answers every request with "HTTP/1.0 200" and a fixed body, then closes.
class TinyHttpServer final : public QTcpServer
{
public:
    explicit TinyHttpServer(QByteArray body)
        : m_body(std::move(body))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                ++connections;
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    m_requests[s] += s->readAll();
                    if (!m_requests[s].contains("\r\n\r\n"))
                        return;
                    s->write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                             QByteArray::number(m_body.size()) + "\r\n\r\n" + m_body);
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }
    int connections = 0;

private:
    QByteArray m_body;
    QHash<QTcpSocket *, QByteArray> m_requests;
};

// GET `path` through a local port on `host` (a run's preview address). The event loop keeps
// running meanwhile: the port-forward lives in this thread too. Empty on failure.
inline QByteArray httpGetAt(const QString &host, int port, int timeoutMs = 5000, const QByteArray &path = "/")
{
    QTcpSocket s;
    QByteArray reply;
    bool closed = false;
    QObject::connect(&s, &QTcpSocket::connected, &s, [&s, path, host] {
        s.write("GET " + path + " HTTP/1.0\r\nHost: " + host.toLatin1() + "\r\n\r\n");
    });
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { reply += s.readAll(); });
    QObject::connect(&s, &QTcpSocket::disconnected, &s, [&closed] { closed = true; });
    QObject::connect(&s, &QTcpSocket::errorOccurred, &s,
                     [&closed](QAbstractSocket::SocketError) { closed = true; });
    QEventLoop loop;
    QObject::connect(&s, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&s, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    s.connectToHost(QHostAddress(host), quint16(port));
    if (!closed)
        loop.exec();
    reply += s.readAll();
    return reply;
}

inline QByteArray httpGet(int port, int timeoutMs = 5000, const QByteArray &path = "/")
{
    return httpGetAt(QStringLiteral("127.0.0.1"), port, timeoutMs, path);
}

} // namespace rr::test
