#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace rr::test {

// A throwaway working repository driven by the git CLI, for building the bare repositories a
// GitServer serves: commits, branches, tags and submodules.
class ScratchRepo final
{
public:
    explicit ScratchRepo(const QString &initialBranch = QStringLiteral("trunk"));

    QString path() const { return m_dir.path(); }
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    // Runs git in the work tree; returns trimmed stdout and remembers the first failure.
    QString git(const QStringList &args);

    // Writes the files, commits everything and returns the new commit's id.
    QString commit(const QMap<QString, QByteArray> &files, const QString &message = QStringLiteral("change"));
    void createBranch(const QString &name)
    {
        git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), name});
    }
    void switchTo(const QString &name) { git({QStringLiteral("checkout"), QStringLiteral("-q"), name}); }
    void tag(const QString &name) { git({QStringLiteral("tag"), name}); }

    // Adds a submodule cloned from `source` at `path`, recording `recordedUrl` in .gitmodules.
    void addSubmodule(const QString &source, const QString &path, const QString &recordedUrl);

    // Pushes every branch and tag into the bare repository `bareDir` (created when missing)
    // and points its HEAD at `headBranch`.
    bool publish(const QString &bareDir, const QString &headBranch);

private:
    QTemporaryDir m_dir;
    QString m_error;
};

} // namespace rr::test
