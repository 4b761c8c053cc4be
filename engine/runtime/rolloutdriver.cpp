#include "runtime/rolloutdriver.h"

namespace rr::runtime {

// Anchors RolloutDriver's vtable and moc output in this library.
RolloutDriver::~RolloutDriver() = default;

} // namespace rr::runtime
