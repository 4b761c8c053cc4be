#pragma once

#include "core/error.h"

namespace rr::cli {

// Process exit codes, stable for scripts.
enum ExitCode : int
{
    Ok = 0,
    Failure = 1,      // anything unexpected
    Usage = 2,        // bad flags or input
    Refused = 3,      // the sandbox policy refused the project
    SourceError = 4,  // clone/fetch failed
    ProjectError = 5, // detection, Dockerfile or compose errors
    RuntimeError = 6, // Docker/Kubernetes failures
    Cancelled = 130,
};

ExitCode exitCodeFor(core::ErrorCategory category);

} // namespace rr::cli
