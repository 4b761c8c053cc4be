#pragma once

#include "core/result.h"
#include "runs/planbuilder.h"
#include "runs/planrequest.h"
#include "source/sourcespec.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QStringList>

#include <memory>

namespace rr::source {
class Fetcher;
class SnapshotFolder;
} // namespace rr::source

namespace rr::control {

class RemoteDetector;
struct RemoteListing;

// A plan and how its files were read: "api" (GitHub's file list and the few files the planner
// reads, no clone) or "fetch" (a bounded fetch without submodules; `fallback` says why).
struct RemotePlan
{
    runs::PreparedPlan prepared;
    QString via;
    QString fallback;
};

// `plan` before Start without a clone (issue 11): the repository's file list becomes a private
// folder shaped like the checkout (source::SnapshotFolder), the normal planner runs on it and
// names the files whose contents it needs (source.content_pending), which alone are fetched
// through the contents API, and it runs again. The folder is kept per commit, so planning the
// same commit again (other profiles, services) fetches nothing new. Caps: MaxFetchedFiles and
// MaxFetchedBytes per commit; a hostile file list is refused (source::RepoTree). When the API
// cannot answer (other than its rate limit, which is an error), or the source is not on GitHub,
// it plans from the bounded fetch detection falls back to, and says so.
class RemotePlanner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RemotePlanner)

public:
    static constexpr int MaxFetchedFiles = 40;                 // GitHubApi allows 60 requests a minute
    static constexpr qint64 MaxFetchedBytes = qint64(8) << 20; // the compose loader reads 4 MiB at most
    static constexpr int MaxSymlinks = 16;
    static constexpr int MaxRounds = 32;
    static constexpr int MaxCachedSnapshots = 4;

    RemotePlanner(RemoteDetector *detector, source::Fetcher *fetcher, QObject *parent = nullptr);
    ~RemotePlanner() override;

    // Where the planning folders go (tests); empty = the system's temporary folder.
    void setSnapshotParent(const QString &dir) { m_snapshotParent = dir; }

    QFuture<core::Result<RemotePlan>> plan(const source::SourceSpec &spec, const runs::PlanRequest &request);

private:
    struct Job;
    struct Snapshot;
    void listed(const std::shared_ptr<Job> &job, const RemoteListing &listing);
    void linkSymlinks(const std::shared_ptr<Job> &job);
    void planRound(const std::shared_ptr<Job> &job);
    void fetchFiles(const std::shared_ptr<Job> &job, const QStringList &relative);
    void fallBack(const std::shared_ptr<Job> &job, const QString &why);

    RemoteDetector *m_detector;
    source::Fetcher *m_fetcher;
    QString m_snapshotParent;
    QHash<QString, std::shared_ptr<Snapshot>> m_snapshots; // "<owner>/<repo>@<commit>"
    QStringList m_snapshotOrder;                           // oldest first
};

} // namespace rr::control
