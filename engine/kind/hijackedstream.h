#pragma once

#include "core/result.h"
#include "docker/dockerhost.h"

#include <QByteArray>

#include <functional>

namespace rr::kind {

// One HTTP request whose connection the daemon "upgrades" into a raw bidirectional byte stream
// (exec/attach start answers 101 UPGRADED, or 200 on old daemons). libcurl cannot half-close
// a socket, and the process only sees stdin EOF after a half-close, so this speaks HTTP/1.1
// itself over a plain socket. Blocking with short polls: it runs on a worker thread and checks
// `cancelled` at least every 250 ms.
class HijackedStream final
{
    Q_DISABLE_COPY_MOVE(HijackedStream)

public:
    using CancelCheck = std::function<bool()>;
    // Receives every byte the daemon sends after the upgrade.
    using OutputSink = std::function<void(const QByteArray &chunk)>;

    HijackedStream() = default;
    ~HijackedStream();

    // Connects, sends `method path` with a JSON `body` and the upgrade headers and reads the
    // response head. A non-upgrade answer becomes a Docker error with the daemon's message.
    core::Result<void> open(const docker::DockerHost &host, const QByteArray &method, const QByteArray &path,
                            const QByteArray &jsonBody, OutputSink sink, const CancelCheck &cancelled);
    // Writes all of `data`, passing output that arrives meanwhile to the sink (a process that
    // writes while we write must not block us both).
    core::Result<void> write(const QByteArray &data, const CancelCheck &cancelled);
    // Half-closes: the daemon closes the process's stdin, output keeps flowing.
    core::Result<void> closeWrite();
    // Reads until the daemon closes the stream (the process exited).
    core::Result<void> readToEnd(const CancelCheck &cancelled);
    void close();
    bool isOpen() const { return m_fd >= 0; }

private:
    core::Result<void> connectTo(const docker::DockerHost &host);
    // One poll round: reads what is readable, writes from `out` at `offset` if writable.
    core::Result<bool> pump(const QByteArray *out, qsizetype *offset, const CancelCheck &cancelled);
    core::Result<void> readHead(const CancelCheck &cancelled);

    int m_fd = -1;
    bool m_eof = false;
    QByteArray m_head;
    OutputSink m_sink;
};

} // namespace rr::kind
