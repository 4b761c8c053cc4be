#include "relay.h"

#include "browserpolicy.h"

#include "ipc/controlclient.h"
#include "ipc/protocol.h"

#include <QCoreApplication>
#include <QFuture>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QProcess>
#include <QSaveFile>
#include <QTimer>

namespace rr::nativehost {

Relay::Relay(RelayOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_client(new ipc::ControlClient(this))
    , m_retry(new QTimer(this))
    , m_deadline(new QTimer(this))
{
    m_retry->setSingleShot(true);
    m_retry->setInterval(m_options.retryIntervalMs);
    m_deadline->setSingleShot(true);
    m_deadline->setInterval(m_options.connectTimeoutMs);
    connect(m_retry, &QTimer::timeout, this, [this] { m_client->connectToServer(m_options.socketPath); });
    connect(m_deadline, &QTimer::timeout, this, [this] {
        giveUp(m_appStarted ? QStringLiteral("RepoRunner was started but did not answer in time")
                            : QStringLiteral("RepoRunner is not running; start the RepoRunner app"));
    });
    connect(m_client, &ipc::ControlClient::connected, this, &Relay::onConnected);
    connect(m_client, &ipc::ControlClient::errorOccurred, this, [this](const core::Error &error) {
        // Another user's socket directory or server: nothing to start or retry, and every
        // request is refused with why (the extension shows it).
        if (error.code == ipc::code::UnsafeRuntimeDir || error.code == ipc::code::UntrustedPeer) {
            return giveUp(error.message, error.code);
        }
        if (m_state == State::Connecting)
            onConnectFailed();
    });
    connect(m_client, &ipc::ControlClient::disconnected, this, [this] {
        if (m_state != State::Connected)
            return;
        m_state = State::Idle;
        send({{QStringLiteral("event"), QStringLiteral("app.disconnected")},
              {QStringLiteral("data"), QJsonObject{}}});
    });
    connect(m_client, &ipc::ControlClient::eventReceived, this,
            [this](const QString &name, const QJsonObject &data) {
                send({{QStringLiteral("event"), name}, {QStringLiteral("data"), data}});
            });
}

void Relay::onBrowserBytes(const QByteArray &bytes)
{
    m_reader.feed(bytes);
    while (auto frame = m_reader.next()) {
        if (frame->oversized)
            sendError({}, QStringLiteral("nativehost.too_large"),
                      QStringLiteral("a message from the extension was larger than 1 MiB and was dropped"));
        else
            handleFrame(frame->payload);
    }
}

void Relay::onBrowserClosed()
{
    Q_EMIT finished(0);
}

void Relay::handleFrame(const QByteArray &payload)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &parseError);
    if (!doc.isObject())
        return sendError({}, QStringLiteral("nativehost.bad_message"),
                         QStringLiteral("the extension sent something that is not a JSON object"));
    const QJsonObject o = doc.object();
    const QJsonValue id = o.value(QStringLiteral("id"));
    const QJsonValue method = o.value(QStringLiteral("method"));
    const QJsonValue params = o.value(QStringLiteral("params"));
    if (!(id.isDouble() || id.isString()) || !method.isString() ||
        !(params.isObject() || params.isUndefined()))
        return sendError(id, QStringLiteral("nativehost.bad_message"),
                         QStringLiteral("requests need an id, a method name and an object of params"));
    const Request request{id, method.toString(), params.toObject()};
    if (request.method == ipc::hostMethod::Status)
        return reportStatus(id);
    if (!ipc::knownMethods().contains(request.method))
        return sendError(
            id, QString(ipc::code::UnknownMethod),
            QStringLiteral("the native host does not relay \"%1\"").arg(request.method.left(64)));
    if (auto refused = BrowserPolicy::refusal(request.method, request.params))
        return sendError(id, QStringLiteral("nativehost.refused"), *refused);
    if (m_state == State::Connected)
        return dispatch(request);
    m_queue.append(request);
    ensureConnected();
}

