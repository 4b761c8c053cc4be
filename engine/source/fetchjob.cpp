#include "source/fetchjob.h"

#include "core/logging.h"
#include "source/fetcher.h"
#include "source/gitcachesweeper.h"
#include "source/gitptr.h"
#include "source/gitrepocache.h"
#include "source/gitsupport.h"
#include "source/refresolver.h"
#include "source/worktreewriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace rr::source {

using core::ErrorCategory;

namespace {

const QLatin1String CompleteSuffix(".complete");

bool isHexSha(const QString &text)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{4,40}$"));
    return hex.match(text).hasMatch();
}

QString parentPath(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : path.left(slash);
}

struct ResolvedRef
{
    QString ref; // branch/tag short name, or the commit text
    QString subdir;
    bool isCommit = false;
    bool isTag = false;
    QString selectedFile = {}; // from a /blob/ URL: the file, in `subdir`
};

core::Result<ResolvedRef> resolveRef(const SourceSpec &spec, const RemoteState &state)
{
    ResolvedRef r{spec.ref, spec.subdir, spec.refIsCommit, false};
    if (!spec.refPath.isEmpty()) {
        const RefResolver::Split split = RefResolver::split(spec.refPath, state.branches, state.tags);
        if (!split.matched && !isHexSha(split.ref))
            return core::fail(
                ErrorCategory::Source, QStringLiteral("source.ref_not_found"),
                QStringLiteral("No branch or tag of %1 matches \"%2\".").arg(spec.remoteUrl, spec.refPath));
        r.ref = split.ref;
        r.isTag = split.isTag;
        r.isCommit = !split.matched;
        r.subdir = spec.refPathIsFile ? parentPath(split.path) : split.path;
        if (spec.refPathIsFile)
            r.selectedFile = split.path.mid(split.path.lastIndexOf(QLatin1Char('/')) + 1);
    }
    if (r.ref.isEmpty()) {
        if (state.defaultBranch.isEmpty())
            return core::fail(ErrorCategory::Source, QStringLiteral("source.no_default_branch"),
                              QStringLiteral("%1 does not say which branch is its default; name a branch.")
                                  .arg(spec.remoteUrl));
        r.ref = state.defaultBranch;
        return r;
    }
    if (r.isCommit || !spec.refPath.isEmpty())
        return r;
    if (state.branches.contains(r.ref))
        return r;
    if (state.tags.contains(r.ref)) {
        r.isTag = true;
        return r;
    }
    if (isHexSha(r.ref)) {
        r.isCommit = true;
        return r;
    }
    return core::fail(ErrorCategory::Source, QStringLiteral("source.ref_not_found"),
                      QStringLiteral("%1 has no branch or tag named \"%2\".").arg(spec.remoteUrl, r.ref));
}

core::Result<QString> projectDirFor(const QString &worktree, const QString &subdir)
{
    if (subdir.isEmpty())
        return worktree;
    const QFileInfo info(worktree + QLatin1Char('/') + subdir);
    if (!info.isDir())
        return core::fail(ErrorCategory::Source, QStringLiteral("source.subdir_missing"),
                          QStringLiteral("The folder \"%1\" does not exist in this commit.").arg(subdir));
    // A symlinked folder must not lead out of the checkout.
    const QString root = QFileInfo(worktree).canonicalFilePath();
    const QString canonical = info.canonicalFilePath();
    if (canonical != root && !canonical.startsWith(root + QLatin1Char('/')))
        return core::fail(ErrorCategory::Refused, QStringLiteral("source.subdir_escapes"),
                          QStringLiteral("The folder \"%1\" points outside the repository.").arg(subdir));
    return canonical;
}

} // namespace

core::Result<Checkout> FetchJob::run(const SourceSpec &spec, const FetchOptions &options,
                                     FetchContext &context)
{
    if (context.isCancelled())
        return core::fail(gitsupport::lastError(-1, context, {}));
    if (spec.isLocal())
        return runLocal(spec);
    if (spec.remoteUrl.isEmpty())
        return core::fail(ErrorCategory::Input, QStringLiteral("source.no_url"),
                          QStringLiteral("The source has no remote URL."));
    return runRemote(spec, options, context);
}

core::Result<Checkout> FetchJob::runLocal(const SourceSpec &spec)
{
    Checkout out;
    out.spec = spec;
    out.worktree = spec.localPath;
    const auto project = projectDirFor(spec.localPath, spec.subdir);
    if (!project)
        return core::fail(project.error());
    out.projectDir = *project;
    gitsupport::LibGit2 git;
    git_repository *raw = nullptr;
    // A plain folder is fine; a git folder (or one inside a repository) also records its commit.
    if (git_repository_open_ext(&raw, QFile::encodeName(spec.localPath).constData(), 0, nullptr) == 0) {
        RepositoryPtr repo(raw);
        git_oid oid;
        if (git_reference_name_to_id(&oid, raw, "HEAD") == 0)
            out.commit = gitsupport::oidHex(&oid);
        git_reference *head = nullptr;
        if (git_repository_head(&head, raw) == 0) {
            if (git_reference_is_branch(head))
                out.ref = QString::fromUtf8(git_reference_shorthand(head));
            git_reference_free(head);
        }
    }
    return out;
}

