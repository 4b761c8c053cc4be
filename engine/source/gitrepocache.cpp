#include "source/gitrepocache.h"
#include "core/privatepaths.h"

#include "core/logging.h"
#include "source/gitptr.h"
#include "source/gitsupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QRegularExpression>
#include <QUrl>

namespace rr::source {

using core::ErrorCategory;

namespace {

const char *const RemoteName = "origin";
const char *const BranchSpec = "+refs/heads/*:refs/remotes/origin/*";
const char *const TagSpec = "+refs/tags/*:refs/tags/*";
const QLatin1String RemoteHeadRef("refs/remotes/origin/HEAD");

core::Result<RepositoryPtr> openOrCreate(const QString &path, const QString &url, bool &created)
{
    git_repository *raw = nullptr;
    created = false;
    if (QFileInfo::exists(path + QStringLiteral("/HEAD"))) {
        if (git_repository_open_bare(&raw, QFile::encodeName(path).constData()) == 0)
            return RepositoryPtr(raw);
        // A damaged cache entry is rebuilt rather than trusted.
        qCWarning(lcSource) << "cache repository is unreadable, recreating:" << path;
        QDir(path).removeRecursively();
    }
    QDir().mkpath(path);
    if (git_repository_init(&raw, QFile::encodeName(path).constData(), 1) != 0)
        return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_failed"),
                          QStringLiteral("Cannot create the clone cache at %1: %2")
                              .arg(path, QString::fromUtf8(git_error_last()->message)));
    created = true;
    RepositoryPtr repo(raw);
    git_remote *remote = nullptr;
    const QByteArray u = url.toUtf8();
    if (git_remote_create_with_fetchspec(&remote, repo.get(), RemoteName, u.constData(), BranchSpec) != 0 ||
        git_remote_add_fetch(repo.get(), RemoteName, TagSpec) != 0) {
        git_remote_free(remote);
        return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_failed"),
                          QStringLiteral("Cannot configure the clone cache at %1: %2")
                              .arg(path, QString::fromUtf8(git_error_last()->message)));
    }
    git_remote_free(remote);
    return repo;
}

} // namespace

QString GitRepoCache::keyFor(const QString &remoteUrl)
{
    const QByteArray hash = QCryptographicHash::hash(remoteUrl.toUtf8(), QCryptographicHash::Sha256).toHex();
    QString name = remoteUrl.section(QLatin1Char('/'), -1).section(QLatin1Char(':'), -1);
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    name.replace(unsafe, QStringLiteral("_"));
    name = name.left(40);
    return (name.isEmpty() ? QStringLiteral("repo") : name) + QLatin1Char('-') +
           QString::fromLatin1(hash.left(16));
}

QString GitRepoCache::repoPathFor(const QString &cacheDir, const QString &remoteUrl)
{
    return cacheDir + QStringLiteral("/repos/") + keyFor(remoteUrl) + QStringLiteral(".git");
}

