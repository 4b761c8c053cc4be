#pragma once

#include "source/sourcespec.h"

#include <QMetaType>
#include <QSet>
#include <QString>

namespace rr::source {

// The files a run builds from, and exactly which commit they are.
struct Checkout
{
    QString projectDir;    // absolute: worktree + subdir
    QString worktree;      // absolute root of the checked-out tree (or the local folder)
    QString commit;        // 40 hex; empty for a local folder that is not a git repository
    QString ref;           // resolved branch or tag name; empty when a commit was pinned
    QString defaultBranch; // the remote HEAD's branch (never assumed)
    SourceSpec spec;       // the request, with ref/subdir resolved against the remote's refs
    QString selectedFile;  // a /blob/ URL's file (in projectDir): the compose file or Dockerfile to use

    // What this fetch cost; a re-run of an unchanged remote receives nothing.
    qint64 receivedBytes = 0;
    int receivedObjects = 0;
    bool reusedWorktree = false; // the per-commit checkout already existed in the cache

    // A plan made from a repository's file list (control::RemotePlanner): absolute paths of
    // files that exist with their real size but whose contents are not here yet. The planner
    // fails with source.content_pending (paths in its details) rather than read one.
    QSet<QString> contentPending;
};

} // namespace rr::source

Q_DECLARE_METATYPE(rr::source::Checkout)
