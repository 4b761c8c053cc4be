#pragma once

#include "project/composeproject.h"

// Compose model values built directly, as the loader would produce them, for planner tests.
namespace rr::test {

// A service with `keys` recorded as the loader would (each key on its own line).
inline project::Service service(const QString &name, const QStringList &keys = {})
{
    project::Service s;
    s.name = name;
    s.image = QStringLiteral("busybox:1.36");
    s.where = core::Location{QStringLiteral("compose.yaml"), 1, 3};
    int line = 2;
    for (const QString &k : keys + QStringList{QStringLiteral("image")})
        s.keys.insert(k, core::Location{QStringLiteral("compose.yaml"), line++, 5});
    return s;
}

// A port (or a range of `count` ports) as the long syntax would give it.
inline project::PortMapping port(int target, int published = 0, const QString &proto = QStringLiteral("tcp"),
                                 int count = 1)
{
    project::PortMapping p;
    p.target = target;
    p.targetEnd = target + count - 1;
    p.published = published;
    p.publishedEnd = published ? published + count - 1 : 0;
    p.protocol = proto;
    return p;
}

} // namespace rr::test