core::Result<Checkout> FetchJob::runRemote(const SourceSpec &spec, const FetchOptions &options,
                                           FetchContext &context)
{
    gitsupport::LibGit2 git;
    const QString cacheDir = options.cacheDir.isEmpty() ? Fetcher::defaultCacheDir() : options.cacheDir;
    context.maxBytes = options.maxBytes;
    context.maxCheckoutBytes = options.maxCheckoutBytes;
    context.maxCheckoutFiles = options.maxCheckoutFiles;
    const QString repoPath = GitRepoCache::repoPathFor(cacheDir, spec.remoteUrl);

    Checkout out;
    out.spec = spec;
    ResolvedRef resolved{spec.ref, spec.subdir, spec.refIsCommit, false};
    const bool fullSha = spec.refIsCommit && spec.refPath.isEmpty() && spec.ref.size() == 40;
    if (fullSha && GitRepoCache::hasCommit(repoPath, spec.ref.toLower())) {
        // A pinned commit never changes: no need to ask the network.
        out.commit = spec.ref.toLower();
        out.defaultBranch = GitRepoCache::recordedDefaultBranch(repoPath);
    } else {
        context.beginRemote();
        const auto state = GitRepoCache::update(cacheDir, spec.remoteUrl, context);
        context.endRemote();
        if (!state)
            return core::fail(state.error());
        out.defaultBranch = state->defaultBranch;
        const auto ref = resolveRef(spec, *state);
        if (!ref)
            return core::fail(ref.error());
        resolved = *ref;
        const QString revision = resolved.isCommit ? resolved.ref
                                 : resolved.isTag  ? QStringLiteral("refs/tags/") + resolved.ref
                                                   : QStringLiteral("refs/remotes/origin/") + resolved.ref;
        const auto commit = GitRepoCache::resolveCommit(repoPath, revision, resolved.ref);
        if (!commit)
            return core::fail(commit.error());
        out.commit = *commit;
    }
    out.ref = resolved.isCommit ? QString() : resolved.ref;
    out.spec.ref = resolved.isCommit ? out.commit : resolved.ref;
    out.spec.refIsCommit = resolved.isCommit;
    out.spec.subdir = resolved.subdir;
    out.selectedFile = resolved.selectedFile;

    // One folder per commit; a sibling marker says it was written completely.
    const QString worktree = cacheDir + QStringLiteral("/worktrees/") + GitRepoCache::keyFor(spec.remoteUrl) +
                             QLatin1Char('/') + out.commit +
                             (options.submodules ? QString() : QStringLiteral("-nosub"));
    const QString marker = worktree + CompleteSuffix;
    if (QFileInfo::exists(marker) && QFileInfo(worktree).isDir()) {
        out.reusedWorktree = true;
    } else {
        QDir(worktree).removeRecursively();
        QFile::remove(marker);
        const QString temp =
            worktree + QStringLiteral(".tmp-") + QString::number(QRandomGenerator::global()->generate(), 36);
        WorktreeWriter::Request request{repoPath, out.commit,         spec.remoteUrl,
                                        cacheDir, options.submodules, 0};
        const auto written = WorktreeWriter::write(request, temp, context);
        if (!written) {
            QDir(temp).removeRecursively();
            return core::fail(written.error());
        }
        QFile markerFile(marker);
        if (!markerFile.open(QIODevice::WriteOnly) || !QDir().rename(temp, worktree)) {
            QDir(temp).removeRecursively();
            if (!QFileInfo::exists(marker) || !QFileInfo(worktree).isDir()) // else a parallel fetch won
                return core::fail(ErrorCategory::Io, QStringLiteral("source.cache_failed"),
                                  QStringLiteral("Cannot write the checkout to %1.").arg(worktree));
        }
    }
    out.worktree = worktree;
    GitCacheSweeper::markUsed(repoPath); // retention keeps what runs still use
    const auto project = projectDirFor(worktree, out.spec.subdir);
    if (!project)
        return core::fail(project.error());
    out.projectDir = *project;
    // Progress totals include submodules; the reported cost is the whole fetch.
    out.receivedBytes = context.bytesBefore;
    out.receivedObjects = context.totalObjects;
    qCInfo(lcSource) << "checked out" << spec.remoteUrl << out.ref << out.commit << "at" << out.projectDir;
    return out;
}

} // namespace rr::source
