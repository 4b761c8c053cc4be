#include "runs/pruner.h"

#include "core/logging.h"
#include "core/promises.h"
#include "docker/ownedimages.h"
#include "runs/retentionrule.h"
#include "source/gitcachesweeper.h"

namespace rr::runs {

namespace {

constexpr qint64 SecondsPerDay = 24 * 60 * 60;

struct SweptRepositories
{
    QList<source::GitCacheEntry> removed;
    QStringList problems;
};

} // namespace

Pruner::Pruner(docker::DockerClient *docker, QString engineId, QString gitCacheDir, QObject *parent)
    : QObject(parent)
    , m_docker(docker)
    , m_engineId(std::move(engineId))
    , m_gitCacheDir(std::move(gitCacheDir))
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_pool.setMaxThreadCount(1);
}

Pruner::~Pruner()
{
    m_pool.waitForDone();
}

QFuture<core::Result<PruneReport>> Pruner::prune(const RetentionPolicy &policy, bool dryRun,
                                                 const QStringList &reposInUse)
{
    using Out = core::Result<PruneReport>;
    if (auto valid = policy.validate(); !valid)
        return core::promises::ready<Out>(core::fail(valid.error()));
    auto report = std::make_shared<PruneReport>();
    report->dryRun = dryRun;
    auto promise = core::promises::started<Out>();
    // Images first (a removed image frees build-cache records), then the cache, then git.
    pruneImages(policy, report, [this, policy, reposInUse, report, promise] {
        pruneBuildCache(policy, report, [this, policy, reposInUse, report, promise] {
            pruneRepositories(policy, reposInUse, report, [report, promise] {
                qCInfo(lcRuns) << (report->dryRun ? "retention (dry run):" : "retention:")
                               << report->images.size() << "images," << report->buildCache.records
                               << "build-cache records," << report->repositories.size() << "repositories,"
                               << report->reclaimedBytes() << "bytes";
                core::promises::settle(promise, Out(*report));
            });
        });
    });
    return promise->future();
}

void Pruner::pruneImages(const RetentionPolicy &policy, const std::shared_ptr<PruneReport> &report,
                         std::function<void()> done)
{
    if (!m_docker) {
        report->problems << QStringLiteral("Docker is not available: images were not looked at.");
        return done();
    }
    auto images = std::make_shared<docker::OwnedImages>(m_docker, m_engineId);
    core::promises::whenFinished(
        this, images->list(),
        [this, images, policy, report, done](const core::Result<QList<docker::OwnedImage>> &listed) {
            if (!listed) {
                report->problems << QStringLiteral("Images: %1").arg(listed.error().message);
                return done();
            }
            const auto expired = RetentionRule::expiredImages(*listed, policy, now());
            if (report->dryRun || expired.isEmpty()) {
                report->images = expired;
                return done();
            }
            core::promises::whenFinished(
                this, images->remove(expired),
                [report, expired, done](const core::Result<QList<docker::OwnedImage>> &removed) {
                    if (!removed)
                        report->problems << QStringLiteral("Images: %1").arg(removed.error().message);
                    else
                        report->images = *removed;
                    if (removed && removed->size() < expired.size())
                        report->problems << QStringLiteral("%1 image(s) stay because a container uses them.")
                                                .arg(expired.size() - removed->size());
                    done();
                });
        });
}

void Pruner::pruneBuildCache(const RetentionPolicy &policy, const std::shared_ptr<PruneReport> &report,
                             std::function<void()> done)
{
    if (!m_docker)
        return done();
    // The build cache is the daemon's, shared with every other builder: only age selects, and
    // never less than a day, so builds in progress elsewhere keep theirs.
    const qint64 unusedFor = qMax(1, policy.imageDays) * SecondsPerDay;
    docker::OwnedImages images(m_docker, m_engineId);
    core::promises::whenFinished(this, images.sweepBuildCache(unusedFor, report->dryRun),
                                 [report, done](const core::Result<docker::BuildCacheSweep> &swept) {
                                     if (swept)
                                         report->buildCache = *swept;
                                     else
                                         report->problems
                                             << QStringLiteral("Build cache: %1").arg(swept.error().message);
                                     done();
                                 });
}

void Pruner::pruneRepositories(const RetentionPolicy &policy, const QStringList &reposInUse,
                               const std::shared_ptr<PruneReport> &report, std::function<void()> done)
{
    const source::GitCacheSweeper sweeper(m_gitCacheDir);
    QSet<QString> inUse;
    for (const QString &url : reposInUse)
        inUse.insert(source::GitCacheSweeper::keyFor(url));
    const QDateTime at = now();
    const bool dryRun = report->dryRun;
    auto swept = core::promises::onPool(&m_pool, [sweeper, policy, at, inUse, dryRun] {
        SweptRepositories out;
        for (const source::GitCacheEntry &entry :
             RetentionRule::expiredRepositories(sweeper.entries(), policy, at, inUse)) {
            if (dryRun) {
                out.removed.append(entry);
            } else if (auto gone = sweeper.remove(entry); gone) {
                out.removed.append(entry);
            } else {
                out.problems << gone.error().message;
            }
        }
        return out;
    });
    core::promises::whenFinished(this, swept, [report, done](const SweptRepositories &result) {
        report->repositories = result.removed;
        report->problems << result.problems;
        done();
    });
}

} // namespace rr::runs
