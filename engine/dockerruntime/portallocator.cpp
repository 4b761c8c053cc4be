#include "dockerruntime/portallocator.h"

#include "plan/localport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rr::dockerruntime {

namespace {

bool isUdp(const QString &protocol)
{
    return protocol.compare(QLatin1String("udp"), Qt::CaseInsensitive) == 0;
}

// Binds address:port (0 = any) and returns the bound port, or 0 on failure. SO_REUSEADDR
// matches what listeners (docker-proxy, QTcpServer) set, so a TIME_WAIT leftover is not "taken".
int bindLoopback(const QString &address, int port, bool udp)
{
    in_addr host{};
    if (::inet_pton(AF_INET, address.toLatin1().constData(), &host) != 1)
        return 0;
    const int fd = ::socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<quint16>(port));
    addr.sin_addr = host;
    int bound = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
        socklen_t len = sizeof addr;
        if (::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
            bound = ntohs(addr.sin_port);
    }
    ::close(fd);
    return bound;
}

} // namespace

PortAllocator::PortAllocator(QString address)
    : m_address(std::move(address))
{}

bool PortAllocator::isFree(const QString &address, int port, const QString &protocol)
{
    return port > 0 && port < 65536 && bindLoopback(address, port, isUdp(protocol)) == port;
}

int PortAllocator::anyFreePort(const QString &address, const QString &protocol)
{
    return bindLoopback(address, 0, isUdp(protocol));
}

bool PortAllocator::available(int port, const QString &protocol) const
{
    return !m_taken.contains(protocol.toLower() + QLatin1Char('/') + QString::number(port)) &&
           isFree(m_address, port, protocol);
}

int PortAllocator::choose(int published, int containerPort, const QString &protocol)
{
    int port = 0;
    for (const int candidate : plan::LocalPort::candidates(published, containerPort)) {
        if (candidate > 0 && available(candidate, protocol)) {
            port = candidate;
            break;
        }
    }
    for (int attempt = 0; port == 0 && attempt < 20; ++attempt) {
        const int candidate = anyFreePort(m_address, protocol);
        if (candidate > 0 && available(candidate, protocol))
            port = candidate;
    }
    if (port > 0)
        m_taken.insert(protocol.toLower() + QLatin1Char('/') + QString::number(port));
    return port;
}

} // namespace rr::dockerruntime
