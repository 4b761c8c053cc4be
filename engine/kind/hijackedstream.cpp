#include "kind/hijackedstream.h"

#include "docker/apiresponse.h"

#include <QDeadlineTimer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace rr::kind {

using core::ErrorCategory;

namespace {

constexpr int PollMs = 250;
constexpr qsizetype MaxHead = 64 * 1024;

core::Unexpected ioError(const QString &code, const QString &what)
{
    return core::fail(ErrorCategory::Docker, code,
                      QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(std::strerror(errno))));
}

core::Unexpected cancelledError()
{
    return core::fail(ErrorCategory::Cancelled, QStringLiteral("docker.cancelled"),
                      QStringLiteral("The exec stream was cancelled."));
}

} // namespace

HijackedStream::~HijackedStream()
{
    close();
}

void HijackedStream::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

core::Result<void> HijackedStream::connectTo(const docker::DockerHost &host)
{
    if (host.kind == docker::DockerHost::Kind::Unix) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray path = host.socketPath.toLocal8Bit();
        if (path.size() >= qsizetype(sizeof(addr.sun_path)))
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.unavailable"),
                              QStringLiteral("The Docker socket path %1 is too long.").arg(host.socketPath));
        std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0)
            return ioError(QStringLiteral("docker.unavailable"), QStringLiteral("Could not create a socket"));
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
            const auto e = ioError(QStringLiteral("docker.unavailable"),
                                   QStringLiteral("No Docker daemon answers at %1").arg(host.toString()));
            close();
            return e;
        }
    } else {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo *found = nullptr;
        const QByteArray name = host.host.toUtf8();
        const QByteArray port = QByteArray::number(host.port);
        if (::getaddrinfo(name.constData(), port.constData(), &hints, &found) != 0 || !found)
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.unavailable"),
                              QStringLiteral("Could not resolve the Docker host %1.").arg(host.toString()));
        for (addrinfo *a = found; a && m_fd < 0; a = a->ai_next) {
            m_fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
            if (m_fd >= 0 && ::connect(m_fd, a->ai_addr, a->ai_addrlen) != 0)
                close();
        }
        ::freeaddrinfo(found);
        if (m_fd < 0)
            return ioError(QStringLiteral("docker.unavailable"),
                           QStringLiteral("No Docker daemon answers at %1").arg(host.toString()));
    }
    // Non-blocking from here: every wait goes through poll() so cancellation is noticed.
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    return {};
}

core::Result<void> HijackedStream::open(const docker::DockerHost &host, const QByteArray &method,
                                        const QByteArray &path, const QByteArray &jsonBody, OutputSink sink,
                                        const CancelCheck &cancelled)
{
    close();
    m_eof = false;
    m_head.clear();
    m_sink = std::move(sink);
    if (auto c = connectTo(host); !c)
        return c;
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\n";
    request += "Host: docker\r\n";
    request += "User-Agent: RepoRunner\r\n";
    request += "Content-Type: application/json\r\n";
    request += "Connection: Upgrade\r\n";
    request += "Upgrade: tcp\r\n";
    request += "Content-Length: " + QByteArray::number(jsonBody.size()) + "\r\n\r\n";
    request += jsonBody;
    qsizetype offset = 0;
    while (offset < request.size()) {
        pollfd p{m_fd, POLLOUT, 0};
        if (cancelled && cancelled())
            return cancelledError();
        const int ready = ::poll(&p, 1, PollMs);
        if (ready < 0 && errno != EINTR)
            return ioError(QStringLiteral("docker.transport"), QStringLiteral("Waiting for Docker failed"));
        if (ready <= 0)
            continue;
        const ssize_t n =
            ::send(m_fd, request.constData() + offset, size_t(request.size() - offset), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return ioError(QStringLiteral("docker.transport"), QStringLiteral("Sending to Docker failed"));
        if (n > 0)
            offset += n;
    }
    return readHead(cancelled);
}

core::Result<void> HijackedStream::readHead(const CancelCheck &cancelled)
{
    char buffer[16 * 1024];
    qsizetype end = -1;
    while ((end = m_head.indexOf("\r\n\r\n")) < 0) {
        if (m_head.size() > MaxHead)
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.bad_response"),
                              QStringLiteral("Docker sent an oversized response head."));
        if (cancelled && cancelled())
            return cancelledError();
        pollfd p{m_fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, PollMs);
        if (ready < 0 && errno != EINTR)
            return ioError(QStringLiteral("docker.transport"), QStringLiteral("Waiting for Docker failed"));
        if (ready <= 0)
            continue;
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), 0);
        if (n == 0)
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.transport"),
                              QStringLiteral("Docker closed the connection before answering."));
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return ioError(QStringLiteral("docker.transport"), QStringLiteral("Reading from Docker failed"));
        if (n > 0)
            m_head.append(buffer, n);
    }
    QByteArray rest = m_head.mid(end + 4);
    m_head.truncate(end);
    const QList<QByteArray> lines = m_head.split('\n');
    const QList<QByteArray> status = lines.value(0).trimmed().split(' ');
    docker::ApiResponse response;
    response.status = status.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            response.headers.append(
                {lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed()});
    }
    if (response.status == 101 || response.status == 200) {
        if (!rest.isEmpty() && m_sink)
            m_sink(rest);
        return {};
    }
    // An error answer: collect its (small) body for the message, then give up the connection.
    bool hasLength = false;
    const qsizetype length = response.header("content-length").toLongLong(&hasLength);
    response.body = rest;
    QDeadlineTimer deadline(5000);
    while ((!hasLength || response.body.size() < length) && response.body.size() < MaxHead &&
           !deadline.hasExpired()) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, PollMs) <= 0)
            continue;
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            break;
        if (n > 0)
            response.body.append(buffer, n);
    }
    close();
    return core::fail(response.toError(QStringLiteral("Starting the exec")));
}

