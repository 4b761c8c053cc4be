#include "control/remoteplanner.h"

#include "control/remotedetector.h"
#include "core/logging.h"
#include "core/promises.h"
#include "source/fetcher.h"
#include "source/snapshotfolder.h"

#include <QDir>
#include <QThreadPool>

namespace rr::control {

using core::ErrorCategory;
using Answer = core::Result<RemotePlan>;

struct RemotePlanner::Snapshot
{
    std::unique_ptr<source::SnapshotFolder> folder;
    int fetchedFiles = 0;
    qint64 fetchedBytes = 0;
};

struct RemotePlanner::Job
{
    source::SourceSpec spec;
    runs::PlanRequest request;
    std::shared_ptr<RemoteListing> listing;
    std::shared_ptr<Snapshot> snapshot;
    int rounds = 0;
    std::shared_ptr<QPromise<Answer>> promise;
};

namespace {

bool isRateLimit(const core::Error &error)
{
    return error.code == QLatin1String("github.rate_limited");
}

// Refusals of a hostile file list, and the API's rate limit, end the plan: a fetch would
// bring the same tree, or hammer the same host.
bool endsThePlan(const core::Error &error)
{
    return isRateLimit(error) || error.code.startsWith(QLatin1String("source.tree_"));
}

core::Unexpected tooMuch(int files, qint64 bytes)
{
    return core::fail(ErrorCategory::Refused, QStringLiteral("source.remote_plan_too_large"),
                      QStringLiteral("Planning this repository before Start would read %1 files (%2 KiB) "
                                     "through GitHub's API, more than the %3 files / %4 MiB RepoRunner reads "
                                     "before Start. Start the run to plan it from its checkout.")
                          .arg(files)
                          .arg(bytes / 1024)
                          .arg(RemotePlanner::MaxFetchedFiles)
                          .arg(RemotePlanner::MaxFetchedBytes >> 20));
}

} // namespace

RemotePlanner::RemotePlanner(RemoteDetector *detector, source::Fetcher *fetcher, QObject *parent)
    : QObject(parent)
    , m_detector(detector)
    , m_fetcher(fetcher)
{}

RemotePlanner::~RemotePlanner() = default;

QFuture<Answer> RemotePlanner::plan(const source::SourceSpec &spec, const runs::PlanRequest &request)
{
    auto job = std::make_shared<Job>();
    job->spec = spec;
    job->request = request;
    job->promise = core::promises::started<Answer>();
    core::promises::whenFinished(
        this, m_detector->listing(spec), [this, job](const core::Result<RemoteListing> &listing) {
            if (listing)
                return listed(job, *listing);
            if (endsThePlan(listing.error()))
                return core::promises::settle(job->promise, Answer(core::fail(listing.error())));
            fallBack(job, listing.error().message);
        });
    return job->promise->future();
}

void RemotePlanner::listed(const std::shared_ptr<Job> &job, const RemoteListing &listing)
{
    job->listing = std::make_shared<RemoteListing>(listing);
    const QString key =
        listing.spec.owner + QLatin1Char('/') + listing.spec.repo + QLatin1Char('@') + listing.commit;
    if (auto hit = m_snapshots.value(key)) {
        job->snapshot = hit;
        return linkSymlinks(job);
    }
    // Up to 100 000 placeholders: made on a worker thread, not the engine's.
    using Made = core::Result<std::shared_ptr<Snapshot>>;
    const std::shared_ptr<const source::RepoTree> tree = listing.tree;
    const QString parent = m_snapshotParent;
    core::promises::whenFinished(
        this,
        core::promises::onPool(QThreadPool::globalInstance(),
                               [tree, parent]() -> Made {
                                   auto folder = source::SnapshotFolder::create(*tree, parent);
                                   if (!folder)
                                       return core::fail(folder.error());
                                   auto snapshot = std::make_shared<Snapshot>();
                                   snapshot->folder = std::move(*folder);
                                   return snapshot;
                               }),
        [this, job, key](const Made &made) {
            if (!made)
                return core::promises::settle(job->promise, Answer(core::fail(made.error())));
            if (m_snapshotOrder.size() >= MaxCachedSnapshots)
                m_snapshots.remove(m_snapshotOrder.takeFirst()); // jobs using it hold their own reference
            m_snapshots.insert(key, *made);
            m_snapshotOrder.removeAll(key);
            m_snapshotOrder.append(key);
            job->snapshot = *made;
            linkSymlinks(job);
        });
}

// A checkout has its symlinks; so does the planning folder, or paths through them would be
// judged differently. Each link's target is its contents.
void RemotePlanner::linkSymlinks(const std::shared_ptr<Job> &job)
{
    const QStringList links = job->snapshot->folder->pendingSymlinks();
    if (links.isEmpty())
        return planRound(job);
    if (links.size() > MaxSymlinks)
        return fallBack(job, QStringLiteral("the repository has %1 symlinks, more than the %2 RepoRunner "
                                            "reads through GitHub's API")
                                 .arg(links.size())
                                 .arg(MaxSymlinks));
    const QString link = links.first();
    core::promises::whenFinished(
        this, m_detector->readFile(*job->listing, link),
        [this, job, link](const core::Result<QByteArray> &target) {
            if (!target)
                return endsThePlan(target.error())
                           ? core::promises::settle(job->promise, Answer(core::fail(target.error())))
                           : fallBack(job, target.error().message);
            // A target never ends in a newline in practice; one added by the transport goes.
            QByteArray text = *target;
            if (text.endsWith('\n'))
                text.chop(1);
            if (!job->snapshot->folder->pendingSymlinks().contains(link)) // another plan made it
                return linkSymlinks(job);
            if (auto made = job->snapshot->folder->link(link, text); !made)
                return core::promises::settle(job->promise, Answer(core::fail(made.error())));
            linkSymlinks(job);
        });
}

void RemotePlanner::planRound(const std::shared_ptr<Job> &job)
{
    const source::SnapshotFolder &folder = *job->snapshot->folder;
    source::Checkout checkout;
    checkout.worktree = folder.root();
    const QString subdir = QDir::cleanPath(job->spec.subdir);
    checkout.projectDir = subdir.isEmpty() || subdir == QLatin1String(".")
                              ? folder.root()
                              : QDir(folder.root()).filePath(subdir);
    checkout.commit = job->listing->commit;
    checkout.ref = job->listing->ref;
    checkout.spec = job->spec;
    checkout.spec.ref = job->listing->ref.isEmpty() ? job->listing->commit : job->listing->ref;
    if (job->spec.refPathIsFile && !job->spec.refPath.isEmpty())
        checkout.selectedFile = job->spec.refPath.section(QLatin1Char('/'), -1);
    checkout.contentPending = folder.pendingAbsolute();

    auto prepared = runs::PlanBuilder::build(checkout, job->request);
    if (prepared) {
        prepared->checkout.contentPending.clear();
        return core::promises::settle(job->promise, Answer(RemotePlan{*prepared, QStringLiteral("api"), {}}));
    }
    if (prepared.error().code != QLatin1String("source.content_pending"))
        return core::promises::settle(job->promise, Answer(core::fail(prepared.error())));
    QStringList wanted;
    for (const QString &absolute : prepared.error().details.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const QString relative = folder.relativePath(absolute);
        if (folder.isPending(relative) && !wanted.contains(relative))
            wanted << relative;
    }
    if (wanted.isEmpty() || ++job->rounds > MaxRounds)
        return core::promises::settle(
            job->promise, Answer(core::fail(ErrorCategory::Internal, QStringLiteral("plan.remote_loop"),
                                            QStringLiteral("The planner kept asking for files it cannot be "
                                                           "given (%1).")
                                                .arg(prepared.error().details.left(300)))));
    fetchFiles(job, wanted);
}

void RemotePlanner::fetchFiles(const std::shared_ptr<Job> &job, const QStringList &relative)
{
    Snapshot &snapshot = *job->snapshot;
    qint64 bytes = snapshot.fetchedBytes;
    for (const QString &path : relative)
        if (const source::RepoTree::Entry *entry = snapshot.folder->tree().find(path))
            bytes += entry->size;
    const int files = snapshot.fetchedFiles + int(relative.size());
    if (files > MaxFetchedFiles || bytes > MaxFetchedBytes)
        return core::promises::settle(job->promise, Answer(tooMuch(files, bytes)));
    snapshot.fetchedFiles = files;

    struct Batch
    {
        int waiting = 0;
        bool failed = false;
    };
    auto batch = std::make_shared<Batch>();
    batch->waiting = int(relative.size());
    for (const QString &path : relative) {
        core::promises::whenFinished(
            this, m_detector->readFile(*job->listing, path),
            [this, job, batch, path](const core::Result<QByteArray> &answer) {
                --batch->waiting;
                if (batch->failed)
                    return;
                if (!answer) {
                    batch->failed = true;
                    return endsThePlan(answer.error())
                               ? core::promises::settle(job->promise, Answer(core::fail(answer.error())))
                               : fallBack(job, answer.error().message);
                }
                job->snapshot->fetchedBytes += answer->size();
                if (job->snapshot->fetchedBytes > MaxFetchedBytes) {
                    batch->failed = true;
                    return core::promises::settle(job->promise, Answer(tooMuch(job->snapshot->fetchedFiles,
                                                                               job->snapshot->fetchedBytes)));
                }
                // Another plan of the same commit may have written it meanwhile.
                if (job->snapshot->folder->isPending(path))
                    if (auto written = job->snapshot->folder->write(path, *answer); !written) {
                        batch->failed = true;
                        return core::promises::settle(job->promise, Answer(core::fail(written.error())));
                    }
                if (batch->waiting == 0)
                    planRound(job);
            });
    }
}

void RemotePlanner::fallBack(const std::shared_ptr<Job> &job, const QString &why)
{
    qCInfo(lcSource) << "planning from a bounded fetch:" << why;
    core::promises::whenFinished(
        this, m_fetcher->fetch(job->spec, m_detector->fallbackOptions()),
        [job, why](const core::Result<source::Checkout> &checkout) {
            if (!checkout)
                return core::promises::settle(job->promise, Answer(core::fail(checkout.error())));
            auto prepared = runs::PlanBuilder::build(*checkout, job->request);
            if (!prepared)
                return core::promises::settle(job->promise, Answer(core::fail(prepared.error())));
            core::promises::settle(job->promise, Answer(RemotePlan{*prepared, QStringLiteral("fetch"), why}));
        });
}

} // namespace rr::control
