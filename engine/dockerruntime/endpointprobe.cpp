#include "dockerruntime/endpointprobe.h"

#include <QDeadlineTimer>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rr::dockerruntime {

namespace {

// Owns a socket descriptor so every return path closes it.
struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

bool waitFor(int fd, short events, const QDeadlineTimer &deadline, short *revents)
{
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(qMax<qint64>(0, deadline.remainingTime())));
    *revents = p.revents;
    return n > 0;
}

} // namespace

bool EndpointProbe::answers(const QString &host, int port, int timeoutMs)
{
    in_addr address{};
    if (::inet_pton(AF_INET, host.toLatin1().constData(), &address) != 1)
        return false;
    Fd s{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)};
    if (s.fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<quint16>(port));
    addr.sin_addr = address;
    const QDeadlineTimer deadline(timeoutMs);
    short revents = 0;
    if (::connect(s.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS || !waitFor(s.fd, POLLOUT, deadline, &revents))
            return false;
        int error = 0;
        socklen_t len = sizeof error;
        if (::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0)
            return false;
    }
    const QByteArray request =
        "GET / HTTP/1.0\r\nHost: " + host.toLatin1() + "\r\nUser-Agent: reporunner\r\n\r\n";
    if (::send(s.fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) < 0)
        return false;
    if (!waitFor(s.fd, POLLIN, deadline, &revents))
        return true; // still open and silent: a server speaking another protocol
    char buffer[64];
    const ssize_t got = ::recv(s.fd, buffer, sizeof buffer, 0);
    return got > 0; // 0 = closed without a word (nothing behind the proxy), <0 = reset
}

} // namespace rr::dockerruntime
