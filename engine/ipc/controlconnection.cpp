#include "ipc/controlconnection.h"

#include "core/logging.h"
#include "ipc/messagecodec.h"

#include <QLocalSocket>

namespace rr::ipc {

using core::ErrorCategory;

namespace {
// Keep the socket's own buffer short so our queue (which we can discard) holds the backlog.
constexpr qint64 kSocketLowWater = 64 * 1024;
constexpr qint64 kReadChunk = 64 * 1024;
} // namespace

ControlConnection::ControlConnection(QLocalSocket *socket, const ServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_options(options)
    , m_decoder(options.maxMessageSize)
{
    m_socket->setParent(this);
    m_partialTimer.setSingleShot(true);
    m_partialTimer.setInterval(m_options.partialFrameTimeout);
    m_dropTimer.setSingleShot(true);
    m_dropTimer.setInterval(m_options.dropGrace);
    connect(m_socket, &QLocalSocket::readyRead, this, &ControlConnection::onReadyRead);
    connect(m_socket, &QLocalSocket::bytesWritten, this, &ControlConnection::pump);
    connect(m_socket, &QLocalSocket::disconnected, this, &ControlConnection::onDisconnected);
    connect(&m_partialTimer, &QTimer::timeout, this, [this] {
        drop(core::makeError(
            ErrorCategory::Input, code::BadFrame,
            QStringLiteral("The connection sent part of a message and then nothing for %1 ms.")
                .arg(m_options.partialFrameTimeout.count())));
    });
    // A client that never reads cannot even receive its final error; cut it off.
    connect(&m_dropTimer, &QTimer::timeout, m_socket, &QLocalSocket::abort);
    // Data may already be waiting when the server hands the socket over.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &ControlConnection::onReadyRead, Qt::QueuedConnection);
}

ControlConnection::~ControlConnection()
{
    // The socket emits disconnected() while it is destroyed; nobody should hear it any more.
    disconnect(m_socket, nullptr, this, nullptr);
}

qint64 ControlConnection::pendingBytes() const
{
    return m_queuedBytes + m_socket->bytesToWrite();
}

bool ControlConnection::wantsEvent(const QString &event, const QString &runId) const
{
    if (m_closing)
        return false;
    const Subscription &s = m_subscription;
    if (event == event::RunLog && !runId.isEmpty() && s.followedLogs.contains(runId))
        return true;
    if (!s.active)
        return false;
    if (event == event::RunLog && !s.logs)
        return false;
    return runId.isEmpty() || s.allRuns || s.runs.contains(runId);
}

void ControlConnection::onReadyRead()
{
    while (!m_closing && m_socket->bytesAvailable() > 0) {
        m_decoder.feed(m_socket->read(kReadChunk));
        while (!m_closing) {
            auto item = m_decoder.next();
            if (!item)
                break;
            if (item->kind == FrameDecoder::Item::Kind::Oversized) {
                // The payload is skipped as it arrives, so the client may go on after this.
                sendError(QJsonValue::Null,
                          core::makeError(
                              ErrorCategory::Input, code::TooLarge,
                              QStringLiteral("A message of %1 bytes is larger than the limit of %2 bytes.")
                                  .arg(item->declaredSize)
                                  .arg(m_decoder.maxPayload())));
                continue;
            }
            handleFrame(item->payload);
        }
    }
    if (m_closing || !m_decoder.hasPartialFrame())
        m_partialTimer.stop();
    else
        m_partialTimer.start(); // restarts: the limit is on a stall, not on a slow upload
}

void ControlConnection::handleFrame(const QByteArray &payload)
{
    QJsonValue id = QJsonValue::Null;
    auto request = MessageCodec::decodeRequest(payload, &id);
    if (!request) {
        sendError(id, request.error());
        return;
    }
    Q_EMIT requestReceived(*request);
}

void ControlConnection::sendResult(const QJsonValue &id, const QJsonValue &result)
{
    const QByteArray payload = MessageCodec::encodeResult(id, result);
    if (payload.size() > qsizetype(m_options.maxMessageSize)) {
        sendError(id, core::makeError(ErrorCategory::Internal, code::TooLarge,
                                      QStringLiteral("The reply of %1 bytes is larger than the limit of %2 "
                                                     "bytes; ask for a smaller range.")
                                          .arg(payload.size())
                                          .arg(m_options.maxMessageSize)));
        return;
    }
    enqueue(payload);
}

void ControlConnection::sendError(const QJsonValue &id, const core::Error &error)
{
    enqueue(MessageCodec::encodeError(id, error));
}

void ControlConnection::sendEncodedEvent(const QByteArray &payload)
{
    if (payload.size() > qsizetype(m_options.maxMessageSize)) {
        qCWarning(lcIpc) << "dropping an event of" << payload.size() << "bytes, over the message limit";
        return;
    }
    enqueue(payload);
}

void ControlConnection::enqueue(const QByteArray &payload)
{
    if (m_closing)
        return;
    const qsizetype size = payload.size() + kFrameHeaderSize;
    if (pendingBytes() + size > m_options.outgoingBudget) {
        drop(core::makeError(ErrorCategory::Io, code::SlowConsumer,
                             QStringLiteral("The client fell more than %1 bytes behind; it was disconnected. "
                                            "Read faster or subscribe to fewer runs.")
                                 .arg(m_options.outgoingBudget)));
        return;
    }
    m_queue.push_back(FrameDecoder::encode(payload));
    m_queuedBytes += size;
    pump();
}

void ControlConnection::pump()
{
    while (!m_queue.empty() && m_socket->bytesToWrite() < kSocketLowWater) {
        const QByteArray frame = std::move(m_queue.front());
        m_queue.pop_front();
        m_queuedBytes -= frame.size();
        m_socket->write(frame);
    }
}

void ControlConnection::drop(const core::Error &reason)
{
    if (m_closing)
        return;
    qCInfo(lcIpc) << "dropping client:" << reason.code << reason.message;
    // What is still queued would only delay the error; the client must resubscribe anyway.
    m_queue.clear();
    m_queuedBytes = 0;
    m_socket->write(
        FrameDecoder::encode(MessageCodec::encodeEvent(event::Error, MessageCodec::errorToJson(reason))));
    m_closing = true;
    m_partialTimer.stop();
    Q_EMIT dropped(reason);
    m_dropTimer.start();
    m_socket->disconnectFromServer(); // flushes the error first
}

void ControlConnection::onDisconnected()
{
    if (m_closed)
        return;
    m_closed = true;
    m_closing = true;
    m_partialTimer.stop();
    m_dropTimer.stop();
    Q_EMIT closed();
}

} // namespace rr::ipc
