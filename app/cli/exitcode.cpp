#include "exitcode.h"

namespace rr::cli {

ExitCode exitCodeFor(core::ErrorCategory category)
{
    switch (category) {
    case core::ErrorCategory::Input:
        return Usage;
    case core::ErrorCategory::Refused:
        return Refused;
    case core::ErrorCategory::Source:
        return SourceError;
    case core::ErrorCategory::Project:
    case core::ErrorCategory::Compose:
    case core::ErrorCategory::Plan:
        return ProjectError;
    case core::ErrorCategory::Docker:
    case core::ErrorCategory::Kube:
        return RuntimeError;
    case core::ErrorCategory::Cancelled:
        return Cancelled;
    case core::ErrorCategory::Io:
    case core::ErrorCategory::Internal:
        return Failure;
    }
    return Failure;
}

} // namespace rr::cli
