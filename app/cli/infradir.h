#pragma once

#include <QString>

namespace rr::cli {

// Where RepoRunner's infra/ folder (kind cluster config, kind-cluster.sh) is.
class InfraDir final
{
public:
    // $REPORUNNER_INFRA_DIR, else <prefix>/share/reporunner/infra next to the binary, else the
    // configured install location, else the source tree the binary was built from. Empty
    // when none of them holds kind/cluster.yaml.
    static QString find();
    static QString clusterConfig(const QString &infraDir);
};

} // namespace rr::cli
