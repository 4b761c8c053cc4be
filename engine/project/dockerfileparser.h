#pragma once

#include "core/result.h"
#include "project/dockerfilefacts.h"

#include <QByteArray>
#include <QString>

namespace rr::project {

// Parses Dockerfile text; `target` picks the stage whose facts count (empty = last).
class DockerfileParser final
{
public:
    static core::Result<DockerfileFacts> parse(const QByteArray &text, const QString &path,
                                               const QString &target = {});
    static core::Result<DockerfileFacts> parseFile(const QString &path, const QString &target = {});
};

} // namespace rr::project
