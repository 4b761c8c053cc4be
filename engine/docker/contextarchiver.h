#pragma once

#include "core/result.h"
#include "docker/dockerignore.h"

#include <QByteArray>
#include <QString>

#include <functional>

namespace rr::docker {

// What went into a build context.
struct ContextStats
{
    qint64 files = 0;
    qint64 directories = 0;
    qint64 symlinks = 0;
    qint64 bytes = 0;   // file content
    qint64 ignored = 0; // entries left out by .dockerignore (a skipped directory counts once)
    qint64 skipped = 0; // sockets, fifos and devices, which a build context cannot carry
    QString hash;       // sha256 hex of paths, types, modes, link targets and content
};

// Writes a build context as a tar file with libarchive, the way the Docker CLI would send it:
// .dockerignore honoured (the Dockerfile and .dockerignore always kept), owners reset to root,
// and symlinks stored as links. Nothing is ever followed: files are opened relative to their
// directory with O_NOFOLLOW, so a link to /etc/passwd travels as a link (its target string),
// never as the file's content, and a symlink loop is just two links.
// Blocking; run it on a worker thread.
class ContextArchiver final
{
public:
    using Progress = std::function<void(qint64 entries, qint64 bytes)>;
    using CancelCheck = std::function<bool()>;

    // `dockerfile` is relative to `root` ("Dockerfile", "docker/app.Dockerfile").
    ContextArchiver(const QString &root, const QString &dockerfile = QStringLiteral("Dockerfile"));

    // Where an inline Dockerfile goes in the archive (a file of that name in the folder is left out).
    static constexpr const char *InlineDockerfileName = ".reporunner.inline.Dockerfile";

    // Builds from this text (compose's `dockerfile_inline`) instead of a file in the folder: it
    // is added to the archive as InlineDockerfileName, which the build must then name.
    void setInlineDockerfile(const QByteArray &text)
    {
        m_inline = text.isNull() ? QByteArray("") : text;
        m_dockerfile = QString::fromLatin1(InlineDockerfileName);
    }

    // Mixed into the hash, so build args or a target change the tag too.
    void setExtraHashInput(const QByteArray &extra) { m_extra = extra; }
    void setProgress(Progress progress) { m_progress = std::move(progress); }
    void setCancelCheck(CancelCheck cancelled) { m_cancelled = std::move(cancelled); }

    // Reads .dockerignore (when it is a regular file in the root) and applies the keep rules.
    core::Result<DockerIgnore> loadIgnore() const;

    core::Result<ContextStats> writeTar(const QString &tarPath);

private:
    QString m_root;
    QString m_dockerfile;
    QByteArray m_extra;
    QByteArray m_inline; // null unless setInlineDockerfile() was called
    Progress m_progress;
    CancelCheck m_cancelled;
};

} // namespace rr::docker
