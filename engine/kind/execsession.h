#pragma once

#include "core/result.h"
#include "docker/logdemuxer.h"
#include "kind/hijackedstream.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace rr::docker {
class DockerConnection;
}

namespace rr::kind {

// A command run inside a running container through the Engine API (`docker exec -i`):
// POST /containers/{id}/exec, then /exec/{id}/start upgraded to a raw stream that carries our
// stdin one way and the multiplexed stdout/stderr the other, then /exec/{id}/json for the exit
// code. Blocking; for worker threads (DockerClient::run jobs).
class ExecSession final
{
    Q_DISABLE_COPY_MOVE(ExecSession)

public:
    using CancelCheck = HijackedStream::CancelCheck;

    struct Output
    {
        int exitCode = -1;
        QByteArray stdOut; // capped at OutputCap bytes each; the rest is dropped
        QByteArray stdErr;
        qint64 stdinBytes = 0;
    };
    static constexpr qsizetype OutputCap = 1024 * 1024;

    ExecSession(docker::DockerConnection &connection, QString containerId);

    core::Result<void> start(const QStringList &command, bool withStdin, const CancelCheck &cancelled);
    core::Result<void> write(const QByteArray &data, const CancelCheck &cancelled);
    // The process sees end-of-file on stdin.
    core::Result<void> closeStdin();
    // Waits for the process to end and collects its output and exit code.
    core::Result<Output> finish(const CancelCheck &cancelled);

    // start + write `stdinData` (when not null) + finish.
    static core::Result<Output> run(docker::DockerConnection &connection, const QString &containerId,
                                    const QStringList &command, const QByteArray &stdinData,
                                    const CancelCheck &cancelled);

private:
    void onOutput(const QByteArray &chunk);
    // Reads the exit code from /exec/{id}/json; true while the daemon still reports "Running".
    core::Result<bool> inspectExit(const CancelCheck &cancelled);
    // Follows /events until this exec's exec_die (taking its exit code when the daemon sends one).
    core::Result<void> awaitExecDie(const CancelCheck &cancelled);

    docker::DockerConnection &m_connection;
    QString m_containerId;
    QString m_execId;
    HijackedStream m_stream;
    docker::LogDemuxer m_demuxer;
    Output m_output;
    qint64 m_startedAt = 0; // seconds since the epoch, for replaying the daemon's events
};

} // namespace rr::kind
