#include "project/detection.h"

namespace rr::project {

core::Result<Detection> Detector::detectFolder(const QString &root)
{
    return core::fail(core::ErrorCategory::Internal, QStringLiteral("todo"), root);
}

Detection Detector::detectFileList(const QStringList &)
{
    return {};
}

} // namespace rr::project
