#pragma once

#include "core/result.h"

#include <QString>

namespace rr::core {

// Our data (the run store, its logs) and caches (clones, work trees) are the user's alone:
// other local users must not read a repository's code, its logs or what the runs received.

// Creates `dir` (and missing parents) and makes `dir` itself mode 0700; what lies beneath
// it is then out of other users' reach whatever its own mode.
Result<void> makePrivateDirectory(const QString &dir);
// Makes an existing file mode 0600.
Result<void> makePrivateFile(const QString &file);

} // namespace rr::core
