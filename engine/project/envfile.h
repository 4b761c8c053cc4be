#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace rr::project {

// Parses `.env` and `env_file` files: KEY=VALUE lines, `export` prefixes, comments,
// single quotes (literal), double quotes (escapes, multi-line) and interpolation of
// unquoted/double-quoted values from earlier lines and `lookup` (which wins).
class EnvFile final
{
public:
    static core::Result<QMap<QString, QString>> parse(const QByteArray &bytes, const QString &fileLabel,
                                                      const QMap<QString, QString> &lookup = {});
};

} // namespace rr::project
