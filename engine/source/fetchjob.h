#pragma once

// Internal to engine/source: one fetch, start to finish, on a worker thread.

#include "core/result.h"
#include "source/checkout.h"
#include "source/fetchcontext.h"
#include "source/fetchoptions.h"

namespace rr::source {

class FetchJob final
{
public:
    static core::Result<Checkout> run(const SourceSpec &spec, const FetchOptions &options,
                                      FetchContext &context);

private:
    static core::Result<Checkout> runLocal(const SourceSpec &spec);
    static core::Result<Checkout> runRemote(const SourceSpec &spec, const FetchOptions &options,
                                            FetchContext &context);
};

} // namespace rr::source
