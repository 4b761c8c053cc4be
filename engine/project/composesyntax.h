#pragma once

#include "core/result.h"
#include "project/composeproject.h"
#include "project/yamlnode.h"

namespace rr::project {

// Parsers for compose's short-syntax strings and value formats (ports, volumes,
// durations, sizes, shell words), each reporting errors at the value's location.
class ComposeSyntax final
{
public:
    // `ports` entry: "8080:80", "127.0.0.1:8080:80/udp", "[::1]:80:80", "9000-9001:9000-9001", "80", 80, or
    // long syntax.
    static core::Result<PortMapping> parsePort(const YamlNode &node);
    // `expose` entry: "3000", "3000-3005", "3000/udp", 3000.
    static core::Result<PortMapping> parseExpose(const YamlNode &node);
    // `volumes` entry: "./src:/dst:ro", "name:/dst", "/anon", or long syntax.
    static core::Result<VolumeMount> parseVolume(const YamlNode &node);
    // The container path a `volumes` entry mounts at (merge key); empty when unknown.
    static QString volumeTarget(const YamlNode &node);

    // Go-style durations: "1m30s", "500ms", "1.5h", "0".
    static core::Result<qint64> parseDurationMs(const QString &text, const core::Location &at);
    // Byte sizes: 1024, "512m", "1g", "1.5GB", "100kb".
    static core::Result<qint64> parseBytes(const YamlNode &node);
    // POSIX-shell-like word splitting for string `command`/`entrypoint`.
    static core::Result<QStringList> splitWords(const QString &text, const core::Location &at);
};

} // namespace rr::project
