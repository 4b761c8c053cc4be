#include "scratchrepo.h"

#include "testsupport.h"

#include <QDir>
#include <QFileInfo>

namespace rr::test {

namespace {

QStringList baseArgs()
{
    return {QStringLiteral("-c"), QStringLiteral("user.name=RepoRunner Test"),
            QStringLiteral("-c"), QStringLiteral("user.email=test@example.invalid"),
            QStringLiteral("-c"), QStringLiteral("commit.gpgsign=false"),
            QStringLiteral("-c"), QStringLiteral("protocol.file.allow=always")};
}

} // namespace

ScratchRepo::ScratchRepo(const QString &initialBranch)
{
    git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("--initial-branch=") + initialBranch});
}

QString ScratchRepo::git(const QStringList &args)
{
    const ProcessResult r = run(QStringLiteral("git"), baseArgs() + args, path());
    if ((r.exitCode != 0 || r.timedOut) && m_error.isEmpty())
        m_error = QStringLiteral("git %1 failed: %2")
                      .arg(args.join(QLatin1Char(' ')), QString::fromLocal8Bit(r.err));
    return QString::fromLocal8Bit(r.out).trimmed();
}

QString ScratchRepo::commit(const QMap<QString, QByteArray> &files, const QString &message)
{
    writeTree(path(), files);
    git({QStringLiteral("add"), QStringLiteral("-A")});
    git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), message});
    return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
}

void ScratchRepo::addSubmodule(const QString &source, const QString &subPath, const QString &recordedUrl)
{
    git({QStringLiteral("submodule"), QStringLiteral("--quiet"), QStringLiteral("add"), source, subPath});
    git({QStringLiteral("config"), QStringLiteral("-f"), QStringLiteral(".gitmodules"),
         QStringLiteral("submodule.%1.url").arg(subPath), recordedUrl});
}

bool ScratchRepo::publish(const QString &bareDir, const QString &headBranch)
{
    if (!QFileInfo::exists(bareDir + QStringLiteral("/HEAD"))) {
        QDir().mkpath(bareDir);
        const ProcessResult init = run(QStringLiteral("git"), {QStringLiteral("init"), QStringLiteral("-q"),
                                                               QStringLiteral("--bare"), bareDir});
        if (init.exitCode != 0) {
            m_error = QStringLiteral("git init --bare failed: ") + QString::fromLocal8Bit(init.err);
            return false;
        }
    }
    git({QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("--force"), bareDir,
         QStringLiteral("refs/heads/*:refs/heads/*"), QStringLiteral("refs/tags/*:refs/tags/*")});
    const ProcessResult head =
        run(QStringLiteral("git"), {QStringLiteral("--git-dir=") + bareDir, QStringLiteral("symbolic-ref"),
                                    QStringLiteral("HEAD"), QStringLiteral("refs/heads/") + headBranch});
    if (head.exitCode != 0 && m_error.isEmpty())
        m_error = QStringLiteral("setting HEAD failed: ") + QString::fromLocal8Bit(head.err);
    return ok();
}

} // namespace rr::test
