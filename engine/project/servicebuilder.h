#pragma once

#include "core/result.h"
#include "project/composeproject.h"
#include "project/yamlnode.h"

#include <functional>

namespace rr::project {

// Turns a merged, normalised compose document into the ComposeProject model: every
// service key is converted from short to long syntax and typed, with errors located.
class ServiceBuilder final
{
public:
    // Reads one env_file (path relative to the project dir) or reports why it cannot.
    using EnvFileReader = std::function<core::Result<QMap<QString, QString>>(
        const QString &path, bool required, const core::Location &where)>;

    explicit ServiceBuilder(EnvFileReader envFiles);

    core::Result<void> buildTopLevel(const YamlNode &document, ComposeProject &project) const;
    core::Result<Service> buildService(const QString &name, const YamlNode &node,
                                       const core::Location &where) const;

private:
    core::Result<void> buildEnvironment(const YamlNode &node, Service &s) const;
    core::Result<void> buildDeploy(const YamlNode &node, Service &s) const;
    core::Result<void> buildHealth(const YamlNode &node, Service &s) const;
    core::Result<void> buildBuild(const YamlNode &node, Service &s) const;
    core::Result<void> buildGrants(const YamlNode &node, QList<FileGrant> &out) const;

    EnvFileReader m_envFiles;
};

} // namespace rr::project
