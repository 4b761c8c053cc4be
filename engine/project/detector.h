#pragma once

#include "core/result.h"
#include "project/detection.h"

#include <QString>
#include <QStringList>

namespace rr::project {

// Finds Dockerfiles and compose files in a checked-out folder, or in a plain file list
// (so callers can decide before any clone, e.g. from the GitHub tree API).
class Detector final
{
public:
    static core::Result<Detection> detectFolder(const QString &root);
    static Detection detectFileList(const QStringList &relativePaths);
    // The service names a compose file declares; empty when it cannot be read.
    static QStringList composeServiceNames(const QByteArray &yaml);
};

} // namespace rr::project
