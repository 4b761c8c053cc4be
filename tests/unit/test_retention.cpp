// The retention rule (which images and cloned repositories go) with a fixed clock, the clone
// cache as the sweeper sees it (stamps, locks, removal), a whole pass without Docker, and the
// daily schedule persisted in the run store.
#include "docker/ownedimages.h"
#include "runs/pruner.h"
#include "runs/retentionrule.h"
#include "runs/retentionscheduler.h"
#include "runs/runstore.h"
#include "source/gitcachesweeper.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QLockFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace rr;
using namespace rr::runs;
using docker::OwnedImage;
using source::GitCacheEntry;

namespace {

const QDateTime Now = QDateTime(QDate(2026, 12, 3), QTime(12, 0), Qt::UTC);

template<class T> T await(QFuture<T> future)
{
    QDeadlineTimer deadline(20000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!future.isFinished())
        qFatal("a future did not finish within 20 s");
    return future.result();
}

OwnedImage image(const QString &repository, int ageDays, const QString &tag = {})
{
    OwnedImage i;
    i.id = QStringLiteral("sha256:%1-%2").arg(repository).arg(ageDays);
    i.repository = repository;
    if (!repository.isEmpty())
        i.tags << repository + QLatin1Char(':') + (tag.isEmpty() ? QString::number(ageDays) : tag);
    i.created = Now.addDays(-ageDays);
    i.size = 1000;
    return i;
}

QStringList ids(const QList<OwnedImage> &images)
{
    QStringList out;
    for (const OwnedImage &i : images)
        out << i.id;
    return out;
}

// A clone-cache entry on disk: the bare repository (stamped `usedDaysAgo`) and one checkout.
void makeCacheEntry(const QString &cacheDir, const QString &key, int usedDaysAgo)
{
    const QString repo = cacheDir + QStringLiteral("/repos/") + key + QStringLiteral(".git");
    rr::test::writeTree(repo, {{QStringLiteral("HEAD"), "ref: refs/heads/main\n"},
                               {QStringLiteral("objects/pack/p.pack"), QByteArray(4096, 'x')}});
    rr::test::writeTree(cacheDir + QStringLiteral("/worktrees/") + key,
                        {{QStringLiteral("abc/README"), QByteArray(1000, 'y')}});
    source::GitCacheSweeper::markUsed(repo);
    QFile stamp(repo + QLatin1Char('/') + QLatin1String(source::GitCacheSweeper::UsedStamp));
    QVERIFY(stamp.open(QIODevice::ReadWrite));
    QVERIFY(stamp.setFileTime(QDateTime::currentDateTimeUtc().addDays(-usedDaysAgo),
                              QFileDevice::FileModificationTime));
}

} // namespace

