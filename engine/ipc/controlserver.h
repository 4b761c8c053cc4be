#pragma once

#include "core/result.h"
#include "ipc/controlhandler.h"
#include "ipc/message.h"
#include "ipc/serveroptions.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>

class QLocalServer;

namespace rr::ipc {

class ControlConnection;
class LogBatcher;

// The app's end of the control API: an owner-only local socket that hands validated requests
// to a ControlHandler and pushes run updates and batched log lines to subscribers.
class ControlServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlServer)

public:
    // `handler` must outlive the server.
    explicit ControlServer(ControlHandler *handler, ServerOptions options = {}, QObject *parent = nullptr);
    ~ControlServer() override;

    // Starts listening. Refuses when another server answers on the socket; removes a stale one.
    core::Result<void> listen();
    void close();
    bool isListening() const;
    QString socketPath() const { return m_socketPath; }
    int connectionCount() const { return int(m_connections.size()); }

    // Pushes an event to every connection subscribed to it (all runs, or `runId`).
    void publish(const QString &event, const QJsonObject &data, const QString &runId = {});
    // Queues log lines of a run; they go out as batched `run.log` events.
    void publishLogLines(const QString &runId, const QJsonArray &lines);
    // Sends any batched log lines now.
    void flushLogs();

Q_SIGNALS:
    void clientConnected();
    void clientDisconnected();
    // A client was cut off (slow consumer, stalled frame); the server keeps serving the rest.
    void clientDropped(const rr::core::Error &reason);

private:
    void onNewConnection();
    void dispatch(ControlConnection *connection, const Request &request);
    void subscribe(ControlConnection *connection, const Request &request);
    void finishRequest(ControlConnection *connection, const Request &request, const HandlerResult &result);
    void removeConnection(ControlConnection *connection);

    ControlHandler *m_handler;
    ServerOptions m_options;
    QString m_socketPath;
    QLocalServer *m_server;
    LogBatcher *m_logs;
    QList<ControlConnection *> m_connections;
};

} // namespace rr::ipc
