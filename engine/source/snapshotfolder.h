#pragma once

#include "core/result.h"
#include "source/repotree.h"

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace rr::source {

// A private folder (0700) shaped like a repository at one commit, made from its file list
// alone: every folder exists, every file exists with its real size (sparse, its bytes not
// there yet: "pending"), submodules are empty folders, and symlinks appear once their target
// is given. So existence, kind and size questions get the checkout's answers while only the
// files whose contents are read need fetching. Removed with the object.
class SnapshotFolder final
{
public:
    // Placeholders claim at most this size (a hostile list may claim petabytes).
    static constexpr qint64 MaxPlaceholderBytes = qint64(1) << 30;

    // Builds the folder under `parentDir` (empty = the system's temporary folder).
    static core::Result<std::unique_ptr<SnapshotFolder>> create(const RepoTree &tree,
                                                                const QString &parentDir = {});

    QString root() const { return m_root; } // canonical
    const RepoTree &tree() const { return m_tree; }

    // Relative path of an absolute one inside the folder, or empty.
    QString relativePath(const QString &absolute) const;
    bool isPending(const QString &relative) const { return m_pending.contains(relative); }
    // Absolute paths of the files whose contents are not here yet.
    QSet<QString> pendingAbsolute() const;
    QStringList pendingSymlinks() const { return m_pendingLinks; }

    // Fills a pending file with its contents (no other path is accepted).
    core::Result<void> write(const QString &relative, const QByteArray &bytes);
    // Creates a pending symlink; its target is used as written, like git does.
    core::Result<void> link(const QString &relative, const QByteArray &target);

private:
    SnapshotFolder(const RepoTree &tree, const QString &parentDir);
    core::Result<void> build();

    RepoTree m_tree;
    QTemporaryDir m_dir;
    QString m_root;
    QSet<QString> m_pending;
    QStringList m_pendingLinks;
};

} // namespace rr::source
