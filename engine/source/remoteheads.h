#pragma once

// Internal to engine/source: what a remote's ref points at, asked without fetching anything.

#include "core/result.h"
#include "source/fetchcontext.h"
#include "source/sourcespec.h"

#include <QString>

namespace rr::source {

class RemoteHeads final
{
public:
    // The commit the spec's ref names on the remote now (the remote HEAD when the ref is empty;
    // an annotated tag's target, not the tag object). Blocks on the network: call it on a worker
    // thread. A spec pinned to a full commit is answered without asking.
    static core::Result<QString> commitFor(const SourceSpec &spec, FetchContext &context);
};

} // namespace rr::source
