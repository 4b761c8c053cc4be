#include "engineconnection.h"

#include "ipc/controlclient.h"
#include "ipc/protocol.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTimer>

namespace rr::cli {

namespace {
constexpr int RetryMs = 200;
constexpr int MaxAttempts = 150; // 30 s for a cold engine to reconcile and listen
} // namespace

EngineConnection::EngineConnection(QObject *parent)
    : QObject(parent)
    , m_retry(new QTimer(this))
{
    m_retry->setSingleShot(true);
    m_retry->setInterval(RetryMs);
    connect(m_retry, &QTimer::timeout, this, &EngineConnection::attempt);
}

QString EngineConnection::socketPath()
{
    const QString env = qEnvironmentVariable("REPORUNNER_SOCKET");
    return env.isEmpty() ? ipc::defaultSocketPath() : env;
}

void EngineConnection::open(bool autostart)
{
    m_autostart = autostart;
    attempt();
}

void EngineConnection::attempt()
{
    delete m_client;
    m_client = new ipc::ControlClient(this);
    m_client->setCallTimeout(std::chrono::seconds(5));
    m_client->connectToServer(socketPath());
    m_client->call(ipc::method::Hello, {{QStringLiteral("client"), QStringLiteral("reporunner-cli")}})
        .then(this, [this](const core::Result<QJsonValue> &hello) {
            if (hello) {
                m_client->setCallTimeout(std::chrono::minutes(10));
                Q_EMIT ready();
                return;
            }
            // Someone else's socket directory or server: starting our own would not help.
            const QString code = hello.error().code;
            if (!m_autostart || code == ipc::code::UnsafeRuntimeDir || code == ipc::code::UntrustedPeer)
                return Q_EMIT failed(hello.error());
            if (!m_spawned)
                spawnServe();
            if (++m_attempts > MaxAttempts)
                return Q_EMIT failed(core::makeError(
                    core::ErrorCategory::Io, QStringLiteral("cli.no_engine"),
                    QStringLiteral("The RepoRunner engine did not come up on %1; see %2.")
                        .arg(socketPath(),
                             QDir(ipc::runtimeDirectory()).filePath(QStringLiteral("serve.log")))));
            m_retry->start();
        });
}

void EngineConnection::spawnServe()
{
    m_spawned = true;
    const QString dir = ipc::runtimeDirectory();
    if (auto ok = ipc::ensurePrivateDirectory(dir); !ok)
        return;
    QProcess serve;
    serve.setProgram(QCoreApplication::applicationFilePath());
    serve.setArguments({QStringLiteral("serve"), QStringLiteral("--socket"), socketPath()});
    serve.setStandardInputFile(QProcess::nullDevice());
    serve.setStandardOutputFile(QDir(dir).filePath(QStringLiteral("serve.log")), QIODevice::Append);
    serve.setStandardErrorFile(QDir(dir).filePath(QStringLiteral("serve.log")), QIODevice::Append);
    qint64 pid = 0;
    // Scripts and tests stop the background engine through its pid file.
    if (serve.startDetached(&pid)) {
        QFile pidFile(QDir(dir).filePath(QStringLiteral("serve.pid")));
        if (pidFile.open(QIODevice::WriteOnly | QIODevice::Truncate))
            pidFile.write(QByteArray::number(pid) + '\n');
    }
}

} // namespace rr::cli
