#pragma once

#include <QString>

namespace rr::docker {

// What /_ping and /version said, and the API version we settled on.
struct DaemonInfo
{
    QString apiVersion;       // negotiated: min(daemon, DockerConnection::MaxApiVersion)
    QString daemonApiVersion; // the daemon's own
    QString minApiVersion;
    QString engineVersion; // "20.10.24+dfsg1"
    QString os;            // "linux"
    QString arch;
    QString builderVersion; // /_ping's Builder-Version header ("2" = BuildKit default); may be empty
    bool buildKit = false;  // the daemon can run BuildKit builds (version=2)
};

} // namespace rr::docker
