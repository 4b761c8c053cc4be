// Helper for test_ipc_permissions, run as another uid. Plain POSIX so a copy runs anywhere
// without the build tree being readable. Modes:
//   test_ipc_probe SOCKET          connects; exit 0 connected, 13 EACCES, 1 anything else
//   test_ipc_probe --hello SOCKET  connects and sends a framed hello; exit 0 when an answer
//                                  arrives, 3 when the server closes without one
//   test_ipc_probe --listen SOCKET listens (mode 0777) and holds one connection open until
//                                  the client goes; exit 0 after one client
#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

bool address(const char *path, sockaddr_un &addr)
{
    if (std::strlen(path) >= sizeof(addr.sun_path))
        return false;
    addr = {};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path);
    return true;
}

int hello(int fd)
{
    const std::string json = R"({"id":1,"method":"hello","params":{"client":"probe"}})";
    const std::uint32_t length = htonl(std::uint32_t(json.size()));
    std::string frame(reinterpret_cast<const char *>(&length), 4);
    frame += json;
    // The server may close first: a write then fails with EPIPE instead of killing the probe.
    if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) != ssize_t(frame.size())) {
        std::printf("uid %u: closed before the hello was sent: %s\n", ::getuid(), std::strerror(errno));
        return 3;
    }
    char buffer[256];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    std::printf("uid %u: %zd bytes of answer\n", ::getuid(), n);
    return n > 0 ? 0 : 3;
}

int listenOnce(const char *path)
{
    sockaddr_un addr;
    if (!address(path, addr))
        return 2;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ::unlink(path);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0 || ::listen(fd, 1) != 0) {
        std::printf("uid %u: cannot listen: %s\n", ::getuid(), std::strerror(errno));
        return 1;
    }
    ::chmod(path, 0777);
    std::printf("listening\n");
    std::fflush(stdout);
    const int client = ::accept(fd, nullptr, nullptr);
    char buffer[256];
    while (client >= 0 && ::read(client, buffer, sizeof buffer) > 0) {
    }
    ::unlink(path);
    return client >= 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    const bool sayHello = argc == 3 && std::strcmp(argv[1], "--hello") == 0;
    if (argc == 3 && std::strcmp(argv[1], "--listen") == 0)
        return listenOnce(argv[2]);
    sockaddr_un addr;
    if (!(argc == 2 || sayHello) || !address(argv[argc - 1], addr)) {
        std::fprintf(stderr, "usage: test_ipc_probe [--hello|--listen] SOCKET\n");
        return 2;
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0) {
        std::printf("connected as uid %u\n", ::getuid());
        return sayHello ? hello(fd) : 0;
    }
    const int err = errno;
    std::printf("uid %u: %s\n", ::getuid(), std::strerror(err));
    return err == EACCES ? 13 : 1;
}
