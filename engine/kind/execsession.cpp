#include "kind/execsession.h"

#include "core/logging.h"
#include "docker/dockerconnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>
#include <QUrl>

namespace rr::kind {

using core::ErrorCategory;

namespace {

QString encoded(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

} // namespace

ExecSession::ExecSession(docker::DockerConnection &connection, QString containerId)
    : m_connection(connection)
    , m_containerId(std::move(containerId))
{}

core::Result<void> ExecSession::start(const QStringList &command, bool withStdin,
                                      const CancelCheck &cancelled)
{
    QJsonObject config;
    config.insert(QStringLiteral("Cmd"), QJsonArray::fromStringList(command));
    config.insert(QStringLiteral("AttachStdin"), withStdin);
    config.insert(QStringLiteral("AttachStdout"), true);
    config.insert(QStringLiteral("AttachStderr"), true);
    config.insert(QStringLiteral("Tty"), false);
    const auto created = m_connection.callJson(
        docker::ApiRequest::post(QStringLiteral("/containers/%1/exec").arg(encoded(m_containerId)), {},
                                 QJsonDocument(config).toJson(QJsonDocument::Compact)),
        cancelled);
    if (!created)
        return core::fail(created.error());
    m_execId = created->toObject().value(QStringLiteral("Id")).toString();
    if (m_execId.isEmpty())
        return core::fail(
            ErrorCategory::Docker, QStringLiteral("docker.exec.create"),
            QStringLiteral("Docker did not return an exec id for container %1.").arg(m_containerId));

    const auto info = m_connection.daemonInfo(cancelled);
    if (!info)
        return core::fail(info.error());
    const QByteArray path =
        QStringLiteral("/v%1/exec/%2/start").arg(info->apiVersion, encoded(m_execId)).toUtf8();
    qCDebug(lcDocker) << "exec" << m_containerId.left(12) << command.value(0); // arguments may be secret
    return m_stream.open(
        m_connection.host(), "POST", path, R"({"Detach":false,"Tty":false})",
        [this](const QByteArray &chunk) { onOutput(chunk); }, cancelled);
}

void ExecSession::onOutput(const QByteArray &chunk)
{
    for (const docker::LogFrame &frame : m_demuxer.feed(chunk)) {
        QByteArray &target =
            frame.stream == docker::LogFrame::Stream::Stdout ? m_output.stdOut : m_output.stdErr;
        if (target.size() < OutputCap)
            target.append(frame.data.left(OutputCap - target.size()));
    }
}

core::Result<void> ExecSession::write(const QByteArray &data, const CancelCheck &cancelled)
{
    auto written = m_stream.write(data, cancelled);
    if (written)
        m_output.stdinBytes += data.size();
    return written;
}

core::Result<void> ExecSession::closeStdin()
{
    return m_stream.closeWrite();
}

core::Result<ExecSession::Output> ExecSession::finish(const CancelCheck &cancelled)
{
    if (auto read = m_stream.readToEnd(cancelled); !read)
        return core::fail(read.error());
    // The stream ends when the process does, but the daemon records the exit code a moment
    // later; "Running" tells us to ask again.
    for (int attempt = 0; attempt < 50; ++attempt) {
        const auto inspected = m_connection.callJson(
            docker::ApiRequest::get(QStringLiteral("/exec/%1/json").arg(encoded(m_execId))), cancelled);
        if (!inspected)
            return core::fail(inspected.error());
        const QJsonObject o = inspected->toObject();
        if (!o.value(QStringLiteral("Running")).toBool()) {
            m_output.exitCode = o.value(QStringLiteral("ExitCode")).toInt(-1);
            return m_output;
        }
        if (cancelled && cancelled())
            break;
        QThread::msleep(20);
    }
    return core::fail(
        ErrorCategory::Docker, QStringLiteral("docker.exec.inspect"),
        QStringLiteral("Docker did not report how the command in %1 ended.").arg(m_containerId));
}

core::Result<ExecSession::Output> ExecSession::run(docker::DockerConnection &connection,
                                                   const QString &containerId, const QStringList &command,
                                                   const QByteArray &stdinData, const CancelCheck &cancelled)
{
    ExecSession exec(connection, containerId);
    if (auto started = exec.start(command, !stdinData.isNull(), cancelled); !started)
        return core::fail(started.error());
    if (!stdinData.isNull()) {
        // A failed write means the process stopped reading; its exit code and stderr say why.
        (void)exec.write(stdinData, cancelled);
        (void)exec.closeStdin();
    }
    return exec.finish(cancelled);
}

} // namespace rr::kind
