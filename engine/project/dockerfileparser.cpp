#include "project/dockerfilefacts.h"

namespace rr::project {

core::Result<DockerfileFacts> DockerfileParser::parse(const QByteArray &, const QString &path,
                                                      const QString &)
{
    return core::fail(core::ErrorCategory::Internal, QStringLiteral("todo"), path);
}

core::Result<DockerfileFacts> DockerfileParser::parseFile(const QString &path, const QString &target)
{
    return parse({}, path, target);
}

} // namespace rr::project
