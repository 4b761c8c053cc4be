#pragma once

#include "core/result.h"

#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

class QTcpServer;

namespace rr::kube {

class KubeClient;
class KubeWatch;

// One Service port to forward to a local listener.
struct ForwardSpec
{
    QString service;                               // compose name, for messages
    QMap<QString, QString> selector;               // the Service's selector
    QJsonValue targetPort;                         // number or container port name
    int containerPort = 0;                         // the Service port (= container port in our plans)
    int preferredPort = 0;                         // compose `published`; 0 = none
    QString address = QStringLiteral("127.0.0.1"); // the loopback address to listen on (the run's)
};

// Local listeners on the run's loopback address for its Services. Every accepted connection gets its own
// WebSocket to a Ready pod chosen at that moment, so a replaced pod is picked up by the next
// connection. Never touches ports someone else holds: a busy port just means another choice.
class PortForwarder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PortForwarder)
public:
    PortForwarder(KubeClient *client, QString namespaceName, KubeWatch *pods, QObject *parent = nullptr);
    ~PortForwarder() override;

    // Listens and returns the local port: published if free, else the container port if >= 1024
    // and free, else any free port.
    core::Result<int> add(const ForwardSpec &spec);
    void closeAll();
    int openTunnels() const { return m_tunnels; }

    // The pod a new connection would go to ("" when none is Ready).
    QString pickPod(const ForwardSpec &spec, int *podPort = nullptr) const;

Q_SIGNALS:
    void message(const QString &service, const QString &text);

private:
    void accept(QTcpServer *server, const ForwardSpec &spec);

    KubeClient *m_client;
    QString m_namespace;
    KubeWatch *m_pods;
    QList<QTcpServer *> m_servers;
    int m_tunnels = 0;
};

} // namespace rr::kube
