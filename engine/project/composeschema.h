#pragma once

#include "core/result.h"
#include "project/yamlnode.h"

namespace rr::project {

// Checks an (interpolated) compose document against the Compose specification's JSON
// schema, embedded from compose-spec.json, so every unknown key and wrong type is caught
// with its key path and file:line:column, not only the keys the model carries.
class ComposeSchema final
{
public:
    static core::Result<void> validate(const YamlNode &document);
};

} // namespace rr::project
