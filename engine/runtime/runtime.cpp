#include "runtime/runtime.h"

namespace rr::runtime {

// Anchors Runtime's vtable and moc output in this library.
Runtime::~Runtime() = default;

} // namespace rr::runtime
