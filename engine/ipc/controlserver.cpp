#include "ipc/controlserver.h"

#include "core/logging.h"
#include "ipc/controlconnection.h"
#include "ipc/logbatcher.h"
#include "ipc/messagecodec.h"
#include "ipc/paramvalidator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QLocalServer>
#include <QLocalSocket>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace rr::ipc {

using core::ErrorCategory;

namespace {

enum class SocketState
{
    Absent,
    Stale,
    Alive,
    NotASocket,
};

// A non-blocking connect() answers at once for a Unix socket: refused means nobody listens.
SocketState probeSocket(const QByteArray &path)
{
    struct stat st = {};
    if (::lstat(path.constData(), &st) != 0)
        return SocketState::Absent;
    if (!S_ISSOCK(st.st_mode))
        return SocketState::NotASocket;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return SocketState::Alive; // cannot tell; do not delete someone's live socket
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr));
    const int err = errno;
    ::close(fd);
    if (rc == 0 || err == EAGAIN || err == EINPROGRESS)
        return SocketState::Alive;
    return SocketState::Stale;
}

} // namespace

ControlServer::ControlServer(ControlHandler *handler, ServerOptions options, QObject *parent)
    : QObject(parent)
    , m_handler(handler)
    , m_options(std::move(options))
    , m_server(new QLocalServer(this))
{
    m_socketPath = m_options.socketPath.isEmpty() ? defaultSocketPath() : m_options.socketPath;
    m_logs = new LogBatcher(
        [this](const QString &runId, const QJsonArray &lines) {
            publish(event::RunLog,
                    QJsonObject{{QLatin1String("runId"), runId}, {QLatin1String("lines"), lines}}, runId);
        },
        m_options.logBatchLines, qsizetype(m_options.maxMessageSize / 4), m_options.logBatchInterval, this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &ControlServer::onNewConnection);
}

ControlServer::~ControlServer()
{
    for (ControlConnection *c : std::as_const(m_connections))
        disconnect(c, nullptr, this, nullptr);
    close();
}

core::Result<void> ControlServer::listen()
{
    // The default location is ours to create and must be private; a path the user named must
    // at least be in a directory others cannot swap the socket in (protocol.h).
    if (QDir::cleanPath(m_socketPath) == QDir::cleanPath(defaultSocketPath())) {
        if (auto dir = ensurePrivateDirectory(QFileInfo(m_socketPath).absolutePath()); !dir)
            return dir;
    } else if (auto dir = checkSocketDirectory(m_socketPath); !dir) {
        return dir;
    }
    const QByteArray path = QFile::encodeName(m_socketPath);
    if (path.size() >= qsizetype(sizeof(sockaddr_un::sun_path))) {
        return core::fail(
            ErrorCategory::Io, code::ListenFailed,
            QStringLiteral("The socket path %1 is too long for a Unix socket.").arg(m_socketPath));
    }
    switch (probeSocket(path)) {
    case SocketState::Absent:
        break;
    case SocketState::Stale:
        qCInfo(lcIpc) << "removing stale control socket" << m_socketPath;
        QLocalServer::removeServer(m_socketPath);
        break;
    case SocketState::Alive:
        return core::fail(ErrorCategory::Io, code::AddressInUse,
                          QStringLiteral("Another RepoRunner is already serving %1.").arg(m_socketPath));
    case SocketState::NotASocket:
        return core::fail(
            ErrorCategory::Io, code::AddressInUse,
            QStringLiteral("%1 exists and is not a socket; remove it and start again.").arg(m_socketPath));
    }
    if (!m_server->listen(m_socketPath)) {
        return core::fail(
            ErrorCategory::Io, code::ListenFailed,
            QStringLiteral("Cannot listen on %1: %2").arg(m_socketPath, m_server->errorString()));
    }
    qCInfo(lcIpc) << "control API listening on" << m_socketPath;
    return {};
}

void ControlServer::close()
{
    m_server->close(); // also removes the socket file
}

bool ControlServer::isListening() const
{
    return m_server->isListening();
}

void ControlServer::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        // The socket's mode keeps other users out; should that ever fail (a copy of the socket
        // file's mode, a directory someone loosened), their connection still gets nothing.
        if (auto peer = checkPeerIsUs(socket->socketDescriptor()); !peer) {
            qCWarning(lcIpc).noquote() << "refusing a control connection:" << peer.error().message;
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *connection = new ControlConnection(socket, m_options, this);
        m_connections.append(connection);
        connect(connection, &ControlConnection::requestReceived, this,
                [this, connection](const Request &request) { dispatch(connection, request); });
        connect(connection, &ControlConnection::dropped, this, &ControlServer::clientDropped);
        connect(connection, &ControlConnection::closed, this,
                [this, connection] { removeConnection(connection); });
        Q_EMIT clientConnected();
        if (socket->state() != QLocalSocket::ConnectedState)
            removeConnection(connection);
    }
}

