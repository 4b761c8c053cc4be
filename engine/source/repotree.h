#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace rr::source {

// A repository's file list at one commit, as GitHub's git trees endpoint names it, checked
// before anything is made of it: every path is relative, has no empty, "." or ".." part and no
// ".git" part, so nothing built from it can land outside the folder it is built in. A hostile
// or oversized list is refused, never trimmed.
class RepoTree final
{
public:
    static constexpr int MaxEntries = 100000; // GitHub truncates recursive trees before this
    static constexpr int MaxPathLength = 4096;

    struct Entry
    {
        enum class Kind
        {
            File,
            Folder,
            Symlink,  // mode 120000: its contents are the link's target
            Submodule // a gitlink: a commit of another repository, an empty folder here
        };
        QString path;
        Kind kind = Kind::File;
        qint64 size = 0; // files and symlinks
    };

    // The answer of GET repos/<o>/<r>/git/trees/<commit>?recursive=1. Folders the answer only
    // implies (a file's parents) are added. Errors: github.tree_incomplete (truncated or not a
    // tree), source.tree_unsafe (a path that would leave the folder), source.tree_too_large.
    static core::Result<RepoTree> fromGitHub(const QByteArray &json);

    // Whether `path` is a plain relative path inside a checkout (see above).
    static core::Result<void> checkPath(const QString &path);

    const QList<Entry> &entries() const { return m_entries; }
    const Entry *find(const QString &path) const;

private:
    void add(const Entry &entry);

    QList<Entry> m_entries;
    QHash<QString, qsizetype> m_index;
};

} // namespace rr::source
