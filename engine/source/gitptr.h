#pragma once

// Internal to engine/source (.cpp files only): owning pointers for libgit2 objects.

#include <git2.h>

#include <memory>

namespace rr::source {

template<auto Free> struct GitFree
{
    template<class T> void operator()(T *p) const { Free(p); }
};

using RepositoryPtr = std::unique_ptr<git_repository, GitFree<git_repository_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<git_object_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree_free>>;
using TreeEntryPtr = std::unique_ptr<git_tree_entry, GitFree<git_tree_entry_free>>;
using ReferencePtr = std::unique_ptr<git_reference, GitFree<git_reference_free>>;
using ConfigPtr = std::unique_ptr<git_config, GitFree<git_config_free>>;

// A git_buf that frees itself.
struct GitBuf
{
    git_buf buf = GIT_BUF_INIT;
    GitBuf() = default;
    GitBuf(const GitBuf &) = delete;
    GitBuf &operator=(const GitBuf &) = delete;
    ~GitBuf() { git_buf_dispose(&buf); }
};

} // namespace rr::source
