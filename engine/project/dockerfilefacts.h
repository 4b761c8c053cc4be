#pragma once

#include "project/composeproject.h"

#include <QString>
#include <QStringList>

namespace rr::project {

// What a Dockerfile tells us without building it.
struct DockerfileFacts
{
    QString path;                           // absolute path of the Dockerfile
    QList<PortMapping> exposes;             // every EXPOSE port of the final stage (target, protocol)
    QString user;                           // last USER of the final stage; empty = root
    std::optional<HealthCheck> healthcheck; // last HEALTHCHECK of the final stage (disable = NONE)
    QStringList args;                       // ARG names, global and per stage, in order
    QMap<QString, QString> argDefaults;
    QStringList stages;     // stage names (`FROM x AS name`), in order; unnamed = ""
    QStringList baseImages; // FROM image of each stage, as written
    QString workdir;        // last WORKDIR of the final stage
    QStringList entrypoint;
    QStringList cmd;
};

} // namespace rr::project
