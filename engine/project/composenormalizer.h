#pragma once

#include "core/result.h"
#include "project/yamlnode.h"

#include <QMap>

namespace rr::project {

// Rewrites a service's short syntax into the long form that merging needs (environment,
// labels and build args as maps, depends_on and networks as maps, build as a mapping,
// env_file as a list of {path, required}), and rebases relative paths between folders.
class ComposeNormalizer final
{
public:
    // `variables` resolve bare `environment`/`build.args` names (`- FOO`) as Compose does.
    static core::Result<void> normalizeService(YamlNode &service, const QMap<QString, QString> &variables);

    // Makes relative paths (build context, env_file, bind sources) written relative to
    // `fromDir` relative to `toDir` instead; both absolute.
    static void rebaseService(YamlNode &service, const QString &fromDir, const QString &toDir);
    static QString rebasePath(const QString &path, const QString &fromDir, const QString &toDir);
};

} // namespace rr::project
