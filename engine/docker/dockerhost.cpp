#include "docker/dockerhost.h"

#include <QUrl>

namespace rr::docker {

using core::ErrorCategory;

core::Result<DockerHost> DockerHost::parse(const QString &spec)
{
    DockerHost h;
    const QString s = spec.trimmed();
    if (s.isEmpty())
        return h;
    if (s.startsWith(QLatin1String("unix://"))) {
        h.socketPath = s.mid(7);
        if (!h.socketPath.startsWith(QLatin1Char('/')))
            return core::fail(ErrorCategory::Input, QStringLiteral("docker.host.invalid"),
                              QStringLiteral("DOCKER_HOST %1 must name an absolute socket path, like "
                                             "unix:///var/run/docker.sock.")
                                  .arg(s));
        return h;
    }
    if (s.startsWith(QLatin1String("tcp://")) || s.startsWith(QLatin1String("http://"))) {
        const QUrl url(s.startsWith(QLatin1String("tcp://")) ? QStringLiteral("http://") + s.mid(6) : s);
        if (!url.isValid() || url.host().isEmpty() ||
            (!url.path().isEmpty() && url.path() != QLatin1String("/")))
            return core::fail(
                ErrorCategory::Input, QStringLiteral("docker.host.invalid"),
                QStringLiteral("DOCKER_HOST %1 is not a valid tcp://host:port address.").arg(s));
        h.kind = Kind::Tcp;
        h.host = url.host();
        h.port = url.port(2375);
        return h;
    }
    if (s.startsWith(QLatin1String("https://")) || s.startsWith(QLatin1String("ssh://")) ||
        s.startsWith(QLatin1String("npipe://")))
        return core::fail(ErrorCategory::Input, QStringLiteral("docker.host.unsupported"),
                          QStringLiteral("DOCKER_HOST %1 uses a transport RepoRunner does not support; use "
                                         "unix:///path or tcp://host:port.")
                              .arg(s));
    return core::fail(ErrorCategory::Input, QStringLiteral("docker.host.invalid"),
                      QStringLiteral("DOCKER_HOST %1 is neither unix:///path nor tcp://host:port.").arg(s));
}

core::Result<DockerHost> DockerHost::fromEnvironment()
{
    if (qEnvironmentVariableIntValue("DOCKER_TLS_VERIFY") != 0)
        return core::fail(ErrorCategory::Input, QStringLiteral("docker.host.unsupported"),
                          QStringLiteral("DOCKER_TLS_VERIFY is set, but RepoRunner only talks to Docker over "
                                         "a unix socket or plain tcp; unset it or point DOCKER_HOST at a "
                                         "local socket."));
    return parse(qEnvironmentVariable("DOCKER_HOST"));
}

QString DockerHost::baseUrl() const
{
    if (kind == Kind::Unix)
        return QStringLiteral("http://localhost");
    const QString h = host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return QStringLiteral("http://%1:%2").arg(h).arg(port);
}

QString DockerHost::toString() const
{
    if (kind == Kind::Unix)
        return QStringLiteral("unix://") + socketPath;
    return QStringLiteral("tcp://%1:%2").arg(host).arg(port);
}

} // namespace rr::docker
