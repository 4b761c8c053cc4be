#pragma once

#include "core/result.h"
#include "docker/apirequest.h"
#include "docker/apiresponse.h"
#include "docker/curltransport.h"
#include "docker/daemoninfo.h"
#include "docker/dockerhost.h"

#include <QJsonValue>
#include <QMutex>

#include <optional>

namespace rr::docker {

// Blocking, thread-safe Docker API calls for worker threads: negotiates the API version once
// (/_ping, then /version), prefixes every path with it and turns error bodies into errors.
// DockerClient wraps it asynchronously; jobs already on a worker use it directly.
class DockerConnection final
{
    Q_DISABLE_COPY_MOVE(DockerConnection)

public:
    static constexpr int MaxApiMajor = 1;
    static constexpr int MaxApiMinor = 43; // the newest API whose behaviour we know
    static constexpr int MinApiMinor = 25; // label filters, prune, wait conditions

    explicit DockerConnection(DockerHost host);

    core::Result<DaemonInfo> daemonInfo(const CurlTransport::CancelCheck &cancelled = {});
    // A non-2xx answer becomes a Docker error (404 -> "docker.not_found").
    core::Result<ApiResponse> call(const ApiRequest &request,
                                   const CurlTransport::CancelCheck &cancelled = {},
                                   const CurlTransport::ChunkSink &sink = {});
    core::Result<QJsonValue> callJson(const ApiRequest &request,
                                      const CurlTransport::CancelCheck &cancelled = {});

    const DockerHost &host() const { return m_transport.host(); }
    // Picks min(daemon, ours) of two "1.41"-style versions; empty if `daemon` is unreadable.
    static QString negotiateVersion(const QString &daemon);

private:
    CurlTransport m_transport;
    QMutex m_mutex;
    std::optional<DaemonInfo> m_info;
};

} // namespace rr::docker
