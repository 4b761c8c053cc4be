#pragma once

#include "project/yamlnode.h"

namespace rr::project {

// Merges compose documents and services by the Compose spec's merge rules (override
// files and `extends`): mappings merge by key, `command`/`entrypoint`/`healthcheck.test`
// replace, volumes merge by target, secrets/configs by target, other sequences append
// unique values; `!reset` removes and `!override` replaces a value.
class ComposeMerge final
{
public:
    static void mergeDocument(YamlNode &base, const YamlNode &over);
    static void mergeService(YamlNode &base, const YamlNode &over);
    // A text form of a node used to compare values for uniqueness.
    static QString fingerprint(const YamlNode &node);
};

} // namespace rr::project
