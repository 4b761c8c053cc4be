#pragma once

#include "core/result.h"

#include <QString>

namespace rr::docker {

// Where the Docker daemon listens: a unix socket or plain-HTTP tcp, parsed from DOCKER_HOST.
struct DockerHost
{
    enum class Kind
    {
        Unix,
        Tcp
    };

    Kind kind = Kind::Unix;
    QString socketPath = QStringLiteral("/var/run/docker.sock"); // Kind::Unix
    QString host;                                                // Kind::Tcp
    int port = 2375;                                             // Kind::Tcp

    // "unix:///path", "tcp://host:port", "tcp://host" (port 2375); empty means the default socket.
    // TLS (DOCKER_TLS_VERIFY, https) is refused rather than silently downgraded.
    static core::Result<DockerHost> parse(const QString &spec);
    // DOCKER_HOST from the environment, or the default socket.
    static core::Result<DockerHost> fromEnvironment();

    // "http://localhost" for sockets (curl needs a host part), "http://host:port" for tcp.
    QString baseUrl() const;
    // The DOCKER_HOST-style spelling, for messages.
    QString toString() const;
};

} // namespace rr::docker
