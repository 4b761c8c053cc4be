#include "engineprobe.h"

#include "ipc/protocol.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace rr::app {

QString controlSocketPath()
{
    const QString env = qEnvironmentVariable("REPORUNNER_SOCKET");
    return env.isEmpty() ? ipc::defaultSocketPath() : env;
}

bool engineAnswers(const QString &socketPath)
{
    const QByteArray path = QFile::encodeName(socketPath);
    sockaddr_un addr = {};
    if (path.isEmpty() || path.size() >= qsizetype(sizeof(addr.sun_path)))
        return false;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.constData(), size_t(path.size()));
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr));
    const int err = errno;
    ::close(fd);
    return rc == 0 || err == EAGAIN || err == EINPROGRESS;
}

} // namespace rr::app
