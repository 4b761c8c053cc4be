#include "kind/execsession.h"

#include "core/linebuffer.h"
#include "core/logging.h"
#include "docker/dockerconnection.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rr::kind {

using core::ErrorCategory;

ExecSession::ExecSession(docker::DockerConnection &connection, QString containerId)
    : m_connection(connection)
    , m_containerId(std::move(containerId))
{}

core::Result<void> ExecSession::start(const QStringList &command, bool withStdin,
                                      const CancelCheck &cancelled)
{
    m_startedAt = QDateTime::currentSecsSinceEpoch();
    QJsonObject config;
    config.insert(QStringLiteral("Cmd"), QJsonArray::fromStringList(command));
    config.insert(QStringLiteral("AttachStdin"), withStdin);
    config.insert(QStringLiteral("AttachStdout"), true);
    config.insert(QStringLiteral("AttachStderr"), true);
    config.insert(QStringLiteral("Tty"), false);
    const auto created = m_connection.callJson(
        docker::ApiRequest::post(
            QStringLiteral("/containers/%1/exec").arg(docker::ApiRequest::pathSegment(m_containerId)), {},
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
    const QByteArray path = QStringLiteral("/v%1/exec/%2/start")
                                .arg(info->apiVersion, docker::ApiRequest::pathSegment(m_execId))
                                .toUtf8();
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
    // The stream ends when the process closes its output, but the daemon records the exit code
    // when containerd reports the exit, usually a moment later. It announces that moment with an
    // exec_die event, so a process still "Running" here is waited for on the event stream.
    auto inspected = inspectExit(cancelled);
    if (!inspected || !*inspected)
        return inspected ? core::Result<Output>(m_output) : core::fail(inspected.error());
    if (auto died = awaitExecDie(cancelled); !died)
        return core::fail(died.error());
    if (m_output.exitCode >= 0)
        return m_output;
    // Daemons before API 1.41 send exec_die without the exit code; it is recorded by now.
    inspected = inspectExit(cancelled);
    if (inspected && !*inspected)
        return m_output;
    if (!inspected)
        return core::fail(inspected.error());
    return core::fail(
        ErrorCategory::Docker, QStringLiteral("docker.exec.inspect"),
        QStringLiteral("Docker did not report how the command in %1 ended.").arg(m_containerId));
}

core::Result<bool> ExecSession::inspectExit(const CancelCheck &cancelled)
{
    const auto inspected = m_connection.callJson(
        docker::ApiRequest::get(
            QStringLiteral("/exec/%1/json").arg(docker::ApiRequest::pathSegment(m_execId))),
        cancelled);
    if (!inspected)
        return core::fail(inspected.error());
    const QJsonObject o = inspected->toObject();
    if (o.value(QStringLiteral("Running")).toBool())
        return true;
    m_output.exitCode = o.value(QStringLiteral("ExitCode")).toInt(-1);
    return false;
}

core::Result<void> ExecSession::awaitExecDie(const CancelCheck &cancelled)
{
    // Replays from just before the exec started (so an event sent before we asked is not
    // missed) and lets the daemon end the stream after ExitEventWaitSecs if none comes.
    constexpr qint64 ClockSlackSecs = 60;
    constexpr qint64 ExitEventWaitSecs = 10;
    QUrlQuery q;
    docker::ApiRequest::addParam(q, QStringLiteral("since"), QString::number(m_startedAt - ClockSlackSecs));
    docker::ApiRequest::addParam(q, QStringLiteral("until"),
                                 QString::number(QDateTime::currentSecsSinceEpoch() + ExitEventWaitSecs));
    const QJsonObject filters{{QStringLiteral("type"), QJsonArray{QStringLiteral("container")}},
                              {QStringLiteral("container"), QJsonArray{m_containerId}},
                              {QStringLiteral("event"), QJsonArray{QStringLiteral("exec_die")}}};
    docker::ApiRequest::addParam(q, QStringLiteral("filters"),
                                 QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
    core::LineBuffer lines;
    bool died = false;
    const auto followed = m_connection.call(
        docker::ApiRequest::get(QStringLiteral("/events"), q), cancelled, [&](const QByteArray &chunk) {
            for (const QByteArray &line : lines.feed(chunk)) {
                const QJsonObject attributes = QJsonDocument::fromJson(line)
                                                   .object()
                                                   .value(QStringLiteral("Actor"))
                                                   .toObject()
                                                   .value(QStringLiteral("Attributes"))
                                                   .toObject();
                if (attributes.value(QStringLiteral("execID")).toString() != m_execId)
                    continue;
                bool known = false;
                const int code = attributes.value(QStringLiteral("exitCode")).toString().toInt(&known);
                if (known)
                    m_output.exitCode = code;
                died = true;
                return false; // ends the transfer; the rest of the stream is not ours
            }
            return true;
        });
    if (!followed)
        return core::fail(followed.error());
    if (!died)
        qCInfo(lcDocker) << "no exec_die event for exec" << m_execId.left(12) << "within" << ExitEventWaitSecs
                         << "s";
    return {};
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