core::Result<RemoteState> GitRepoCache::update(const QString &cacheDir, const QString &remoteUrl,
                                               FetchContext &context)
{
    RemoteState state;
    state.repoPath = repoPathFor(cacheDir, remoteUrl);
    // One fetch per cache repository at a time, across threads and processes.
    // Clones and work trees hold private repositories' code: the cache is the user's alone.
    if (auto made = core::makePrivateDirectory(cacheDir); !made)
        return core::fail(made.error());
    QDir().mkpath(cacheDir + QStringLiteral("/locks"));
    QLockFile lock(cacheDir + QStringLiteral("/locks/") + keyFor(remoteUrl) + QStringLiteral(".lock"));
    lock.setStaleLockTime(0); // a long fetch is not stale; a dead owner's lock is
    while (!lock.tryLock(200)) {
        if (context.isCancelled())
            return core::fail(gitsupport::lastError(-1, context, {}));
        if (lock.error() != QLockFile::LockFailedError)
            return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_locked"),
                              QStringLiteral("Cannot lock the clone cache under %1.").arg(cacheDir));
    }
    bool created = false;
    auto repo = openOrCreate(state.repoPath, remoteUrl, created);
    if (!repo)
        return core::fail(repo.error());

    git_remote *rawRemote = nullptr;
    if (git_remote_lookup(&rawRemote, repo->get(), RemoteName) != 0)
        return core::fail(
            gitsupport::lastError(-1, context, QStringLiteral("Cannot read the cached remote")));
    RemotePtr remote(rawRemote);

    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    gitsupport::installCallbacks(options.callbacks, context);
    options.prune = GIT_FETCH_PRUNE;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE; // the tag refspec already brings them all
    options.update_fetchhead = 0;
    options.proxy_opts.type = GIT_PROXY_AUTO;
    char *specs[] = {const_cast<char *>(BranchSpec), const_cast<char *>(TagSpec)};
    const git_strarray refspecs = {specs, 2};

    qCInfo(lcSource) << "fetching" << remoteUrl << "into" << state.repoPath;
    const int rc = git_remote_fetch(remote.get(), &refspecs, &options, "reporunner fetch");
    if (rc != 0) {
        const core::Error error =
            gitsupport::lastError(rc, context, QStringLiteral("Fetching %1 failed").arg(remoteUrl));
        repo->reset();
        if (created)
            QDir(state.repoPath).removeRecursively(); // leave no half-made cache entry behind
        return core::fail(error);
    }
    if (const git_indexer_progress *stats = git_remote_stats(remote.get())) {
        context.receivedBytes = qint64(stats->received_bytes);
        context.receivedObjects = int(stats->received_objects);
    }

    // What the remote advertised stays readable after the fetch disconnected.
    const git_remote_head **heads = nullptr;
    size_t count = 0;
    if (git_remote_ls(&heads, &count, remote.get()) == 0) {
        for (size_t i = 0; i < count; ++i) {
            const QString name = QString::fromUtf8(heads[i]->name);
            if (name.endsWith(QLatin1String("^{}")))
                continue;
            if (name.startsWith(QLatin1String("refs/heads/")))
                state.branches << name.mid(11);
            else if (name.startsWith(QLatin1String("refs/tags/")))
                state.tags << name.mid(10);
        }
    }
    if (state.branches.isEmpty() && state.tags.isEmpty())
        return core::fail(ErrorCategory::Source, QStringLiteral("source.empty_repository"),
                          QStringLiteral("%1 has no branches or tags to check out.").arg(remoteUrl));

    GitBuf head;
    if (git_remote_default_branch(&head.buf, remote.get()) == 0) {
        const QString full = QString::fromUtf8(head.buf.ptr, qsizetype(head.buf.size));
        state.defaultBranch = full.startsWith(QLatin1String("refs/heads/")) ? full.mid(11) : full;
        // Remember it, so a pinned commit served from the cache still knows the default branch.
        git_reference *ref = nullptr;
        const QByteArray target = (QStringLiteral("refs/remotes/origin/") + state.defaultBranch).toUtf8();
        if (git_reference_symbolic_create(&ref, repo->get(), RemoteHeadRef.data(), target.constData(), 1,
                                          "remote HEAD") == 0)
            git_reference_free(ref);
    }
    qCInfo(lcSource) << "fetched" << remoteUrl << "objects:" << context.receivedObjects
                     << "bytes:" << context.receivedBytes << "default branch:" << state.defaultBranch;
    return state;
}

bool GitRepoCache::hasCommit(const QString &repoPath, const QString &sha)
{
    git_repository *raw = nullptr;
    if (git_repository_open_bare(&raw, QFile::encodeName(repoPath).constData()) != 0)
        return false;
    RepositoryPtr repo(raw);
    git_oid oid;
    if (git_oid_fromstrn(&oid, sha.toLatin1().constData(), size_t(sha.size())) != 0 || sha.size() != 40)
        return false;
    git_commit *commit = nullptr;
    if (git_commit_lookup(&commit, repo.get(), &oid) != 0)
        return false;
    git_commit_free(commit);
    return true;
}

core::Result<QString> GitRepoCache::resolveCommit(const QString &repoPath, const QString &revision,
                                                  const QString &shownAs)
{
    git_repository *raw = nullptr;
    if (git_repository_open_bare(&raw, QFile::encodeName(repoPath).constData()) != 0)
        return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_failed"),
                          QStringLiteral("Cannot open the clone cache at %1.").arg(repoPath));
    RepositoryPtr repo(raw);
    git_object *object = nullptr;
    const QByteArray spec = (revision + QStringLiteral("^{commit}")).toUtf8();
    const int rc = git_revparse_single(&object, repo.get(), spec.constData());
    if (rc != 0) {
        if (rc == GIT_EAMBIGUOUS)
            return core::fail(
                ErrorCategory::Input, QStringLiteral("source.ambiguous_commit"),
                QStringLiteral("%1 matches more than one commit; give more digits.").arg(shownAs));
        return core::fail(ErrorCategory::Source, QStringLiteral("source.commit_not_found"),
                          QStringLiteral("%1 is not a commit reachable from any branch or tag of the remote "
                                         "(libgit2 cannot fetch a lone commit).")
                              .arg(shownAs));
    }
    ObjectPtr owned(object);
    return gitsupport::oidHex(git_object_id(object));
}

QString GitRepoCache::recordedDefaultBranch(const QString &repoPath)
{
    git_repository *raw = nullptr;
    if (git_repository_open_bare(&raw, QFile::encodeName(repoPath).constData()) != 0)
        return {};
    RepositoryPtr repo(raw);
    git_reference *ref = nullptr;
    if (git_reference_lookup(&ref, repo.get(), RemoteHeadRef.data()) != 0)
        return {};
    ReferencePtr owned(ref);
    const char *target = git_reference_symbolic_target(ref);
    const QString name = target ? QString::fromUtf8(target) : QString();
    return name.startsWith(QLatin1String("refs/remotes/origin/")) ? name.mid(20) : QString();
}

} // namespace rr::source
