#pragma once

#include <QString>

#include <optional>

namespace rr::core::units {

// Go-style durations as Compose and Dockerfiles write them ("1m30s", "500ms", "2h"); a
// unit is required except for "0". Returns milliseconds, or nullopt when malformed.
std::optional<qint64> parseDurationMs(const QString &text);

// Byte sizes as Compose writes them ("512m", "1g", "100kb", "2GiB"); bare = bytes.
std::optional<qint64> parseByteSize(const QString &text);

} // namespace rr::core::units