class TestRetention : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void imagesBeyondCountAndAgeGo()
    {
        RetentionPolicy policy;
        policy.keepImages = 2;
        policy.imageDays = 7;
        const QList<OwnedImage> images{
            image(QStringLiteral("reporunner/a-web"), 30), image(QStringLiteral("reporunner/a-web"), 20),
            image(QStringLiteral("reporunner/a-web"), 10), image(QStringLiteral("reporunner/a-web"), 3),
            image(QStringLiteral("reporunner/a-web"), 1),  image(QStringLiteral("reporunner/a-db"), 40),
            image(QStringLiteral("reporunner/a-db"), 2)};
        // a-web: the two newest stay by count (1, 3); 10, 20 and 30 are beyond it and old enough.
        // a-db: both are within the count, however old.
        QCOMPARE(ids(RetentionRule::expiredImages(images, policy, Now)),
                 (QStringList{QStringLiteral("sha256:reporunner/a-web-30"),
                              QStringLiteral("sha256:reporunner/a-web-20"),
                              QStringLiteral("sha256:reporunner/a-web-10")}));
    }

    void youngImagesStayWhateverTheCount()
    {
        RetentionPolicy policy;
        policy.keepImages = 0;
        policy.imageDays = 14;
        const QList<OwnedImage> images{image(QStringLiteral("r/x"), 13), image(QStringLiteral("r/x"), 15),
                                       image(QStringLiteral("r/y"), 0)};
        QCOMPARE(ids(RetentionRule::expiredImages(images, policy, Now)),
                 QStringList{QStringLiteral("sha256:r/x-15")});
        policy.imageDays = 0; // count only
        policy.keepImages = 1;
        QCOMPARE(ids(RetentionRule::expiredImages(images, policy, Now)),
                 QStringList{QStringLiteral("sha256:r/x-15")});
    }

    void untaggedLeftoversGoByAgeAlone()
    {
        RetentionPolicy policy;
        policy.keepImages = 5;
        policy.imageDays = 7;
        const QList<OwnedImage> images{image({}, 8), image({}, 2), image(QStringLiteral("r/x"), 9)};
        QCOMPARE(ids(RetentionRule::expiredImages(images, policy, Now)),
                 QStringList{QStringLiteral("sha256:-8")});
    }

    void imagesFromJson()
    {
        const QJsonArray listed{
            QJsonObject{{QStringLiteral("Id"), QStringLiteral("sha256:1")},
                        {QStringLiteral("RepoTags"),
                         QJsonArray{QStringLiteral("localhost:5000/reporunner/o-r-web:abc-123"),
                                    QStringLiteral("<none>:<none>")}},
                        {QStringLiteral("Created"), 1764763200},
                        {QStringLiteral("Size"), 4096}}};
        const auto images = docker::OwnedImages::fromJson(listed);
        QCOMPARE(images.size(), 1);
        QCOMPARE(images[0].repository, QStringLiteral("localhost:5000/reporunner/o-r-web"));
        QCOMPARE(images[0].tags.size(), 1);
        // One image tagged for two services counts once in each repository.
        const QJsonArray twice{
            QJsonObject{{QStringLiteral("Id"), QStringLiteral("sha256:2")},
                        {QStringLiteral("RepoTags"), QJsonArray{QStringLiteral("reporunner/o-r-web:a"),
                                                                QStringLiteral("reporunner/o-r-db:a")}},
                        {QStringLiteral("Created"), 1764763200},
                        {QStringLiteral("Size"), 10}}};
        const auto split = docker::OwnedImages::fromJson(twice);
        QCOMPARE(split.size(), 2);
        QCOMPARE(split[1].repository, QStringLiteral("reporunner/o-r-db"));
        PruneReport report;
        report.images = split;
        QCOMPARE(report.imageBytes(), 10);
        QCOMPARE(images[0].created.toSecsSinceEpoch(), 1764763200);
        QCOMPARE(images[0].size, 4096);
    }

    void repositoriesUnusedForLongGoUnlessInUse()
    {
        RetentionPolicy policy;
        policy.gitCacheDays = 30;
        const QList<GitCacheEntry> entries{{QStringLiteral("old"), {}, Now.addDays(-31), 1},
                                           {QStringLiteral("busy"), {}, Now.addDays(-60), 1},
                                           {QStringLiteral("fresh"), {}, Now.addDays(-29), 1}};
        const auto expired =
            RetentionRule::expiredRepositories(entries, policy, Now, {QStringLiteral("busy")});
        QCOMPARE(expired.size(), 1);
        QCOMPARE(expired[0].key, QStringLiteral("old"));
    }

    void negativePolicyIsRefused()
    {
        RetentionPolicy policy;
        QVERIFY(policy.validate().has_value());
        policy.keepImages = -1;
        QCOMPARE(policy.validate().error().code, QStringLiteral("prune.bad_policy"));
    }

    void sweeperReadsStampsAndRespectsLocks()
    {
        QTemporaryDir dir;
        makeCacheEntry(dir.path(), QStringLiteral("old-0123"), 40);
        makeCacheEntry(dir.path(), QStringLiteral("new-4567"), 1);
        const source::GitCacheSweeper sweeper(dir.path());
        auto entries = sweeper.entries();
        QCOMPARE(entries.size(), 2);
        std::sort(entries.begin(), entries.end(),
                  [](const GitCacheEntry &a, const GitCacheEntry &b) { return a.key < b.key; });
        QCOMPARE(entries[1].key, QStringLiteral("old-0123"));
        QVERIFY(entries[1].lastUsed < QDateTime::currentDateTimeUtc().addDays(-39));
        QVERIFY(entries[1].bytes >= 4096 + 1000);

        // A fetch holding the repository's lock keeps it.
        QDir().mkpath(dir.filePath(QStringLiteral("locks")));
        QLockFile lock(dir.filePath(QStringLiteral("locks/old-0123.lock")));
        QVERIFY(lock.tryLock(0));
        QCOMPARE(sweeper.remove(entries[1]).error().code, QStringLiteral("source.cache_locked"));
        lock.unlock();
        QVERIFY(sweeper.remove(entries[1]).has_value());
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("repos/old-0123.git"))));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("worktrees/old-0123"))));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("repos/new-4567.git/HEAD"))));
    }

    void passWithoutDockerPrunesTheCloneCache()
    {
        QTemporaryDir dir;
        makeCacheEntry(dir.path(), QStringLiteral("old-0123"), 40);
        makeCacheEntry(dir.path(), QStringLiteral("new-4567"), 1);
        Pruner pruner(nullptr, QStringLiteral("engine"), dir.path());
        RetentionPolicy policy;
        policy.gitCacheDays = 30;

        const auto dry = await(pruner.prune(policy, true));
        QVERIFY(dry.has_value());
        QCOMPARE(dry->repositories.size(), 1);
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("repos/old-0123.git")))); // dry: still there
        QVERIFY(!dry->problems.isEmpty());                                              // no Docker, said so

        // A fake clock 60 days ahead makes the recent one old too; in use, it stays.
        pruner.setClock([] { return QDateTime::currentDateTimeUtc().addDays(60); });
        const QString inUseUrl = QStringLiteral("https://example.invalid/o/new.git");
        const QString inUseKey = source::GitCacheSweeper::keyFor(inUseUrl);
        makeCacheEntry(dir.path(), inUseKey, 1);
        const auto done = await(pruner.prune(policy, false, {inUseUrl}));
        QVERIFY(done.has_value());
        QCOMPARE(done->problems.size(), 1); // only that Docker is not there
        QStringList removed;
        for (const GitCacheEntry &e : done->repositories)
            removed << e.key;
        removed.sort();
        QCOMPARE(removed, (QStringList{QStringLiteral("new-4567"), QStringLiteral("old-0123")}));
        QVERIFY(done->reclaimedBytes() >= 2 * (4096 + 1000));
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("repos/%1.git").arg(inUseKey))));
        QCOMPARE(done->toJson().value(QStringLiteral("repositories")).toArray().size(), 2);
    }

    void dailyPassRunsWhenDueAndIsRemembered()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(await(store.open()).has_value());
        QDateTime clock = Now;
        int passes = 0;
        const auto pass = [&passes] {
            ++passes;
            return QtFuture::makeReadyFuture(core::Result<PruneReport>(PruneReport{}));
        };
        {
            // Never run before: a pass at once, its time stored, the next one a day later.
            RetentionScheduler scheduler(&store, pass);
            scheduler.setClock([&clock] { return clock; });
            QSignalSpy finished(&scheduler, &RetentionScheduler::passFinished);
            scheduler.start();
            QTRY_COMPARE(finished.size(), 1);
            QCOMPARE(passes, 1);
            QVERIFY(scheduler.isArmed());
            QVERIFY(scheduler.remainingMs() > RetentionScheduler::DefaultIntervalMs - 60000);
        }
        QCOMPARE(await(store.metaValue(QLatin1String(RetentionScheduler::LastPassKey))).value(),
                 Now.toString(Qt::ISODate));
        {
            // A restart 2 hours later: not due, armed for the 22 hours left.
            clock = Now.addSecs(2 * 3600);
            RetentionScheduler scheduler(&store, pass);
            scheduler.setClock([&clock] { return clock; });
            scheduler.start();
            QTRY_VERIFY(scheduler.isArmed());
            QCOMPARE(passes, 1);
            const qint64 left = scheduler.remainingMs();
            QVERIFY2(left > 21 * 3600 * 1000LL && left <= 22 * 3600 * 1000LL + 1000,
                     qPrintable(QString::number(left)));
        }
        {
            // A restart more than a day after the last pass: due at once.
            clock = Now.addSecs(25 * 3600);
            RetentionScheduler scheduler(&store, pass);
            scheduler.setClock([&clock] { return clock; });
            QSignalSpy finished(&scheduler, &RetentionScheduler::passFinished);
            scheduler.start();
            QTRY_COMPARE(finished.size(), 1);
            QCOMPARE(passes, 2);
        }
        {
            // The timer itself triggers the next pass (a short interval stands in for a day).
            RetentionScheduler scheduler(&store, pass);
            scheduler.setClock([&clock] { return clock; });
            scheduler.setIntervalMs(50);
            QSignalSpy finished(&scheduler, &RetentionScheduler::passFinished);
            scheduler.start();
            QTRY_VERIFY(finished.size() >= 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestRetention)
#include "test_retention.moc"
