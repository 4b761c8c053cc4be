// Detection before a click (issue 11): `detect` reads GitHub's file list through the REST API
// (a stand-in on 127.0.0.1), never clones; falls back to a bounded fetch when the API fails;
// stops asking while the rate limit is used up.
#include "control/remotedetector.h"
#include "control/runcontrolhandler.h"
#include "core/promises.h"
#include "ipc/protocol.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"
#include "source/sourcespecparser.h"

#include "githubapistandin.h"
#include "gitserver.h"
#include "scratchrepo.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::GitHubApiStandIn;

namespace {

template<class T> T await(QFuture<T> future)
{
    QDeadlineTimer deadline(60000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!future.isFinished())
        qFatal("no answer within a minute");
    return future.result();
}

} // namespace

class TestDetectRemote : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    test::GitServer m_git;
    test::ScratchRepo m_repo{QStringLiteral("main")};
    GitHubApiStandIn m_api;
    QString m_commit;

    // Fallback clones land here; nothing may appear in it unless the fallback ran.
    QString cacheDir() const { return m_dir.filePath(QStringLiteral("cache")); }
    bool cloned() const
    {
        return !QDir(cacheDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty();
    }

    core::Result<control::RemoteDetection> detect(control::RemoteDetector &detector, const QString &url)
    {
        auto spec = source::SourceSpecParser::parse(url);
        if (!spec)
            return core::Unexpected(spec.error());
        return await(detector.detect(*spec));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_git.startDaemon(), qPrintable(m_git.errorString()));
        QVERIFY(m_api.listen());
        m_repo.commit(
            {{QStringLiteral("compose.yaml"),
              "services:\n  web:\n    build: .\n  api:\n    image: busybox\n  db:\n    image: busybox\n"},
             {QStringLiteral("Dockerfile"), "FROM busybox\n"},
             {QStringLiteral("src/main.txt"), "hello\n"}});
        QVERIFY2(m_repo.ok(), qPrintable(m_repo.error()));
        QVERIFY(m_repo.publish(m_git.root() + QStringLiteral("/octo/app.git"), QStringLiteral("main")));
        QVERIFY(m_repo.publish(m_git.root() + QStringLiteral("/plain/app.git"), QStringLiteral("main")));
        m_commit = m_api.serveRepository(QStringLiteral("octo"), QStringLiteral("app"), m_repo,
                                         QStringLiteral("main"));
        QCOMPARE(m_commit.size(), 40);
        // github.com's git side is the daemon, its API the stand-in.
        qputenv("REPORUNNER_GITHUB_MIRROR", m_git.daemonUrl(QString()).toUtf8());
        qputenv("REPORUNNER_GITHUB_API", m_api.base().toUtf8());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("xdg-cache"))));
    }

    void init()
    {
        m_api.clearOverride();
        m_api.clearRequests();
    }

    void detectReadsTheTreeListingAndClonesNothing()
    {
        runs::RunStore store(m_dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(await(store.open()).has_value());
        source::Fetcher fetcher;
        runs::Orchestrator orchestrator(&store, &fetcher, nullptr, nullptr, nullptr);
        control::RunControlHandler handler(&orchestrator, &fetcher);
        handler.remoteDetector()->setFallbackCacheDir(cacheDir());
        handler.remoteDetector()->setTokenLookup([](const QString &host) {
            return core::promises::ready(host == QLatin1String("github.com") ? QStringLiteral("tok-123")
                                                                             : QString());
        });

        const int connectionsBefore = m_git.daemonConnections();
        auto answer = await(
            handler.handle(ipc::method::Detect,
                           {{QStringLiteral("source"), QStringLiteral("https://github.com/octo/app")}}));
        QVERIFY2(answer.has_value(), qPrintable(answer ? QString() : answer.error().message));
        const QJsonObject out = answer->toObject();
        QCOMPARE(out.value(QStringLiteral("via")).toString(), QStringLiteral("api"));
        QCOMPARE(out.value(QStringLiteral("commit")).toString(), m_commit);
        QVERIFY(out.value(QStringLiteral("compose")).toBool());
        QVERIFY(out.value(QStringLiteral("dockerfile")).toBool());
        QCOMPARE(out.value(QStringLiteral("services")).toArray(),
                 (QJsonArray{QStringLiteral("web"), QStringLiteral("api"), QStringLiteral("db")}));
        // Exactly the API's answers were used: repository, commit, tree, compose contents.
        QCOMPARE(
            m_api.requests(),
            (QStringList{QStringLiteral("/repos/octo/app"), QStringLiteral("/repos/octo/app/commits/main"),
                         QStringLiteral("/repos/octo/app/git/trees/%1?recursive=1").arg(m_commit),
                         QStringLiteral("/repos/octo/app/contents/compose.yaml?ref=%1").arg(m_commit)}));
        for (const QByteArray &authorization : m_api.authorizations())
            QCOMPARE(authorization, QByteArray("Bearer tok-123"));
        // No clone before Start: the git server saw nobody, the cache holds nothing.
        QCOMPARE(m_git.daemonConnections(), connectionsBefore);
        QVERIFY(!cloned());
    }

    void answersAreCachedPerCommit()
    {
        source::Fetcher fetcher;
        control::RemoteDetector detector(&fetcher);
        detector.setFallbackCacheDir(cacheDir());
        QVERIFY(detect(detector, QStringLiteral("https://github.com/octo/app/tree/main")).has_value());
        QCOMPARE(m_api.requests().size(), 3); // the commit, the tree, the compose file
        m_api.clearRequests();
        // The branch is asked again (it may have moved), the commit's files are not.
        auto again = detect(detector, QStringLiteral("https://github.com/octo/app/tree/main"));
        QVERIFY(again.has_value());
        QCOMPARE(again->detection.composeServices.size(), 3);
        QCOMPARE(m_api.requests(), QStringList{QStringLiteral("/repos/octo/app/commits/main")});
        // A pinned commit needs no request at all.
        m_api.clearRequests();
        auto pinned = detect(detector, QStringLiteral("https://github.com/octo/app/commit/%1").arg(m_commit));
        QVERIFY(pinned.has_value());
        QCOMPARE(pinned->commit, m_commit);
        QVERIFY(m_api.requests().isEmpty());
        QVERIFY(m_api.authorizations().isEmpty()); // no token lookup: none was offered
    }

    void fallsBackToABoundedFetchWhenTheApiFails()
    {
        m_api.setOverride({500, "{\"message\":\"Server Error\"}", {}});
        source::Fetcher fetcher;
        control::RemoteDetector detector(&fetcher);
        detector.setFallbackCacheDir(cacheDir());
        const int connectionsBefore = m_git.daemonConnections();
        auto found = detect(detector, QStringLiteral("https://github.com/octo/app"));
        QVERIFY2(found.has_value(), qPrintable(found ? QString() : found.error().message));
        QCOMPARE(found->via, QStringLiteral("fetch"));
        QCOMPARE(found->commit, m_commit);
        QCOMPARE(found->detection.composeServices,
                 (QStringList{QStringLiteral("web"), QStringLiteral("api"), QStringLiteral("db")}));
        QCOMPARE(m_api.requests(), QStringList{QStringLiteral("/repos/octo/app")}); // tried once
        QVERIFY(m_git.daemonConnections() > connectionsBefore);
        QVERIFY(cloned());
    }

    void theRateLimitGivesAClearErrorAndNoFurtherRequest_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("403 remaining 0") << 403 << QByteArray("X-RateLimit-Reset")
                                         << QByteArray::number(QDateTime::currentSecsSinceEpoch() + 3600);
        QTest::newRow("429 retry-after") << 429 << QByteArray("Retry-After") << QByteArray("120");
    }
    void theRateLimitGivesAClearErrorAndNoFurtherRequest()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        m_api.setOverride({status,
                           "{\"message\":\"API rate limit exceeded\"}",
                           {{"X-RateLimit-Remaining", "0"}, {header, value}}});
        source::Fetcher fetcher;
        control::RemoteDetector detector(&fetcher);
        const QString otherCache = m_dir.filePath(QStringLiteral("cache-%1").arg(status));
        detector.setFallbackCacheDir(otherCache);
        const int connectionsBefore = m_git.daemonConnections();
        auto limited = detect(detector, QStringLiteral("https://github.com/octo/app"));
        QVERIFY(!limited.has_value());
        QCOMPARE(limited.error().code, QStringLiteral("github.rate_limited"));
        QVERIFY2(limited.error().message.contains(QStringLiteral("rate limit")),
                 qPrintable(limited.error().message));
        QCOMPARE(m_api.requests().size(), 1);
        // The API answers again, but the reset time has not come: nothing is sent, nothing cloned.
        m_api.clearOverride();
        auto still = detect(detector, QStringLiteral("https://github.com/octo/app/tree/main"));
        QVERIFY(!still.has_value());
        QCOMPARE(still.error().code, QStringLiteral("github.rate_limited"));
        QCOMPARE(m_api.requests().size(), 1);
        QCOMPARE(m_git.daemonConnections(), connectionsBefore);
        QVERIFY(!QFileInfo::exists(otherCache));
    }

    void aNonGitHubSourceIsFetchedWithoutTheApi()
    {
        source::Fetcher fetcher;
        control::RemoteDetector detector(&fetcher);
        detector.setFallbackCacheDir(m_dir.filePath(QStringLiteral("cache-plain")));
        auto found =
            detect(detector, QStringLiteral("git://localhost:%1/plain/app.git").arg(m_git.daemonPort()));
        QVERIFY2(found.has_value(), qPrintable(found ? QString() : found.error().message));
        QCOMPARE(found->via, QStringLiteral("fetch"));
        QVERIFY(m_api.requests().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDetectRemote)
#include "test_detect_remote.moc"
