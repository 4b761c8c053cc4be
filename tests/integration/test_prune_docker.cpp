// A retention pass against the real daemon: images this engine built beyond the count go, the
// newest stays, another engine's images are never touched, a dry run removes nothing, and the
// clone cache goes by the age of its use stamps.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"
#include "runs/pruner.h"
#include "source/gitcachesweeper.h"
#include "test_dockerfixture.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace rr;
using namespace rr::docker;
using rr::test::await;

class TestPruneDocker : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DockerClient> m_client;
    QString m_tag; // unique to this test process: every image it builds carries it
    QString m_ours;
    QString m_theirs;

    core::Result<QString> build(const QString &engine, const QString &service, int version)
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{"Dockerfile", "FROM busybox:1.36\nCOPY v /v\n"},
                                         {"v", (service + QString::number(version) + m_tag).toUtf8()}});
        BuildRequest r;
        r.contextDir = dir.path();
        r.repository = QStringLiteral("reporunner/prune-%1-%2").arg(m_tag, service);
        r.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        r.repoLabel = QStringLiteral("prune-") + m_tag;
        r.labels.insert(QStringLiteral("reporunner.dev/engine"), engine);
        r.labels.insert(QStringLiteral("reporunner.dev/test"), m_tag);
        ImageBuilder builder(m_client.get());
        auto built = await(builder.build(r));
        if (!built)
            return core::fail(built.error());
        return built->reference;
    }

    bool exists(const QString &reference) { return await(m_client->imageExists(reference)).value_or(true); }

    static void stampCache(const QString &cacheDir, const QString &key, int usedDaysAgo)
    {
        const QString repo = cacheDir + QStringLiteral("/repos/") + key + QStringLiteral(".git");
        rr::test::writeTree(repo, {{"HEAD", "ref: refs/heads/main\n"}});
        rr::test::writeTree(cacheDir + QStringLiteral("/worktrees/") + key, {{"c/README", "x"}});
        source::GitCacheSweeper::markUsed(repo);
        QFile stamp(repo + QLatin1Char('/') + QLatin1String(source::GitCacheSweeper::UsedStamp));
        QVERIFY(stamp.open(QIODevice::ReadWrite));
        QVERIFY(stamp.setFileTime(QDateTime::currentDateTimeUtc().addDays(-usedDaysAgo),
                                  QFileDevice::FileModificationTime));
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        m_tag = QStringLiteral("t%1").arg(QCoreApplication::applicationPid());
        m_ours = QUuid::createUuid().toString(QUuid::Id128).left(12);
        m_theirs = QUuid::createUuid().toString(QUuid::Id128).left(12);
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        auto images = await(m_client->listImages({QStringLiteral("reporunner.dev/test=") + m_tag}));
        if (images)
            for (const auto &v : *images)
                await(m_client->removeImage(v.toObject().value(QStringLiteral("Id")).toString(), true));
    }

    void oldImagesGoRecentStayOthersUntouched()
    {
        QStringList web;
        for (int i = 0; i < 3; ++i) {
            auto ref = build(m_ours, QStringLiteral("web"), i);
            QVERIFY2(ref.has_value(), qPrintable(ref ? QString() : ref.error().message));
            web << *ref;
            QTest::qWait(1100); // distinct Created seconds, so "newest" is well defined
        }
        auto db = build(m_ours, QStringLiteral("db"), 0);
        QVERIFY(db.has_value());
        auto other = build(m_theirs, QStringLiteral("web"), 9);
        QVERIFY(other.has_value());

        QTemporaryDir cache;
        stampCache(cache.path(), QStringLiteral("old-1111"), 45);
        stampCache(cache.path(), QStringLiteral("recent-2222"), 2);

        runs::RetentionPolicy policy;
        policy.keepImages = 1;
        policy.imageDays = 0; // age protects nothing here: only the count decides
        policy.gitCacheDays = 30;
        runs::Pruner pruner(m_client.get(), m_ours, cache.path());

        // Dry run: the two older web images are listed, nothing goes.
        auto dry = await(pruner.prune(policy, true));
        QVERIFY2(dry.has_value(), qPrintable(dry ? QString() : dry.error().message));
        QStringList listed;
        for (const OwnedImage &i : dry->images)
            listed << i.tags;
        listed.sort();
        QStringList older{web[0], web[1]};
        older.sort();
        QCOMPARE(listed, older);
        QCOMPARE(dry->repositories.size(), 1);
        for (const QString &ref : web)
            QVERIFY(exists(ref));
        QVERIFY(QFileInfo::exists(cache.filePath(QStringLiteral("repos/old-1111.git"))));

        auto done = await(pruner.prune(policy, false));
        QVERIFY2(done.has_value(), qPrintable(done ? QString() : done.error().message));
        QVERIFY2(done->problems.isEmpty(), qPrintable(done->problems.join(QLatin1Char('\n'))));
        QCOMPARE(done->images.size(), 2);
        QVERIFY(done->imageBytes() > 0);
        QVERIFY(!exists(web[0]));
        QVERIFY(!exists(web[1]));
        QVERIFY(exists(web[2])); // the newest of its repository
        QVERIFY(exists(*db));    // the only one of its repository
        QVERIFY(exists(*other)); // another engine's, though older than our newest
        QVERIFY(!QFileInfo::exists(cache.filePath(QStringLiteral("repos/old-1111.git"))));
        QVERIFY(!QFileInfo::exists(cache.filePath(QStringLiteral("worktrees/old-1111"))));
        QVERIFY(QFileInfo::exists(cache.filePath(QStringLiteral("repos/recent-2222.git/HEAD"))));
        QCOMPARE(done->repositories.size(), 1);
        QVERIFY(done->reclaimedBytes() >= done->imageBytes() + done->repositoryBytes());

        // With a week of age protection the remaining images are all too young to go.
        policy.keepImages = 0;
        policy.imageDays = 7;
        auto young = await(pruner.prune(policy, false));
        QVERIFY(young.has_value());
        QCOMPARE(young->images.size(), 0);
        QVERIFY(exists(web[2]));
    }

    void anImageInUseStays()
    {
        auto ref = build(m_ours, QStringLiteral("busy"), 0);
        QVERIFY(ref.has_value());
        QTest::qWait(1100);
        auto newer = build(m_ours, QStringLiteral("busy"), 1);
        QVERIFY(newer.has_value());
        QJsonObject config{
            {QStringLiteral("Image"), *ref},
            {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("true")}},
            {QStringLiteral("Labels"), QJsonObject{{QStringLiteral("reporunner.dev/test"), m_tag}}}};
        auto container = await(m_client->createContainer(QStringLiteral("prune-busy-") + m_tag, config));
        QVERIFY2(container.has_value(), qPrintable(container ? QString() : container.error().message));
        auto removeContainer = qScopeGuard([&] { await(m_client->removeContainer(*container, true)); });

        runs::RetentionPolicy policy;
        policy.keepImages = 1;
        policy.imageDays = 0;
        QTemporaryDir cache;
        runs::Pruner pruner(m_client.get(), m_ours, cache.path());
        auto done = await(pruner.prune(policy, false));
        QVERIFY(done.has_value());
        QVERIFY(exists(*ref)); // a (stopped) container still uses it
        QVERIFY(exists(*newer));
        QVERIFY(!done->problems.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPruneDocker)
#include "test_prune_docker.moc"
