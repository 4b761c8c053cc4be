#pragma once

#include <QList>

namespace rr::plan {

// Where a published port is previewed on this machine, the same on every runtime. A compose
// `published` port is a wish: previews bind 127.0.0.1 only, and a port below 1024 (which would
// need privileges, and is often taken) moves up by PrivilegedOffset, so 80 -> 8080 and
// 443 -> 8443 run after run. A taken port gives way to the next few above it, then to the
// container port, then to any free port.
class LocalPort final
{
public:
    static constexpr int PrivilegedOffset = 8000;
    static constexpr int NextTries = 10;

    // The preferred local port for a compose `published` port; 0 when there is none.
    static int preferred(int published);
    // The ports to try in order; the last is 0, "any free port".
    static QList<int> candidates(int preferred, int containerPort);
};

} // namespace rr::plan
