#pragma once

#include <QString>

namespace rr::dockerruntime {

// Checks that a published port really reaches the service. docker-proxy accepts connections
// even when nothing listens in the container (then closes them), so a bare connect proves
// nothing: we send an HTTP GET and count it as answered when bytes come back, or when the
// connection stays open (a non-HTTP server waiting for its own protocol). Blocking; call it on
// a worker thread.
class EndpointProbe final
{
public:
    // `host`: the dotted IPv4 address the port is published on.
    static bool answers(const QString &host, int port, int timeoutMs = 1500);
};

} // namespace rr::dockerruntime
