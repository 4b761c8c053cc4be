#pragma once

#include "core/result.h"
#include "source/sourcespec.h"

namespace rr::source {

// Turns what a user pasted (GitHub page URL, any git URL, scp-like ssh, local path, file://)
// into a SourceSpec. Never keeps credentials found in a URL.
class SourceSpecParser final
{
public:
    static core::Result<SourceSpec> parse(const QString &input);
};

} // namespace rr::source
