#pragma once

#include "core/result.h"
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

// Parses Dockerfile text; `target` picks the stage whose facts count (empty = last).
class DockerfileParser final
{
public:
    static core::Result<DockerfileFacts> parse(const QByteArray &text, const QString &path,
                                               const QString &target = {});
    static core::Result<DockerfileFacts> parseFile(const QString &path, const QString &target = {});
};

} // namespace rr::project
