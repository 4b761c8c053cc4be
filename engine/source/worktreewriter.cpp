#include "source/worktreewriter.h"

#include "core/logging.h"
#include "source/gitcachesweeper.h"
#include "source/gitptr.h"
#include "source/gitrepocache.h"
#include "source/gitsupport.h"
#include "source/sourcespecparser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <utility>
#include <vector>

namespace rr::source {

using core::ErrorCategory;

namespace {

constexpr int MaxSubmoduleDepth = 8;

struct SubmoduleEntry
{
    QString name;
    QString path;
    QString url;
};

core::Result<std::pair<RepositoryPtr, TreePtr>> openTree(const QString &repoPath, const QString &commit,
                                                         const FetchContext &context)
{
    git_repository *rawRepo = nullptr;
    if (git_repository_open_bare(&rawRepo, QFile::encodeName(repoPath).constData()) != 0)
        return core::fail(gitsupport::lastError(-1, context, QStringLiteral("Cannot open the clone cache")));
    RepositoryPtr repo(rawRepo);
    git_oid oid;
    git_commit *rawCommit = nullptr;
    if (git_oid_fromstr(&oid, commit.toLatin1().constData()) != 0 ||
        git_commit_lookup(&rawCommit, repo.get(), &oid) != 0)
        return core::fail(ErrorCategory::Source, QStringLiteral("source.commit_not_found"),
                          QStringLiteral("Commit %1 is not in the clone cache.").arg(commit));
    CommitPtr owned(rawCommit);
    git_tree *rawTree = nullptr;
    if (git_commit_tree(&rawTree, rawCommit) != 0)
        return core::fail(
            gitsupport::lastError(-1, context, QStringLiteral("Cannot read commit %1").arg(commit)));
    return std::make_pair(std::move(repo), TreePtr(rawTree));
}

// .gitmodules as checked out; entries without a path or url are ignored like git does.
std::vector<SubmoduleEntry> readGitmodules(const QString &file)
{
    std::vector<SubmoduleEntry> entries;
    if (!QFile::exists(file))
        return entries;
    git_config *raw = nullptr;
    if (git_config_open_ondisk(&raw, QFile::encodeName(file).constData()) != 0)
        return entries;
    ConfigPtr config(raw);
    QStringList names;
    git_config_foreach_match(
        raw, "^submodule\\..*\\.path$",
        [](const git_config_entry *entry, void *payload) {
            const QString key = QString::fromUtf8(entry->name);
            static_cast<QStringList *>(payload)->append(key.mid(10, key.size() - 10 - 5));
            return 0;
        },
        &names);
    for (const QString &name : std::as_const(names)) {
        SubmoduleEntry e;
        e.name = name;
        GitBuf path;
        GitBuf url;
        const QByteArray prefix = (QStringLiteral("submodule.") + name).toUtf8();
        if (git_config_get_string_buf(&path.buf, raw, QByteArray(prefix + ".path").constData()) != 0 ||
            git_config_get_string_buf(&url.buf, raw, QByteArray(prefix + ".url").constData()) != 0)
            continue;
        e.path = QString::fromUtf8(path.buf.ptr);
        e.url = QString::fromUtf8(url.buf.ptr).trimmed();
        entries.push_back(e);
    }
    return entries;
}

// Adds up what checking `tree` out writes (blob sizes from the object headers, without reading
// the blobs) and refuses it when this fetch's checkouts would pass their caps.
core::Result<void> countCheckout(git_repository *repo, git_tree *tree, FetchContext &context)
{
    if (context.maxCheckoutBytes <= 0 && context.maxCheckoutFiles <= 0)
        return {};
    git_odb *rawOdb = nullptr;
    if (git_repository_odb(&rawOdb, repo) != 0)
        return core::fail(gitsupport::lastError(-1, context, QStringLiteral("Cannot read the clone cache")));
    struct Walk
    {
        git_odb *odb;
        FetchContext *context;
        bool over = false;
    } walk{rawOdb, &context};
    git_tree_walk(
        tree, GIT_TREEWALK_PRE,
        [](const char *, const git_tree_entry *entry, void *payload) {
            auto *w = static_cast<Walk *>(payload);
            if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
                return 0;
            size_t size = 0;
            git_object_t type = GIT_OBJECT_INVALID;
            if (git_odb_read_header(&size, &type, w->odb, git_tree_entry_id(entry)) == 0)
                w->context->checkoutBytes += qint64(size);
            ++w->context->checkoutFiles;
            const FetchContext &c = *w->context;
            w->over = (c.maxCheckoutBytes > 0 && c.checkoutBytes > c.maxCheckoutBytes) ||
                      (c.maxCheckoutFiles > 0 && c.checkoutFiles > c.maxCheckoutFiles);
            return w->over ? -1 : 0;
        },
        &walk);
    git_odb_free(rawOdb);
    if (walk.over)
        return core::fail(ErrorCategory::Source, QStringLiteral("source.checkout_too_large"),
                          QStringLiteral("The checkout would pass RepoRunner's limits of %1 files or %2 MiB.")
                              .arg(context.maxCheckoutFiles)
                              .arg(context.maxCheckoutBytes / (1024 * 1024)));
    return {};
}

} // namespace

QString WorktreeWriter::resolveSubmoduleUrl(const QString &superUrl, const QString &url)
{
    if (!url.startsWith(QLatin1String("./")) && !url.startsWith(QLatin1String("../")))
        return url;
    QString base = superUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QString rest = url;
    for (;;) {
        if (rest.startsWith(QLatin1String("./"))) {
            rest.remove(0, 2);
        } else if (rest.startsWith(QLatin1String("../"))) {
            rest.remove(0, 3);
            const qsizetype cut =
                std::max(base.lastIndexOf(QLatin1Char('/')), base.lastIndexOf(QLatin1Char(':')));
            if (cut <= 0 || base.at(cut - 1) == QLatin1Char('/'))
                break; // never climb above the host
            base.truncate(base.at(cut) == QLatin1Char(':') ? cut + 1 : cut);
        } else {
            break;
        }
    }
    if (base.endsWith(QLatin1Char(':')))
        return base + rest;
    return base + QLatin1Char('/') + rest;
}

core::Result<void> WorktreeWriter::write(const Request &request, const QString &dir, FetchContext &context)
{
    if (context.isCancelled())
        return core::fail(gitsupport::lastError(-1, context, {}));
    auto opened = openTree(request.repoPath, request.commit, context);
    if (!opened)
        return core::fail(opened.error());
    auto &[repo, tree] = *opened;
    if (auto counted = countCheckout(repo.get(), tree.get(), context); !counted)
        return counted;

    QDir().mkpath(dir);
    // Give the bare cache repository a work tree in memory only (nothing is written to its config),
    // so checkout can see submodule paths; the shared index is never touched.
    const QByteArray target = QFile::encodeName(dir);
    if (git_repository_set_workdir(repo.get(), target.constData(), 0) != 0)
        return core::fail(gitsupport::lastError(-1, context, QStringLiteral("Cannot prepare %1").arg(dir)));
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_FORCE | GIT_CHECKOUT_DONT_UPDATE_INDEX;
    if (git_checkout_tree(repo.get(), reinterpret_cast<const git_object *>(tree.get()), &options) != 0)
        return core::fail(
            gitsupport::lastError(-1, context, QStringLiteral("Checking out %1 failed").arg(request.commit)));

    if (!request.submodules)
        return {};
    const auto entries = readGitmodules(dir + QStringLiteral("/.gitmodules"));
    if (!entries.empty() && request.depth >= MaxSubmoduleDepth)
        return core::fail(
            ErrorCategory::Source, QStringLiteral("source.submodule_depth"),
            QStringLiteral("Submodules are nested more than %1 levels deep.").arg(MaxSubmoduleDepth));
    for (const SubmoduleEntry &entry : entries) {
        // .gitmodules is the repository's to write: its paths stay inside the checkout.
        const QString cleanPath = QDir::cleanPath(entry.path);
        if (cleanPath.isEmpty() || QDir::isAbsolutePath(cleanPath) || cleanPath == QLatin1String("..") ||
            cleanPath.startsWith(QLatin1String("../")) ||
            cleanPath.split(QLatin1Char('/')).contains(QLatin1String(".git")))
            return core::fail(ErrorCategory::Refused, QStringLiteral("source.submodule_refused"),
                              QStringLiteral("Submodule \"%1\" has the path \"%2\", outside the checkout.")
                                  .arg(entry.name, entry.path));
        git_tree_entry *rawEntry = nullptr;
        if (git_tree_entry_bypath(&rawEntry, tree.get(), entry.path.toUtf8().constData()) != 0)
            continue; // listed in .gitmodules but not in this commit: git skips it too
        TreeEntryPtr treeEntry(rawEntry);
        if (git_tree_entry_type(rawEntry) != GIT_OBJECT_COMMIT)
            continue;
        const QString commit = gitsupport::oidHex(git_tree_entry_id(rawEntry));

        // A repository must not make us read the user's own disk through a submodule URL.
        const QString resolved = resolveSubmoduleUrl(request.remoteUrl, entry.url);
        const auto spec = SourceSpecParser::parse(resolved);
        if (resolved.startsWith(QLatin1Char('/')) || resolved.contains(QLatin1String("::")) || !spec ||
            spec->isLocal())
            return core::fail(
                ErrorCategory::Refused, QStringLiteral("source.submodule_refused"),
                QStringLiteral("Submodule \"%1\" points at \"%2\", which is not a remote git URL.")
                    .arg(entry.name, entry.url));
        const QString subUrl = spec->remoteUrl;
        // Any link could point the engine at a repository whose submodules name any server: a
        // submodule is fetched only from the repository's own host.
        const QString superHost = QUrl(request.remoteUrl).host().toLower();
        const QString subHost = QUrl(subUrl).host().toLower();
        if (subHost.isEmpty() || subHost != superHost)
            return core::fail(
                ErrorCategory::Refused, QStringLiteral("source.submodule_refused"),
                QStringLiteral("Submodule \"%1\" points at %2, another host than the repository's "
                               "(%3); RepoRunner fetches submodules only from the repository's own "
                               "host.")
                    .arg(entry.name, subHost.isEmpty() ? entry.url : subHost, superHost));
        // Nothing already checked out (a symlink) may lead the submodule's files elsewhere.
        const QString parent = QFileInfo(dir + QLatin1Char('/') + cleanPath).absolutePath();
        const QString parentReal =
            QFileInfo(parent).exists() ? QFileInfo(parent).canonicalFilePath() : QString();
        const QString rootReal = QFileInfo(dir).canonicalFilePath();
        if (!parentReal.isEmpty() && parentReal != rootReal &&
            !parentReal.startsWith(rootReal + QLatin1Char('/')))
            return core::fail(
                ErrorCategory::Refused, QStringLiteral("source.submodule_refused"),
                QStringLiteral("Submodule \"%1\" would be written outside the checkout.").arg(entry.name));
        const QString subRepo = GitRepoCache::repoPathFor(request.cacheDir, subUrl);
        GitCacheSweeper::markUsed(subRepo); // a no-op until the fetch below creates it
        if (!GitRepoCache::hasCommit(subRepo, commit)) {
            context.beginRemote();
            const auto updated = GitRepoCache::update(request.cacheDir, subUrl, context);
            context.endRemote();
            if (!updated)
                return core::fail(updated.error());
            if (!GitRepoCache::hasCommit(subRepo, commit))
                return core::fail(
                    ErrorCategory::Source, QStringLiteral("source.submodule_commit_missing"),
                    QStringLiteral("Submodule \"%1\" wants commit %2, which no branch or tag of %3 "
                                   "contains.")
                        .arg(entry.name, commit, subUrl));
        }
        qCInfo(lcSource) << "submodule" << entry.path << "at" << commit << "from" << subUrl;
        Request sub{subRepo, commit, subUrl, request.cacheDir, true, request.depth + 1};
        const auto written = write(sub, dir + QLatin1Char('/') + cleanPath, context);
        if (!written)
            return written;
    }
    return {};
}

} // namespace rr::source