void ControlServer::removeConnection(ControlConnection *connection)
{
    if (!m_connections.removeOne(connection))
        return;
    disconnect(connection, nullptr, this, nullptr);
    connection->deleteLater(); // we may be inside one of its signals
    Q_EMIT clientDisconnected();
}

void ControlServer::dispatch(ControlConnection *connection, const Request &request)
{
    if (auto valid = ParamValidator::validate(request.method, request.params); !valid) {
        connection->sendError(request.id, valid.error());
        return;
    }
    if (request.method == method::Subscribe) {
        subscribe(connection, request);
        return;
    }
    if (request.method == method::Hello) {
        const QJsonValue version = request.params.value(QLatin1String("version"));
        if (!version.isUndefined() && version.toInt() != kProtocolVersion) {
            connection->sendError(
                request.id, core::makeError(ErrorCategory::Input, code::VersionMismatch,
                                            QStringLiteral("The client speaks protocol %1, this server %2; "
                                                           "update RepoRunner.")
                                                .arg(version.toInt())
                                                .arg(kProtocolVersion)));
            return;
        }
    }
    if (connection->inFlight() >= m_options.maxInFlight) {
        connection->sendError(request.id,
                              core::makeError(ErrorCategory::Input, code::Busy,
                                              QStringLiteral("Too many requests at once (limit %1); wait for "
                                                             "replies before sending more.")
                                                  .arg(m_options.maxInFlight)));
        return;
    }

    QFuture<HandlerResult> future = m_handler->handle(request.method, request.params);
    if (future.isFinished()) {
        finishRequest(connection, request,
                      future.resultCount() > 0
                          ? future.result()
                          : HandlerResult(core::fail(ErrorCategory::Internal, code::Internal,
                                                     QStringLiteral("The request was abandoned."))));
        return;
    }
    // The watcher belongs to the connection: if the client goes away, so does the callback.
    connection->beginRequest();
    auto *watcher = new QFutureWatcher<HandlerResult>(connection);
    connect(watcher, &QFutureWatcherBase::finished, connection, [this, connection, watcher, request] {
        connection->endRequest();
        watcher->deleteLater();
        const QFuture<HandlerResult> done = watcher->future();
        finishRequest(connection, request,
                      done.resultCount() > 0
                          ? done.result()
                          : HandlerResult(core::fail(ErrorCategory::Internal, code::Internal,
                                                     QStringLiteral("The request was abandoned."))));
    });
    watcher->setFuture(future);
}

void ControlServer::finishRequest(ControlConnection *connection, const Request &request,
                                  const HandlerResult &result)
{
    if (!result) {
        connection->sendError(request.id, result.error());
        return;
    }
    QJsonValue value = *result;
    if (request.method == method::Hello) {
        QJsonObject info = value.toObject();
        info.insert(QLatin1String("protocol"), kProtocolVersion);
        info.insert(QLatin1String("methods"), QJsonArray::fromStringList(knownMethods()));
        info.insert(QLatin1String("maxMessageSize"), qint64(m_options.maxMessageSize));
        value = info;
    } else if (request.method == method::Logs && request.params.value(QLatin1String("follow")).toBool()) {
        connection->subscription().followedLogs.insert(
            request.params.value(QLatin1String("runId")).toString());
    }
    connection->sendResult(request.id, value);
}

void ControlServer::subscribe(ControlConnection *connection, const Request &request)
{
    ControlConnection::Subscription &s = connection->subscription();
    const QJsonValue runs = request.params.value(QLatin1String("runs"));
    s.active = true;
    s.allRuns = runs.isUndefined();
    s.runs.clear();
    const QJsonArray runList = runs.toArray();
    for (const QJsonValue &run : runList)
        s.runs.insert(run.toString());
    s.logs = request.params.value(QLatin1String("logs")).toBool();
    connection->sendResult(
        request.id, QJsonObject{{QLatin1String("runs"), s.allRuns ? QJsonValue(QStringLiteral("*")) : runs},
                                {QLatin1String("logs"), s.logs}});
}

void ControlServer::publish(const QString &event, const QJsonObject &data, const QString &runId)
{
    QJsonObject payloadData = data;
    if (!runId.isEmpty() && !payloadData.contains(QLatin1String("runId")))
        payloadData.insert(QLatin1String("runId"), runId);
    QByteArray payload; // encoded once, on first use, and shared by every subscriber
    // A drop inside sendEncodedEvent may remove connections; iterate over a copy.
    const QList<ControlConnection *> connections = m_connections;
    for (ControlConnection *c : connections) {
        if (!c->wantsEvent(event, runId))
            continue;
        if (payload.isEmpty())
            payload = MessageCodec::encodeEvent(event, payloadData);
        c->sendEncodedEvent(payload);
    }
}

void ControlServer::publishLogLines(const QString &runId, const QJsonArray &lines)
{
    m_logs->append(runId, lines);
}

void ControlServer::flushLogs()
{
    m_logs->flush();
}

} // namespace rr::ipc
