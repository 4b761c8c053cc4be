#include "ipc/controlclient.h"

#include "core/logging.h"
#include "core/promises.h"
#include "ipc/controlhandler.h"
#include "ipc/messagecodec.h"

#include <QLocalSocket>
#include <QTimer>

namespace rr::ipc {

using core::ErrorCategory;

ControlClient::ControlClient(QObject *parent)
    : QObject(parent)
    , m_socket(new QLocalSocket(this))
{
    connect(m_socket, &QLocalSocket::connected, this, [this] {
        if (auto peer = checkPeerIsUs(m_socket->socketDescriptor()); !peer) {
            m_refusal = peer.error();
            m_unsent.clear();
            failAll(peer.error());
            Q_EMIT errorOccurred(peer.error());
            m_socket->abort();
            return;
        }
        if (!m_unsent.isEmpty())
            m_socket->write(std::exchange(m_unsent, {}));
        Q_EMIT connected();
    });
    connect(m_socket, &QLocalSocket::readyRead, this, &ControlClient::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, &ControlClient::onDisconnected);
    connect(m_socket, &QLocalSocket::errorOccurred, this, [this](QLocalSocket::LocalSocketError error) {
        if (error == QLocalSocket::PeerClosedError)
            return; // disconnected() reports it
        const core::Error e = core::makeError(ErrorCategory::Io, code::Disconnected,
                                              QStringLiteral("Cannot talk to RepoRunner at %1: %2")
                                                  .arg(m_socket->serverName(), m_socket->errorString()));
        if (m_socket->state() == QLocalSocket::UnconnectedState) {
            m_unsent.clear();
            failAll(e);
        }
        Q_EMIT errorOccurred(e);
    });
}

ControlClient::~ControlClient()
{
    disconnect(m_socket, nullptr, this, nullptr);
    failAll(core::makeError(ErrorCategory::Cancelled, code::Disconnected,
                            QStringLiteral("The client was closed before the reply arrived.")));
}

void ControlClient::connectToServer(const QString &socketPath)
{
    m_refusal.reset();
    if (auto dir = checkSocketDirectory(socketPath); !dir) {
        m_refusal = dir.error();
        // Reported from the event loop, like any connection failure.
        QTimer::singleShot(0, this, [this, error = dir.error()] {
            m_unsent.clear();
            failAll(error);
            Q_EMIT errorOccurred(error);
        });
        return;
    }
    m_socket->connectToServer(socketPath);
}

void ControlClient::disconnectFromServer()
{
    m_socket->disconnectFromServer();
}

bool ControlClient::isConnected() const
{
    return m_socket->state() == QLocalSocket::ConnectedState;
}

void ControlClient::setMaxMessageSize(std::uint32_t bytes)
{
    m_decoder = FrameDecoder(bytes);
}

QFuture<core::Result<QJsonValue>> ControlClient::call(const QString &method, const QJsonObject &params)
{
    const qint64 id = m_nextId++;
    const QByteArray payload = MessageCodec::encodeRequest(Request{QJsonValue(id), method, params});
    if (payload.size() > qsizetype(m_decoder.maxPayload())) {
        return ControlHandler::ready(core::fail(ErrorCategory::Input, code::TooLarge,
                                                QStringLiteral("The request of %1 bytes is larger than the "
                                                               "limit of %2 bytes.")
                                                    .arg(payload.size())
                                                    .arg(m_decoder.maxPayload())));
    }
    if (m_refusal)
        return ControlHandler::ready(core::fail(*m_refusal));
    const auto state = m_socket->state();
    if (state == QLocalSocket::UnconnectedState || state == QLocalSocket::ClosingState) {
        return ControlHandler::ready(core::fail(ErrorCategory::Io, code::Disconnected,
                                                QStringLiteral("Not connected to RepoRunner.")));
    }

    auto pending = std::make_unique<Pending>();
    pending->promise.start();
    QFuture<core::Result<QJsonValue>> future = pending->promise.future();
    pending->timer = new QTimer(this);
    pending->timer->setSingleShot(true);
    connect(pending->timer, &QTimer::timeout, this, [this, id, method] {
        complete(id, core::fail(ErrorCategory::Io, code::Timeout,
                                QStringLiteral("RepoRunner did not answer \"%1\" within %2 ms.")
                                    .arg(method)
                                    .arg(m_timeout.count())));
    });
    pending->timer->start(m_timeout);
    m_pending.emplace(id, std::move(pending));

    const QByteArray frame = FrameDecoder::encode(payload);
    if (state == QLocalSocket::ConnectedState)
        m_socket->write(frame);
    else
        m_unsent += frame;
    return future;
}

void ControlClient::onReadyRead()
{
    while (m_socket->bytesAvailable() > 0) {
        m_decoder.feed(m_socket->readAll());
        while (auto item = m_decoder.next()) {
            if (item->kind == FrameDecoder::Item::Kind::Oversized) {
                // Unlike the server, a client cannot ask again; a stream this wrong is not trusted.
                Q_EMIT errorOccurred(
                    core::makeError(ErrorCategory::Io, code::TooLarge,
                                    QStringLiteral("RepoRunner sent a message of %1 bytes, over the limit.")
                                        .arg(item->declaredSize)));
                m_socket->abort();
                return;
            }
            auto incoming = MessageCodec::decodeIncoming(item->payload);
            if (!incoming) {
                qCWarning(lcIpc) << "unreadable message from the server:" << incoming.error().message;
                Q_EMIT errorOccurred(incoming.error());
                continue;
            }
            if (incoming->kind == Incoming::Kind::Event) {
                if (incoming->event == event::Error) {
                    if (auto error = MessageCodec::errorFromJson(incoming->data))
                        Q_EMIT errorOccurred(*error);
                }
                Q_EMIT eventReceived(incoming->event, incoming->data);
                continue;
            }
            if (incoming->id.isNull()) {
                Q_EMIT errorOccurred(incoming->error.value_or(
                    core::makeError(ErrorCategory::Internal, code::Internal,
                                    QStringLiteral("An uncorrelated reply arrived."))));
                continue;
            }
            if (incoming->error)
                complete(incoming->id.toInteger(), core::fail(*incoming->error));
            else
                complete(incoming->id.toInteger(), incoming->result);
        }
    }
}

void ControlClient::complete(qint64 id, core::Result<QJsonValue> result)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return; // timed out already, or not ours
    std::unique_ptr<Pending> pending = std::move(it->second);
    m_pending.erase(it);
    pending->timer->stop();
    pending->timer->deleteLater();
    core::promises::settle(pending->promise, std::move(result));
}

void ControlClient::failAll(const core::Error &error)
{
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto &[id, p] : pending) {
        p->timer->stop();
        p->timer->deleteLater();
        core::promises::settle(p->promise, core::fail(error));
    }
}

void ControlClient::onDisconnected()
{
    m_unsent.clear();
    failAll(core::makeError(ErrorCategory::Io, code::Disconnected,
                            QStringLiteral("RepoRunner closed the connection before answering.")));
    Q_EMIT disconnected();
}

} // namespace rr::ipc
