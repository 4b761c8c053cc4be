#pragma once

#include "core/result.h"
#include "project/yamlnode.h"

#include <QByteArray>

namespace rr::project {

// Parses one YAML document with yaml-cpp into a YamlNode tree: resolves `<<` merge keys,
// rejects duplicate keys, binary input, absurd nesting and alias bombs, and reports
// yaml-cpp's errors as file:line:column.
class YamlReader final
{
public:
    static constexpr int MaxDepth = 100;
    static constexpr int MaxNodes = 200000;

    static core::Result<YamlNode> parse(const QByteArray &bytes, const QString &fileLabel);

    // A cheap upper bound on the nesting depth of a YAML text, computed without parsing, so
    // deeply nested input is refused before yaml-cpp recurses into it.
    static int estimateDepth(const QByteArray &bytes);
};

} // namespace rr::project
