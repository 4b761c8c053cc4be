#pragma once

#include "core/error.h"
#include "ipc/framedecoder.h"
#include "ipc/message.h"
#include "ipc/serveroptions.h"

#include <QByteArray>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <deque>

class QLocalSocket;

namespace rr::ipc {

// One client of the ControlServer: reads and validates its frames, and writes its replies and
// events through a bounded queue so a client that stops reading can never stall the server.
class ControlConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlConnection)

public:
    // What this client asked to be pushed.
    struct Subscription
    {
        bool active = false;
        bool allRuns = true;
        QSet<QString> runs;
        bool logs = false;
        QSet<QString> followedLogs; // runs whose logs were requested with follow=true
    };

    ControlConnection(QLocalSocket *socket, const ServerOptions &options, QObject *parent = nullptr);
    ~ControlConnection() override;

    void sendResult(const QJsonValue &id, const QJsonValue &result);
    void sendError(const QJsonValue &id, const core::Error &error);
    // `payload` is an already-encoded event, shared between all subscribers.
    void sendEncodedEvent(const QByteArray &payload);

    // Sends a final `error` event with `reason`, then closes.
    void drop(const core::Error &reason);

    Subscription &subscription() { return m_subscription; }
    bool wantsEvent(const QString &event, const QString &runId) const;

    bool isClosing() const { return m_closing; }
    // Bytes waiting to go out: our queue plus the socket's buffer.
    qint64 pendingBytes() const;
    int inFlight() const { return m_inFlight; }
    void beginRequest() { ++m_inFlight; }
    void endRequest() { --m_inFlight; }

Q_SIGNALS:
    void requestReceived(const rr::ipc::Request &request);
    // The client was cut off by the server (slow consumer, stalled frame).
    void dropped(const rr::core::Error &reason);
    // The socket is gone; the owner deletes the connection.
    void closed();

private:
    void onReadyRead();
    void handleFrame(const QByteArray &payload);
    void enqueue(const QByteArray &payload);
    void pump();
    void onDisconnected();

    QLocalSocket *m_socket;
    ServerOptions m_options;
    FrameDecoder m_decoder;
    std::deque<QByteArray> m_queue; // framed messages not yet handed to the socket
    qint64 m_queuedBytes = 0;
    Subscription m_subscription;
    QTimer m_partialTimer;
    QTimer m_dropTimer;
    int m_inFlight = 0;
    bool m_closing = false;
    bool m_closed = false;
};

} // namespace rr::ipc
