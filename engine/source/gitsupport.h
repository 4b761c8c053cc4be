#pragma once

// Internal to engine/source: libgit2 plumbing shared by the cache and the worktree writer.
// Only .cpp files that already include <git2.h> use the callbacks declared here.

#include "core/error.h"
#include "source/fetchcontext.h"

#include <QString>

struct git_remote_callbacks;
struct git_oid;

namespace rr::source::gitsupport {

// Makes sure libgit2 is initialised. It stays initialised for the life of the process:
// shutting it down while pool threads still hold its thread-local buffers makes those
// threads free them a second time when they exit (seen as heap corruption in tests).
class LibGit2 final
{
public:
    LibGit2();
    LibGit2(const LibGit2 &) = delete;
    LibGit2 &operator=(const LibGit2 &) = delete;
};

// The hex form of an object id, without libgit2's thread-local buffer.
QString oidHex(const git_oid *oid);

// Wires progress, size limit, cancellation and credentials into `callbacks`.
void installCallbacks(git_remote_callbacks &callbacks, FetchContext &context);

// Turns the last libgit2 failure into an Error, preferring what the callbacks recorded
// (cancel, size limit, authentication) over libgit2's generic text.
core::Error lastError(int code, const FetchContext &context, const QString &what);

QString humanSize(qint64 bytes);

} // namespace rr::source::gitsupport
