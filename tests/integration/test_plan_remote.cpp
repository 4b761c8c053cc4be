// `plan` before Start (issue 11): a GitHub repository is planned from its file list and the few
// files the planner reads, fetched through the REST API (a stand-in on 127.0.0.1), never cloned;
// the answer is the one planning the same files locally gives. The API failing falls back to a
// bounded fetch and says so; its rate limit, a hostile file list and too many files are refused.
#include "control/remotedetector.h"
#include "control/remoteplanner.h"
#include "control/runcontrolhandler.h"
#include "ipc/protocol.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"

#include "githubapistandin.h"
#include "gitserver.h"
#include "scratchrepo.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
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

const QByteArray Compose = "services:\n"
                           "  web:\n"
                           "    build: ./web\n"
                           "    env_file: app.env\n"
                           "    ports:\n"
                           "      - \"8080:80\"\n"
                           "    volumes:\n"
                           "      - ./config:/etc/app:ro\n"
                           "      - ./static/index.html:/srv/index.html\n"
                           "      - ./current:/cur\n"
                           "      - ./missing:/data\n"
                           "      - ./big:/big\n"
                           "      - ./escape:/host\n"
                           "    depends_on: [cache]\n"
                           "  cache:\n"
                           "    image: busybox\n"
                           "    environment:\n"
                           "      MODE: ${MODE}\n"
                           "    ports:\n"
                           "      - \"6379\"\n";

QString json(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("v"), value}}).toJson());
}

QString imageOf(const QJsonObject &plan, int service)
{
    return plan.value(QStringLiteral("services"))
        .toArray()
        .at(service)
        .toObject()
        .value(QStringLiteral("image"))
        .toString();
}

QJsonArray withoutImages(QJsonArray services)
{
    for (auto it = services.begin(); it != services.end(); ++it) {
        QJsonObject s = it->toObject();
        s.remove(QStringLiteral("image"));
        *it = s;
    }
    return services;
}

} // namespace

