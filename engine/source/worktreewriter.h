#pragma once

// Internal to engine/source: materialises one commit (and its submodules) as plain files.

#include "core/result.h"
#include "source/fetchcontext.h"

#include <QString>

namespace rr::source {

class WorktreeWriter final
{
public:
    struct Request
    {
        QString repoPath;  // bare cache repository holding the commit
        QString commit;    // 40 hex
        QString remoteUrl; // base for relative submodule URLs
        QString cacheDir;  // where submodule remotes are cached
        bool submodules = true;
        int depth = 0; // nesting level, to stop submodule cycles
    };

    // Writes the commit's tree into `dir` (created), then each submodule at its recorded commit.
    static core::Result<void> write(const Request &request, const QString &dir, FetchContext &context);

    // "../x.git" relative to the superproject's URL, as git resolves it.
    static QString resolveSubmoduleUrl(const QString &superUrl, const QString &url);
};

} // namespace rr::source
