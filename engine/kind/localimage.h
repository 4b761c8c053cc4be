#pragma once

#include "core/result.h"

#include <QString>

#include <functional>

namespace rr::docker {
class DockerConnection;
} // namespace rr::docker

namespace rr::kind {

// Docker's id ("sha256:...") of a local image that is about to be delivered to a cluster, or
// "kind.image.not_found" saying to build it first.
core::Result<QString> localImageId(docker::DockerConnection &connection, const QString &image,
                                   const std::function<bool()> &cancelled);

} // namespace rr::kind
