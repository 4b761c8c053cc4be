#include "control/remotedetector.h"

#include "core/logging.h"
#include "core/promises.h"
#include "project/detector.h"
#include "source/fetcher.h"
#include "source/githubapi.h"
#include "source/githubmirror.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

namespace rr::control {

using core::ErrorCategory;
using Answer = core::Result<RemoteDetection>;

struct RemoteDetector::Job
{
    source::SourceSpec spec;
    QString folder; // project folder inside the repository, "" = root
    QString token;
    QString commit;
    QStringList paths;            // files below `folder`, relative to it
    QHash<QString, qint64> sizes; // of those files
    project::Detection detection;
    QString ref; // the branch or tag the commit was found for
    std::shared_ptr<QPromise<Answer>> promise;
    // Set when the job only lists the tree (listing()): no detection, no fallback.
    std::shared_ptr<QPromise<core::Result<RemoteListing>>> listingPromise;

    QString repoPath() const
    {
        return QStringLiteral("repos/%1/%2/")
            .arg(QString::fromLatin1(QUrl::toPercentEncoding(spec.owner)),
                 QString::fromLatin1(QUrl::toPercentEncoding(spec.repo)));
    }
    QString treeKey() const { return spec.owner + QLatin1Char('/') + spec.repo + QLatin1Char('@') + commit; }
    QString cacheKey() const
    {
        return spec.owner + QLatin1Char('/') + spec.repo + QLatin1Char('@') + commit + QLatin1Char(':') +
               folder;
    }
};

namespace {

QString encodedRef(const QString &ref)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(ref, "/"));
}

bool isFullSha(const QString &text)
{
    static const QRegularExpression sha(QStringLiteral("^[0-9a-f]{40}$"));
    return sha.match(text).hasMatch();
}

core::Unexpected nothingToRun(const source::SourceSpec &spec)
{
    return core::fail(ErrorCategory::Project, QStringLiteral("project.nothing_to_run"),
                      QStringLiteral("no Dockerfile or compose file found in %1 (looked for compose.yaml, "
                                     "docker-compose.yml, Dockerfile, Containerfile at the root and in "
                                     "docker/, .docker/, build/, deploy/)")
                          .arg(spec.input.left(300)));
}

} // namespace

RemoteDetector::RemoteDetector(source::Fetcher *fetcher, QObject *parent)
    : QObject(parent)
    , m_fetcher(fetcher)
    , m_api(new source::GitHubApi(this))
    , m_apiBase(QString())
{
    m_apiBase = source::GitHubApi::baseFromEnvironment(&m_apiConfigured);
    if (m_apiBase)
        m_api->setBase(*m_apiBase);
    m_fallback.submodules = false;
    m_fallback.maxBytes = FallbackMaxBytes;
    m_fallback.maxCheckoutBytes = FallbackMaxCheckoutBytes;
    m_fallback.maxCheckoutFiles = FallbackMaxCheckoutFiles;
}

bool RemoteDetector::apiApplies(const source::SourceSpec &spec) const
{
    // GitHub sources are the ones the parser turned into github.com's (or the mirror's) clone URL.
    const auto mirror = source::GitHubMirror::fromEnvironment();
    const QString mirrorBase = mirror ? *mirror : QString();
    if (spec.owner.isEmpty() || spec.repo.isEmpty() ||
        spec.remoteUrl != source::GitHubMirror::cloneUrl(spec.owner, spec.repo, mirrorBase))
        return false;
    // A mirror stands in for github.com's git side; without an API base of its own there is no
    // API to ask (api.github.com might not even be reachable from there).
    return m_apiConfigured || mirrorBase.isEmpty();
}

QFuture<Answer> RemoteDetector::detect(const source::SourceSpec &spec)
{
    auto job = std::make_shared<Job>();
    job->spec = spec;
    job->folder = QDir::cleanPath(spec.subdir);
    if (job->folder == QLatin1String(".") || job->folder == QLatin1String("/"))
        job->folder.clear();
    job->promise = core::promises::started<Answer>();
    if (!m_apiBase)
        core::promises::settle(job->promise, Answer(core::Unexpected(m_apiBase.error())));
    else if (apiApplies(spec))
        withToken(job);
    else
        fallBack(job);
    return job->promise->future();
}

