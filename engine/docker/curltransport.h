#pragma once

#include "core/result.h"
#include "docker/apirequest.h"
#include "docker/apiresponse.h"
#include "docker/dockerhost.h"

#include <functional>

namespace rr::docker {

// Blocking HTTP/1.1 to the Docker daemon with libcurl: one easy handle per call, so callers run
// it on a worker thread (DockerClient owns a QThreadPool for that). A unix socket goes through
// CURLOPT_UNIX_SOCKET_PATH; tcp is plain http. Bodies can be streamed in from a file and out
// to a sink, so neither a build context nor a log stream is ever held in memory whole.
class CurlTransport final
{
public:
    // Receives the body of a successful (2xx) response as it arrives; return false to stop.
    using ChunkSink = std::function<bool(const QByteArray &chunk)>;

    explicit CurlTransport(DockerHost host);

    // Polled during the transfer (at least once a second); returning true aborts it.
    using CancelCheck = std::function<bool()>;

    // `urlPrefix` is "/v1.41" or empty.
    // A non-2xx status is still a successful transport result; see ApiResponse::toError.
    core::Result<ApiResponse> perform(const ApiRequest &request, const QString &urlPrefix,
                                      const ChunkSink &sink = {}, const CancelCheck &isCancelled = {}) const;

    const DockerHost &host() const { return m_host; }

private:
    DockerHost m_host;
};

} // namespace rr::docker
