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
    // `input` as it may be stored and shown: https://user:token@host/… loses its user and
    // token, ssh://git:pw@host/… its password (an ssh user name is not a secret). Anything
    // that is not such a URL comes back unchanged.
    static QString withoutCredentials(const QString &input);
};

} // namespace rr::source