void Relay::reportStatus(const QJsonValue &id)
{
    QJsonObject status{{QStringLiteral("host"), QStringLiteral("reporunner-nativehost")},
                       {QStringLiteral("version"), QCoreApplication::applicationVersion()},
                       {QStringLiteral("protocol"), ipc::kProtocolVersion},
                       {QStringLiteral("socket"), m_options.socketPath}};
    if (m_state == State::Connected) {
        status.insert(QStringLiteral("appRunning"), true);
        return send({{QStringLiteral("id"), id}, {QStringLiteral("result"), status}});
    }
    if (auto dir = ipc::checkSocketDirectory(m_options.socketPath); !dir)
        return sendError(id, dir.error().code, dir.error().message);
    // A probe of the socket only: asking for the status must never start the app.
    auto *probe = new QLocalSocket(this);
    auto answer = [this, probe, id, status](bool running) mutable {
        probe->disconnect(this);
        probe->abort();
        probe->deleteLater();
        status.insert(QStringLiteral("appRunning"), running);
        send({{QStringLiteral("id"), id}, {QStringLiteral("result"), status}});
    };
    connect(probe, &QLocalSocket::connected, this, [answer]() mutable { answer(true); });
    connect(probe, &QLocalSocket::errorOccurred, this, [answer]() mutable { answer(false); });
    probe->connectToServer(m_options.socketPath);
}

void Relay::dispatch(const Request &request)
{
    m_client->call(request.method, request.params)
        .then(this, [this, id = request.id](const core::Result<QJsonValue> &result) {
            if (result)
                send({{QStringLiteral("id"), id}, {QStringLiteral("result"), *result}});
            else
                sendError(id, result.error().code, result.error().message);
        });
}

void Relay::ensureConnected()
{
    if (m_state != State::Idle)
        return;
    if (auto dir = ipc::checkSocketDirectory(m_options.socketPath); !dir) {
        return giveUp(dir.error().message, dir.error().code);
    }
    m_state = State::Connecting;
    m_deadline->start();
    m_client->connectToServer(m_options.socketPath);
}

void Relay::onConnected()
{
    m_state = State::Connected;
    m_deadline->stop();
    // Connected: if this app goes away later, the next request may start it again.
    m_appStarted = false;
    const QList<Request> queued = std::exchange(m_queue, {});
    for (const Request &r : queued)
        dispatch(r);
}

void Relay::onConnectFailed()
{
    if (!m_appStarted && !m_options.appCommand.isEmpty()) {
        m_appStarted = true;
        if (!startApp())
            return giveUp(QStringLiteral("RepoRunner is not running and could not be started (%1)")
                              .arg(m_options.appCommand.join(QLatin1Char(' '))));
    }
    m_retry->start();
}

bool Relay::startApp()
{
    // Detached: the app outlives this host, which the browser may stop at any time. It must not
    // inherit our stdin/stdout: those are the browser's message pipes, and anything the app
    // printed there would corrupt the framing (or keep the pipe open after we exit).
    QProcess app;
    app.setProgram(m_options.appCommand.first());
    app.setArguments(m_options.appCommand.mid(1));
    app.setStandardInputFile(QProcess::nullDevice());
    const QString log = m_options.appLogFile.isEmpty() ? QProcess::nullDevice() : m_options.appLogFile;
    app.setStandardOutputFile(log, QIODevice::Append);
    app.setStandardErrorFile(log, QIODevice::Append);
    qint64 pid = 0;
    if (!app.startDetached(&pid))
        return false;
    if (!m_options.appPidFile.isEmpty()) {
        QSaveFile pidFile(m_options.appPidFile);
        if (pidFile.open(QIODevice::WriteOnly)) {
            pidFile.write(QByteArray::number(pid) + '\n');
            pidFile.commit();
        }
    }
    return true;
}

void Relay::giveUp(const QString &why, const QString &code)
{
    m_retry->stop();
    m_deadline->stop();
    m_state = State::Idle;
    m_appStarted = false;
    const QList<Request> queued = std::exchange(m_queue, {});
    for (const Request &r : queued)
        sendError(r.id, code, why);
}

void Relay::send(const QJsonObject &message)
{
    for (const QByteArray &frame : chrome::encodeForBrowser(message))
        Q_EMIT toBrowser(frame);
}

void Relay::sendError(const QJsonValue &id, const QString &code, const QString &message)
{
    QJsonObject reply{{QStringLiteral("error"),
                       QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
    if (id.isUndefined() || id.isNull())
        reply.insert(QStringLiteral("event"), QStringLiteral("error"));
    else
        reply.insert(QStringLiteral("id"), id);
    send(reply);
}

} // namespace rr::nativehost
