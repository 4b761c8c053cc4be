#pragma once

#include <QString>

#include <optional>

namespace rr::core::units {

// Go-style durations as Compose and Dockerfiles write them ("1m30s", "500ms", "2h").
// A bare number counts as seconds. Returns milliseconds, or nullopt when malformed.
std::optional<qint64> parseDurationMs(const QString &text);

// Byte sizes as Compose writes them ("512m", "1g", "100k", "1024b", "2GiB"); bare = bytes.
std::optional<qint64> parseByteSize(const QString &text);

} // namespace rr::core::units