QFuture<core::Result<RemoteListing>> RemoteDetector::listing(const source::SourceSpec &spec)
{
    auto job = std::make_shared<Job>();
    job->spec = spec;
    job->promise = core::promises::started<Answer>(); // unused: listing jobs settle listingPromise
    job->listingPromise = core::promises::started<core::Result<RemoteListing>>();
    if (!m_apiBase)
        core::promises::settle(job->listingPromise,
                               core::Result<RemoteListing>(core::Unexpected(m_apiBase.error())));
    else if (!apiApplies(spec))
        core::promises::settle(job->listingPromise,
                               core::Result<RemoteListing>(core::fail(
                                   ErrorCategory::Source, QStringLiteral("github.not_applicable"),
                                   QStringLiteral("%1 is not a GitHub repository RepoRunner can list "
                                                  "through GitHub's API.")
                                       .arg(spec.input.left(300)))));
    else
        withToken(job);
    return job->listingPromise->future();
}

QFuture<core::Result<QByteArray>> RemoteDetector::readFile(const RemoteListing &listing, const QString &path)
{
    const QString repoPath = QStringLiteral("repos/%1/%2/")
                                 .arg(QString::fromLatin1(QUrl::toPercentEncoding(listing.spec.owner)),
                                      QString::fromLatin1(QUrl::toPercentEncoding(listing.spec.repo)));
    return m_api->get(repoPath + QStringLiteral("contents/%1?ref=%2").arg(encodedRef(path), listing.commit),
                      listing.token, "application/vnd.github.raw");
}

void RemoteDetector::withToken(const std::shared_ptr<Job> &job)
{
    if (!m_tokens)
        return resolveCommit(job);
    core::promises::whenFinished(this, m_tokens(QStringLiteral("github.com")),
                                 [this, job](const QString &token) {
                                     job->token = token;
                                     resolveCommit(job);
                                 });
}

void RemoteDetector::resolveCommit(const std::shared_ptr<Job> &job)
{
    const QString ref = job->spec.ref;
    job->ref = ref;
    if (isFullSha(ref.toLower())) {
        job->commit = ref.toLower();
        job->ref.clear();
        return listTree(job);
    }
    if (!ref.isEmpty())
        return commitFor(job, ref);
    core::promises::whenFinished(
        this, m_api->get(job->repoPath().chopped(1), job->token),
        [this, job](const core::Result<QByteArray> &repo) {
            if (!repo)
                return apiFailed(job, repo.error());
            const QString branch =
                QJsonDocument::fromJson(*repo).object().value(QStringLiteral("default_branch")).toString();
            if (branch.isEmpty())
                return apiFailed(job,
                                 core::makeError(ErrorCategory::Source, QStringLiteral("github.bad_answer"),
                                                 QStringLiteral("GitHub named no default branch.")));
            job->ref = branch;
            commitFor(job, branch);
        });
}

void RemoteDetector::commitFor(const std::shared_ptr<Job> &job, const QString &ref)
{
    core::promises::whenFinished(
        this,
        m_api->get(job->repoPath() + QStringLiteral("commits/") + encodedRef(ref), job->token,
                   "application/vnd.github.sha"),
        [this, job](const core::Result<QByteArray> &sha) {
            if (!sha)
                return apiFailed(job, sha.error());
            job->commit = QString::fromLatin1(sha->trimmed()).toLower();
            if (!isFullSha(job->commit))
                return apiFailed(job,
                                 core::makeError(ErrorCategory::Source, QStringLiteral("github.bad_answer"),
                                                 QStringLiteral("GitHub's commit id is not one.")));
            listTree(job);
        });
}