class TestPlanRemote : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    test::GitServer m_git;
    test::ScratchRepo m_repo{QStringLiteral("main")};
    test::ScratchRepo m_many{QStringLiteral("main")};
    GitHubApiStandIn m_api;
    QString m_commit;
    std::unique_ptr<runs::RunStore> m_store;

    QString cacheDir() const { return m_dir.filePath(QStringLiteral("cache")); }
    bool cloned() const
    {
        return !QDir(cacheDir()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty();
    }

    struct Engine
    {
        source::Fetcher fetcher;
        runs::Orchestrator orchestrator;
        control::RunControlHandler handler;
        Engine(runs::RunStore *store, const QString &cache, const QString &snapshots)
            : orchestrator(store, &fetcher, nullptr, nullptr, nullptr)
            , handler(&orchestrator, &fetcher)
        {
            handler.remoteDetector()->setFallbackCacheDir(cache);
            handler.remotePlanner()->setSnapshotParent(snapshots);
        }
        ipc::HandlerResult plan(const QString &source)
        {
            return await(handler.handle(ipc::method::Plan, {{QStringLiteral("source"), source}}));
        }
    };
    std::unique_ptr<Engine> engine()
    {
        return std::make_unique<Engine>(m_store.get(), cacheDir(),
                                        m_dir.filePath(QStringLiteral("snapshots")));
    }

    int contentsRequests() const
    {
        int n = 0;
        for (const QString &r : m_api.requests())
            n += r.contains(QLatin1String("/contents/"));
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("snapshots")));
        QVERIFY2(m_git.startDaemon(), qPrintable(m_git.errorString()));
        QVERIFY(m_api.listen());
        QByteArray big;
        while (big.size() < 600 * 1024)
            big += "a line of a large file that is baked into the image rather than a ConfigMap\n";
        QVERIFY(QFile::link(QStringLiteral("config"), m_repo.path() + QStringLiteral("/current")));
        QVERIFY(QFile::link(QStringLiteral("/etc"), m_repo.path() + QStringLiteral("/escape")));
        m_repo.commit({{QStringLiteral("compose.yaml"), Compose},
                       {QStringLiteral(".env"), "MODE=fast\n"},
                       {QStringLiteral("app.env"), "GREETING=hello\n"},
                       {QStringLiteral("web/Dockerfile"), "FROM busybox\nEXPOSE 80\nCOPY . /srv\n"},
                       {QStringLiteral("config/app.conf"), "listen 80\n"},
                       {QStringLiteral("config/more.conf"), "workers 2\n"},
                       {QStringLiteral("static/index.html"), "<p>hello</p>\n"},
                       {QStringLiteral("big/blob.txt"), big},
                       {QStringLiteral("src/other.txt"), "never read\n"}});
        QVERIFY2(m_repo.ok(), qPrintable(m_repo.error()));
        QVERIFY(m_repo.publish(m_git.root() + QStringLiteral("/octo/app.git"), QStringLiteral("main")));
        m_commit = m_api.serveRepository(QStringLiteral("octo"), QStringLiteral("app"), m_repo,
                                         QStringLiteral("main"));

        // A bind mount of a folder of 45 small files: more than a plan reads before Start.
        QMap<QString, QByteArray> many{{QStringLiteral("compose.yaml"),
                                        "services:\n  app:\n    image: busybox\n    volumes:\n"
                                        "      - ./files:/files\n"}};
        for (int i = 0; i < 45; ++i)
            many.insert(QStringLiteral("files/f%1.txt").arg(i), "x\n");
        m_many.commit(many);
        QVERIFY2(m_many.ok(), qPrintable(m_many.error()));
        QVERIFY(m_many.publish(m_git.root() + QStringLiteral("/octo/many.git"), QStringLiteral("main")));
        m_api.serveRepository(QStringLiteral("octo"), QStringLiteral("many"), m_many, QStringLiteral("main"));

        qputenv("REPORUNNER_GITHUB_MIRROR", m_git.daemonUrl(QString()).toUtf8());
        qputenv("REPORUNNER_GITHUB_API", m_api.base().toUtf8());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("xdg-cache"))));
        m_store = std::make_unique<runs::RunStore>(m_dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(await(m_store->open()).has_value());
    }

    void init()
    {
        m_api.clearOverride();
        m_api.clearRequests();
    }

    void planReadsOnlyWhatThePlannerNeedsAndClonesNothing()
    {
        auto e = engine();
        const int connectionsBefore = m_git.daemonConnections();
        const auto remote = e->plan(QStringLiteral("https://github.com/octo/app"));
        QVERIFY2(remote.has_value(), qPrintable(remote ? QString() : remote.error().toString()));
        const QJsonObject out = remote->toObject();
        QCOMPARE(out.value(QStringLiteral("via")).toString(), QStringLiteral("api"));
        QCOMPARE(out.value(QStringLiteral("commit")).toString(), m_commit);
        QCOMPARE(out.value(QStringLiteral("ref")).toString(), QStringLiteral("main"));

        // No clone before Start: the git server saw nobody, the clone cache holds nothing.
        QCOMPARE(m_git.daemonConnections(), connectionsBefore);
        QVERIFY(!cloned());
        // Only the files the planner reads were fetched: not the large bind mount's, not src/.
        QStringList fetched;
        for (const QString &r : m_api.requests())
            if (r.contains(QLatin1String("/contents/")))
                fetched << r.section(QStringLiteral("/contents/"), 1).section(QLatin1Char('?'), 0, 0);
        fetched.sort();
        QCOMPARE(fetched, (QStringList{QStringLiteral(".env"), QStringLiteral("app.env"),
                                       QStringLiteral("compose.yaml"), QStringLiteral("config/app.conf"),
                                       QStringLiteral("config/more.conf"), QStringLiteral("current"),
                                       QStringLiteral("escape"), QStringLiteral("static/index.html"),
                                       QStringLiteral("web/Dockerfile")}));
        // The planning folder is private.
        const QString folder = out.value(QStringLiteral("projectDir")).toString();
        QVERIFY(folder.startsWith(m_dir.filePath(QStringLiteral("snapshots"))));
        QCOMPARE(QFileInfo(folder).permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::ExeOther),
                 QFileDevice::Permissions());

        // A clone of the same commit planned on disk gives the same answer...
        m_api.setOverride({500, "{\"message\":\"Server Error\"}", {}});
        auto c = engine();
        c->handler.remoteDetector()->setFallbackCacheDir(m_dir.filePath(QStringLiteral("cache-compare")));
        const auto clone = c->plan(QStringLiteral("https://github.com/octo/app"));
        m_api.clearOverride();
        QVERIFY2(clone.has_value(), qPrintable(clone ? QString() : clone.error().toString()));
        const QJsonObject there = clone->toObject();
        QCOMPARE(there.value(QStringLiteral("via")).toString(), QStringLiteral("fetch"));
        for (const char *key :
             {"commit", "ref", "mode", "services", "catalog", "profiles", "refused", "report"})
            QCOMPARE(json(out.value(QLatin1String(key))), json(there.value(QLatin1String(key))));
        // ... and so does the working folder it was committed from (named after its folder).
        const auto local = e->plan(m_repo.path());
        QVERIFY2(local.has_value(), qPrintable(local ? QString() : local.error().toString()));
        const QJsonObject here = local->toObject();
        QCOMPARE(here.value(QStringLiteral("via")).toString(), QStringLiteral("local"));
        QString localReport = json(here.value(QStringLiteral("report")));
        for (int i = 0; i < 2; ++i) // its images are named after the folder, not octo/app
            localReport.replace(imageOf(here, i), imageOf(out, i));
        QCOMPARE(json(out.value(QStringLiteral("report"))), localReport);
        QCOMPARE(json(withoutImages(out.value(QStringLiteral("services")).toArray())),
                 json(withoutImages(here.value(QStringLiteral("services")).toArray())));
        const QByteArray remoteReport = json(out.value(QStringLiteral("report"))).toUtf8();
        // The report judged every bind mount as a checkout would: copied, symlinked, missing,
        // too large for a ConfigMap, refused.
        for (const char *line :
             {"repository folder './config' copied", "repository file './static/index.html' copied",
              "repository folder './current' copied", "'./missing' does not exist", "'./big' holds more than",
              "would give the container control of the host"})
            QVERIFY2(remoteReport.contains(line), line);
        // And the ConfigMaps hold the files' real contents.
        QVERIFY(
            QJsonDocument(out.value(QStringLiteral("manifests")).toArray()).toJson().contains("listen 80"));

        // Planning the same commit again fetches no file a second time.
        m_api.clearRequests();
        QVERIFY(e->plan(QStringLiteral("https://github.com/octo/app")).has_value());
        QCOMPARE(contentsRequests(), 0);
        QVERIFY(!cloned());
    }

    void theApiFailingFallsBackToABoundedFetchAndSaysSo()
    {
        m_api.setOverride({500, "{\"message\":\"Server Error\"}", {}});
        auto e = engine();
        const QString cache = m_dir.filePath(QStringLiteral("cache-fallback"));
        e->handler.remoteDetector()->setFallbackCacheDir(cache);
        const int connectionsBefore = m_git.daemonConnections();
        const auto planned = e->plan(QStringLiteral("https://github.com/octo/app"));
        QVERIFY2(planned.has_value(), qPrintable(planned ? QString() : planned.error().toString()));
        const QJsonObject out = planned->toObject();
        QCOMPARE(out.value(QStringLiteral("via")).toString(), QStringLiteral("fetch"));
        QVERIFY(out.value(QStringLiteral("fallback")).toString().contains(QLatin1String("HTTP 500")));
        QCOMPARE(out.value(QStringLiteral("commit")).toString(), m_commit);
        QCOMPARE(out.value(QStringLiteral("services")).toArray().size(), 2);
        QVERIFY(m_git.daemonConnections() > connectionsBefore);
        QVERIFY(!QDir(cache).isEmpty());
    }

    void theRateLimitIsAnErrorNotAClone()
    {
        m_api.setOverride(
            {403,
             "{\"message\":\"API rate limit exceeded\"}",
             {{"X-RateLimit-Remaining", "0"},
              {"X-RateLimit-Reset", QByteArray::number(QDateTime::currentSecsSinceEpoch() + 3600)}}});
        auto e = engine();
        e->handler.remoteDetector()->setFallbackCacheDir(m_dir.filePath(QStringLiteral("cache-limited")));
        const int connectionsBefore = m_git.daemonConnections();
        const auto planned = e->plan(QStringLiteral("https://github.com/octo/app"));
        QVERIFY(!planned.has_value());
        QCOMPARE(planned.error().code, QStringLiteral("github.rate_limited"));
        QCOMPARE(m_git.daemonConnections(), connectionsBefore);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("cache-limited"))));
    }

    void hostileTreesAreRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("type");
        QTest::addColumn<double>("size");
        QTest::addColumn<QString>("code");
        QTest::newRow("dot-dot") << QStringLiteral("../outside/compose.yaml") << QStringLiteral("blob")
                                 << 10.0 << QStringLiteral("source.tree_unsafe");
        QTest::newRow("inner dot-dot") << QStringLiteral("a/../../etc/passwd") << QStringLiteral("blob")
                                       << 10.0 << QStringLiteral("source.tree_unsafe");
        QTest::newRow("absolute") << QStringLiteral("/etc/passwd") << QStringLiteral("blob") << 10.0
                                  << QStringLiteral("source.tree_unsafe");
        QTest::newRow("dot-git") << QStringLiteral(".git/hooks/post-checkout") << QStringLiteral("blob")
                                 << 10.0 << QStringLiteral("source.tree_unsafe");
        // A 100 MB compose file: the loader refuses it by its size; its bytes are never asked for.
        QTest::newRow("huge compose") << QStringLiteral("compose.yaml") << QStringLiteral("blob") << 1.0e8
                                      << QStringLiteral("compose.file.too_large");
    }
    void hostileTreesAreRefused()
    {
        QFETCH(QString, path);
        QFETCH(QString, type);
        QFETCH(double, size);
        QFETCH(QString, code);
        const QString commit(40, QLatin1Char('e'));
        const QString repo = QStringLiteral("/repos/evil/%1")
                                 .arg(QString::fromLatin1(QTest::currentDataTag()))
                                 .replace(QLatin1Char(' '), QLatin1Char('-'));
        m_api.setAnswer(repo, {200, "{\"default_branch\":\"main\"}", {}});
        m_api.setAnswer(repo + QStringLiteral("/commits/main"), {200, commit.toLatin1(), {}});
        const QJsonArray tree{QJsonObject{{QStringLiteral("path"), QStringLiteral("Dockerfile")},
                                          {QStringLiteral("mode"), QStringLiteral("100644")},
                                          {QStringLiteral("type"), QStringLiteral("blob")},
                                          {QStringLiteral("size"), 20}},
                              QJsonObject{{QStringLiteral("path"), path},
                                          {QStringLiteral("mode"), QStringLiteral("100644")},
                                          {QStringLiteral("type"), type},
                                          {QStringLiteral("size"), size}}};
        m_api.setAnswer(
            repo + QStringLiteral("/git/trees/%1?recursive=1").arg(commit),
            {200,
             QJsonDocument(QJsonObject{{QStringLiteral("tree"), tree}, {QStringLiteral("truncated"), false}})
                 .toJson(),
             {}});
        auto e = engine();
        const int connectionsBefore = m_git.daemonConnections();
        const auto planned = e->plan(QStringLiteral("https://github.com") + repo.mid(6));
        QVERIFY(!planned.has_value());
        QCOMPARE(planned.error().code, code);
        QVERIFY2(!planned.error().message.isEmpty(), "a clear error");
        QCOMPARE(contentsRequests(), 0);
        QCOMPARE(m_git.daemonConnections(), connectionsBefore);
        QVERIFY(!cloned());
    }

    void tooManyFilesAreRefused()
    {
        auto e = engine();
        const int connectionsBefore = m_git.daemonConnections();
        const auto planned = e->plan(QStringLiteral("https://github.com/octo/many"));
        QVERIFY(!planned.has_value());
        QCOMPARE(planned.error().code, QStringLiteral("source.remote_plan_too_large"));
        QVERIFY2(planned.error().message.contains(QLatin1String("Start")),
                 qPrintable(planned.error().message));
        // Only the compose file was read; the folder's files were counted, not fetched.
        QCOMPARE(contentsRequests(), 1);
        QCOMPARE(m_git.daemonConnections(), connectionsBefore);
        QVERIFY(!cloned());
    }
};

QTEST_GUILESS_MAIN(TestPlanRemote)
#include "test_plan_remote.moc"
