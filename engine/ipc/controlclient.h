#pragma once

#include "core/result.h"
#include "ipc/framedecoder.h"

#include <QFuture>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPromise>

#include <chrono>
#include <map>
#include <memory>
#include <optional>

class QLocalSocket;
class QTimer;

namespace rr::ipc {

// The client end of the control API, for the CLI, the native host and tests: correlates
// replies with calls by id, times calls out, and re-emits pushed events.
class ControlClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControlClient)

public:
    explicit ControlClient(QObject *parent = nullptr);
    ~ControlClient() override;

    // Calls made before the connection is up are sent once it is. The socket's directory is
    // checked first and the server's user once connected (protocol.h); a failed check fails
    // every call with ipc.unsafe_runtime_dir or ipc.untrusted_peer and connects to nothing.
    void connectToServer(const QString &socketPath = defaultSocketPath());
    void disconnectFromServer();
    bool isConnected() const;

    void setCallTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    void setMaxMessageSize(std::uint32_t bytes);

    // Sends a request; the future gets the result, the server's error, ipc.timeout or
    // ipc.disconnected. It always finishes.
    QFuture<core::Result<QJsonValue>> call(const QString &method, const QJsonObject &params = {});

Q_SIGNALS:
    void connected();
    void disconnected();
    void eventReceived(const QString &name, const QJsonObject &data);
    // A failure not tied to one call: connect errors, garbled replies, a server-side drop.
    void errorOccurred(const rr::core::Error &error);

private:
    struct Pending
    {
        QPromise<core::Result<QJsonValue>> promise;
        QTimer *timer = nullptr;
    };
    void onReadyRead();
    void onDisconnected();
    void complete(qint64 id, core::Result<QJsonValue> result);
    void failAll(const core::Error &error);

    QLocalSocket *m_socket;
    // Set when the socket's directory or the server's user failed the checks: every call fails
    // with it, and nothing is sent.
    std::optional<core::Error> m_refusal;
    FrameDecoder m_decoder;
    QByteArray m_unsent; // frames written before the connection was established
    std::map<qint64, std::unique_ptr<Pending>> m_pending;
    qint64 m_nextId = 1;
    std::chrono::milliseconds m_timeout{30000};
};

} // namespace rr::ipc