void RemoteDetector::listTree(const std::shared_ptr<Job> &job)
{
    if (!job->listingPromise)
        if (const auto hit = m_cache.constFind(job->cacheKey()); hit != m_cache.constEnd())
            return core::promises::settle(job->promise, Answer(*hit));
    if (const auto tree = m_trees.value(job->treeKey()))
        return useTree(job, tree);
    core::promises::whenFinished(
        this,
        m_api->get(job->repoPath() + QStringLiteral("git/trees/%1?recursive=1").arg(job->commit), job->token),
        [this, job](const core::Result<QByteArray> &body) {
            if (!body)
                return apiFailed(job, body.error());
            auto tree = source::RepoTree::fromGitHub(*body);
            if (!tree)
                return apiFailed(job, tree.error());
            if (m_trees.size() >= MaxCachedTrees)
                m_trees.clear();
            auto shared = std::make_shared<const source::RepoTree>(std::move(*tree));
            m_trees.insert(job->treeKey(), shared);
            useTree(job, shared);
        });
}

void RemoteDetector::useTree(const std::shared_ptr<Job> &job,
                             const std::shared_ptr<const source::RepoTree> &tree)
{
    if (job->listingPromise)
        return core::promises::settle(
            job->listingPromise,
            core::Result<RemoteListing>(RemoteListing{job->spec, job->commit, job->ref, job->token, tree}));
    const QString prefix = job->folder.isEmpty() ? QString() : job->folder + QLatin1Char('/');
    for (const source::RepoTree::Entry &entry : tree->entries()) {
        // Files only: symlinks could point anywhere, submodules are commits.
        if (entry.kind != source::RepoTree::Entry::Kind::File || !entry.path.startsWith(prefix))
            continue;
        job->paths << entry.path.mid(prefix.size());
        job->sizes.insert(entry.path.mid(prefix.size()), entry.size);
    }
    job->detection = project::Detector::detectFileList(job->paths);
    if (!job->detection.hasCompose() && !job->detection.hasDockerfile())
        return core::promises::settle(job->promise, Answer(nothingToRun(job->spec)));
    if (job->detection.hasCompose() &&
        job->sizes.value(job->detection.composeFiles.first()) <= MaxComposeBytes)
        return readCompose(job);
    finish(job);
}

void RemoteDetector::readCompose(const std::shared_ptr<Job> &job)
{
    const QString file = job->folder.isEmpty()
                             ? job->detection.composeFiles.first()
                             : job->folder + QLatin1Char('/') + job->detection.composeFiles.first();
    core::promises::whenFinished(
        this,
        m_api->get(job->repoPath() + QStringLiteral("contents/%1?ref=%2").arg(encodedRef(file), job->commit),
                   job->token, "application/vnd.github.raw"),
        [this, job](const core::Result<QByteArray> &yaml) {
            if (!yaml)
                return apiFailed(job, yaml.error());
            job->detection.composeServices = project::Detector::composeServiceNames(*yaml);
            finish(job);
        });
}

void RemoteDetector::finish(const std::shared_ptr<Job> &job)
{
    const RemoteDetection found{job->detection, job->commit, QStringLiteral("api")};
    m_cache.insert(job->cacheKey(), found);
    core::promises::settle(job->promise, Answer(found));
}

void RemoteDetector::apiFailed(const std::shared_ptr<Job> &job, const core::Error &error)
{
    if (job->listingPromise)
        return core::promises::settle(job->listingPromise, core::Result<RemoteListing>(core::fail(error)));
    // A hostile file list is refused outright: a fetch would bring the same tree.
    if (error.code == QLatin1String("github.rate_limited") ||
        error.code.startsWith(QLatin1String("source.tree_")))
        return core::promises::settle(job->promise, Answer(core::fail(error)));
    qCInfo(lcSource) << "GitHub API detection failed, falling back to a bounded fetch:" << error.code;
    fallBack(job);
}

void RemoteDetector::fallBack(const std::shared_ptr<Job> &job)
{
    core::promises::whenFinished(
        this, m_fetcher->fetch(job->spec, m_fallback),
        [this, job](const core::Result<source::Checkout> &checkout) {
            if (!checkout)
                return core::promises::settle(job->promise, Answer(core::fail(checkout.error())));
            auto detection = project::Detector::detectFolder(checkout->projectDir);
            if (!detection)
                return core::promises::settle(job->promise, Answer(core::fail(detection.error())));
            job->commit = checkout->commit;
            const RemoteDetection found{*detection, checkout->commit, QStringLiteral("fetch")};
            m_cache.insert(job->cacheKey(), found);
            core::promises::settle(job->promise, Answer(found));
        });
}

} // namespace rr::control
