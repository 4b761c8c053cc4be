#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

class QTcpSocket;

namespace rr::kube {

// Asks a local preview port until something answers: connects, sends a plain HTTP request and
// waits for any reply byte (a port-forward listener accepts even when the pod side is not up).
class PreviewProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PreviewProbe)
public:
    PreviewProbe(QString host, int port, int timeoutSeconds, QObject *parent = nullptr);
    void start();

Q_SIGNALS:
    void answered();
    void timedOut();

private:
    void attempt();
    void retry();

    QString m_host; // dotted IPv4
    int m_port;
    int m_timeoutMs;
    QElapsedTimer m_clock;
    QPointer<QTcpSocket> m_socket;
    bool m_done = false;
};

} // namespace rr::kube
