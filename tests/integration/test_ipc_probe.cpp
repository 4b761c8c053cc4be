// Helper for test_ipc_permissions, run as another uid: tries to connect to a Unix socket and
// reports the outcome in its exit code (0 connected, 13 EACCES, 1 anything else). Plain POSIX
// so a copy runs anywhere without the build tree being readable.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2 || std::strlen(argv[1]) >= sizeof(sockaddr_un::sun_path)) {
        std::fprintf(stderr, "usage: test_ipc_probe SOCKET\n");
        return 2;
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, argv[1]);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0) {
        std::printf("connected as uid %u\n", ::getuid());
        return 0;
    }
    const int err = errno;
    std::printf("uid %u: %s\n", ::getuid(), std::strerror(err));
    return err == EACCES ? 13 : 1;
}
