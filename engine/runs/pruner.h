#pragma once

#include "core/result.h"
#include "runs/prunereport.h"
#include "runs/retentionpolicy.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QSet>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace rr::docker {
class DockerClient;
}

namespace rr::runs {

// One retention pass (`reporunner prune`, the daily pass): removes this engine's images beyond
// the policy, the daemon's build cache unused for the policy's age, and clone-cache repositories
// no run used for `gitCacheDays`. Docker being away is a problem in the report, not a failure:
// the clone cache is still pruned. File-system work runs on the pruner's own pool.
class Pruner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Pruner)
public:
    using Clock = std::function<QDateTime()>;

    // `docker` may be null (no daemon: images are left alone). `gitCacheDir` empty = the fetcher's.
    Pruner(docker::DockerClient *docker, QString engineId, QString gitCacheDir = {},
           QObject *parent = nullptr);
    ~Pruner() override;

    void setClock(Clock clock) { m_clock = std::move(clock); }
    QDateTime now() const { return m_clock(); }

    // `reposInUse`: remote URLs of runs that are active; their clone-cache entries stay.
    QFuture<core::Result<PruneReport>> prune(const RetentionPolicy &policy, bool dryRun,
                                             const QStringList &reposInUse = {});

private:
    void pruneImages(const RetentionPolicy &policy, const std::shared_ptr<PruneReport> &report,
                     std::function<void()> done);
    void pruneBuildCache(const RetentionPolicy &policy, const std::shared_ptr<PruneReport> &report,
                         std::function<void()> done);
    void pruneRepositories(const RetentionPolicy &policy, const QStringList &reposInUse,
                           const std::shared_ptr<PruneReport> &report, std::function<void()> done);

    docker::DockerClient *m_docker;
    QString m_engineId;
    QString m_gitCacheDir;
    Clock m_clock;
    QThreadPool m_pool;
};

} // namespace rr::runs
