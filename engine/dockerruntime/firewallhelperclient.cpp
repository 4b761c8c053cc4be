#include "dockerruntime/firewallhelperclient.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace rr::dockerruntime {

namespace {

using core::ErrorCategory;

constexpr int DeadlineMs = 60000; // iptables waits up to 10 s for its lock, per command
constexpr qsizetype MaxReply = 64 * 1024;

core::Unexpected unreachable(const QString &socketPath, const QString &why)
{
    core::Error e = core::makeError(
        ErrorCategory::Docker, QStringLiteral("docker.firewall"),
        QStringLiteral("The run's network could not be isolated: the firewall helper at %1 %2.")
            .arg(socketPath, why));
    e.details = QStringLiteral(
        "Docker runs need their firewall rules. The package's helper makes them for members of "
        "the docker group: sudo systemctl enable --now reporunner-firewall.socket. "
        "See docs/security.md.");
    return core::fail(e);
}

struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

FirewallHelperClient::FirewallHelperClient(QString socketPath)
    : m_socketPath(std::move(socketPath))
{}

core::Result<QStringList> FirewallHelperClient::call(const FirewallRequest &request) const
{
    const QByteArray path = QFile::encodeName(m_socketPath);
    sockaddr_un address = {};
    if (path.size() >= qsizetype(sizeof address.sun_path))
        return unreachable(m_socketPath, QStringLiteral("has too long a path"));
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    Fd s{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (s.fd < 0 || ::connect(s.fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        return unreachable(
            m_socketPath,
            QStringLiteral("does not answer (%1)").arg(QString::fromLocal8Bit(std::strerror(errno))));
    ucred peer = {};
    socklen_t length = sizeof peer;
    if (::getsockopt(s.fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 || peer.uid != 0)
        return unreachable(m_socketPath,
                           QStringLiteral("is not run by root (uid %1); refusing it").arg(peer.uid));

    const QByteArray line = request.encode();
    if (::send(s.fd, line.constData(), size_t(line.size()), MSG_NOSIGNAL) != line.size())
        return unreachable(m_socketPath, QStringLiteral("closed the connection"));
    QByteArray reply;
    char buffer[4096];
    for (;;) {
        pollfd p{s.fd, POLLIN, 0};
        if (::poll(&p, 1, DeadlineMs) <= 0)
            return unreachable(m_socketPath,
                               QStringLiteral("did not answer within %1 s").arg(DeadlineMs / 1000));
        const ssize_t n = ::recv(s.fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        reply.append(buffer, qsizetype(n));
        if (reply.size() > MaxReply)
            return unreachable(m_socketPath, QStringLiteral("answered too much"));
    }
    if (!reply.endsWith('\n'))
        return unreachable(m_socketPath, QStringLiteral("closed the connection before answering"));
    return FirewallRequest::decodeReply(reply);
}

} // namespace rr::dockerruntime
