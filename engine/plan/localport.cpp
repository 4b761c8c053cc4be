#include "plan/localport.h"

namespace rr::plan {

namespace {

bool usable(int port)
{
    return port >= 1024 && port <= 65535;
}

} // namespace

int LocalPort::preferred(int published)
{
    if (published <= 0 || published > 65535)
        return 0;
    return published < 1024 ? published + PrivilegedOffset : published;
}

QList<int> LocalPort::candidates(int preferred, int containerPort)
{
    QList<int> ports;
    const auto add = [&ports](int port) {
        if (usable(port) && !ports.contains(port))
            ports << port;
    };
    if (usable(preferred))
        for (int i = 0; i < NextTries; ++i)
            add(preferred + i);
    add(containerPort);
    ports << 0;
    return ports;
}

} // namespace rr::plan