core::Result<bool> HijackedStream::pump(const QByteArray *out, qsizetype *offset,
                                        const CancelCheck &cancelled)
{
    if (cancelled && cancelled())
        return cancelledError();
    pollfd p{m_fd, short(m_eof ? 0 : POLLIN), 0};
    if (out && *offset < out->size())
        p.events |= POLLOUT;
    if (p.events == 0)
        return false;
    const int ready = ::poll(&p, 1, PollMs);
    if (ready < 0 && errno != EINTR)
        return ioError(QStringLiteral("docker.transport"), QStringLiteral("Waiting for Docker failed"));
    if (ready <= 0)
        return true;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        char buffer[64 * 1024];
        const ssize_t n = ::recv(m_fd, buffer, sizeof(buffer), 0);
        if (n == 0) {
            m_eof = true;
        } else if (n > 0) {
            if (m_sink)
                m_sink(QByteArray(buffer, n));
        } else if (errno != EAGAIN && errno != EINTR) {
            if (errno != ECONNRESET)
                return ioError(QStringLiteral("docker.transport"),
                               QStringLiteral("Reading from Docker failed"));
            m_eof = true;
        }
    }
    if ((p.revents & POLLOUT) && out) {
        const ssize_t n =
            ::send(m_fd, out->constData() + *offset, size_t(out->size() - *offset), MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return ioError(QStringLiteral("docker.exec.stdin"),
                           QStringLiteral("Writing to the process's stdin failed"));
        if (n > 0)
            *offset += n;
    }
    return true;
}

core::Result<void> HijackedStream::write(const QByteArray &data, const CancelCheck &cancelled)
{
    if (m_fd < 0)
        return core::fail(ErrorCategory::Internal, QStringLiteral("docker.exec.closed"),
                          QStringLiteral("The exec stream is not open."));
    qsizetype offset = 0;
    while (offset < data.size()) {
        if (m_eof)
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.exec.stdin"),
                              QStringLiteral("The process ended before it read all of its input."));
        auto r = pump(&data, &offset, cancelled);
        if (!r)
            return core::fail(r.error());
    }
    return {};
}

core::Result<void> HijackedStream::closeWrite()
{
    if (m_fd >= 0 && ::shutdown(m_fd, SHUT_WR) != 0 && errno != ENOTCONN)
        return ioError(QStringLiteral("docker.transport"),
                       QStringLiteral("Closing the process's stdin failed"));
    return {};
}

core::Result<void> HijackedStream::readToEnd(const CancelCheck &cancelled)
{
    while (m_fd >= 0 && !m_eof) {
        auto r = pump(nullptr, nullptr, cancelled);
        if (!r)
            return core::fail(r.error());
    }
    close();
    return {};
}

} // namespace rr::kind
