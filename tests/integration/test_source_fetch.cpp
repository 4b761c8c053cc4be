// Fetcher against a real `git daemon` and a real `git http-backend` on 127.0.0.1.
#include "gatedproxy.h"
#include "gitserver.h"
#include "scratchrepo.h"
#include "testsupport.h"

#include "source/fetcher.h"
#include "source/githubmirror.h"
#include "source/sourcespecparser.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using rr::source::Checkout;
using rr::source::Fetcher;
using rr::source::FetchOptions;
using rr::source::SourceSpec;
using rr::source::SourceSpecParser;
using rr::test::GitServer;
using rr::test::readFile;
using rr::test::ScratchRepo;

namespace {

QByteArray randomBytes(qsizetype size)
{
    QByteArray data(size, Qt::Uninitialized);
    auto *words = reinterpret_cast<quint32 *>(data.data());
    QRandomGenerator::global()->fillRange(words, size / qsizetype(sizeof(quint32)));
    return data;
}

// Blocks the test (not product code) until the future is done, keeping the event loop alive.
template<class T> rr::core::Result<T> await(QFuture<rr::core::Result<T>> future)
{
    for (int i = 0; i < 1200 && !future.isFinished(); ++i)
        QTest::qWait(50);
    if (!future.isFinished())
        return rr::core::fail(rr::core::ErrorCategory::Internal, QStringLiteral("test.timeout"),
                              QStringLiteral("fetch did not finish"));
    return future.result();
}

} // namespace

class TestSourceFetch : public QObject
{
    Q_OBJECT

private:
    QString url(const QString &transport, const QString &repo) const
    {
        return transport == QLatin1String("http") ? m_server.httpUrl(repo) : m_server.daemonUrl(repo);
    }
    SourceSpec spec(const QString &input) const
    {
        const auto parsed = SourceSpecParser::parse(input);
        if (!parsed)
            qFatal("cannot parse %s: %s", qPrintable(input), qPrintable(parsed.error().message));
        return *parsed;
    }
    rr::core::Result<Checkout> fetch(const SourceSpec &s, FetchOptions options = {})
    {
        if (options.cacheDir.isEmpty())
            options.cacheDir = m_cache->path();
        Fetcher fetcher;
        return await(fetcher.fetch(s, options));
    }
    rr::core::Result<Checkout> fetch(const QString &input, FetchOptions options = {})
    {
        return fetch(spec(input), options);
    }
    // Web page forms (/tree/..., /commit/...) exist only on http(s) hosts; for git:// the same
    // request is made by copying what the parser took from the page URL.
    SourceSpec pageSpec(const QString &transport, const QString &repo, const QString &page) const
    {
        const SourceSpec web = spec(m_server.httpUrl(repo) + page);
        if (transport == QLatin1String("http"))
            return web;
        SourceSpec s = spec(m_server.daemonUrl(repo));
        s.ref = web.ref;
        s.subdir = web.subdir;
        s.refPath = web.refPath;
        s.refPathIsFile = web.refPathIsFile;
        s.refIsCommit = web.refIsCommit;
        return s;
    }

    GitServer m_server;
    std::unique_ptr<QTemporaryDir> m_cache;
    QString m_trunkFirst, m_trunkHead, m_mainHead, m_featureHead, m_parentHead, m_subHead;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.isValid());
        const QString root = m_server.root();

        // o/app: default branch "trunk" (not main); a "main" branch with other content; a branch
        // "feature/x" and a tag "feature", so /tree/feature/x/... is ambiguous by looking at it.
        ScratchRepo app(QStringLiteral("trunk"));
        m_trunkFirst = app.commit({{QStringLiteral("which.txt"), "trunk-v1"}});
        m_trunkHead = app.commit({{QStringLiteral("which.txt"), "trunk-v2"}});
        app.tag(QStringLiteral("feature"));
        app.createBranch(QStringLiteral("main"));
        m_mainHead = app.commit({{QStringLiteral("which.txt"), "main"}});
        app.switchTo(QStringLiteral("trunk"));
        app.createBranch(QStringLiteral("feature/x"));
        m_featureHead = app.commit({{QStringLiteral("which.txt"), "feature-x"},
                                    {QStringLiteral("sub/dir/compose.yaml"), "services: {}\n"},
                                    {QStringLiteral("sub/dir/Dockerfile"), "FROM scratch\n"}});
        app.switchTo(QStringLiteral("trunk"));
        QVERIFY2(app.publish(root + QStringLiteral("/o/app.git"), QStringLiteral("trunk")),
                 qPrintable(app.error()));

        // o/lib.git is a submodule of o/parent.git, recorded with a relative URL.
        ScratchRepo lib(QStringLiteral("develop"));
        m_subHead = lib.commit({{QStringLiteral("hello.txt"), "from the submodule"}});
        QVERIFY2(lib.publish(root + QStringLiteral("/o/lib.git"), QStringLiteral("develop")),
                 qPrintable(lib.error()));
        ScratchRepo parent(QStringLiteral("stable"));
        parent.commit({{QStringLiteral("README"), "parent"}});
        parent.addSubmodule(root + QStringLiteral("/o/lib.git"), QStringLiteral("vendor/lib"),
                            QStringLiteral("../lib.git"));
        m_parentHead = parent.commit({}, QStringLiteral("add submodule"));
        QVERIFY2(parent.publish(root + QStringLiteral("/o/parent.git"), QStringLiteral("stable")),
                 qPrintable(parent.error()));

        // o/foreign.git has the same submodule, recorded with another host's URL.
        ScratchRepo foreign(QStringLiteral("stable"));
        foreign.commit({{QStringLiteral("README"), "foreign"}});
        foreign.addSubmodule(root + QStringLiteral("/o/lib.git"), QStringLiteral("vendor/lib"),
                             QStringLiteral("https://elsewhere.invalid/o/lib.git"));
        foreign.commit({}, QStringLiteral("add a submodule from elsewhere"));
        QVERIFY2(foreign.publish(root + QStringLiteral("/o/foreign.git"), QStringLiteral("stable")),
                 qPrintable(foreign.error()));

        // o/big.git: incompressible content well above the size limits the tests set.
        ScratchRepo big(QStringLiteral("trunk"));
        big.commit({{QStringLiteral("blob.bin"), randomBytes(3 * 1024 * 1024)}});
        QVERIFY2(big.publish(root + QStringLiteral("/o/big.git"), QStringLiteral("trunk")),
                 qPrintable(big.error()));

        QVERIFY2(m_server.startDaemon(), qPrintable(m_server.errorString()));
        QVERIFY2(m_server.startHttp(), qPrintable(m_server.errorString()));
    }

    void init() { m_cache = std::make_unique<QTemporaryDir>(); }

    void transports_data()
    {
        QTest::addColumn<QString>("transport");
        QTest::newRow("git-daemon") << QStringLiteral("git");
        QTest::newRow("http-backend") << QStringLiteral("http");
    }

    void defaultBranchIsRemoteHead_data() { transports_data(); }
    void defaultBranchIsRemoteHead()
    {
        QFETCH(QString, transport);
        const auto checkout = fetch(url(transport, QStringLiteral("o/app.git")));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->defaultBranch, QStringLiteral("trunk"));
        QCOMPARE(checkout->ref, QStringLiteral("trunk"));
        QCOMPARE(checkout->commit, m_trunkHead);
        QCOMPARE(readFile(checkout->projectDir + QStringLiteral("/which.txt")), QByteArray("trunk-v2"));
        QCOMPARE(checkout->projectDir, checkout->worktree);
        QVERIFY(!QFile::exists(checkout->projectDir + QStringLiteral("/.git")));
    }

    // Clones and work trees hold private repositories' code: the cache folder is the user's only.
    void cacheIsPrivate()
    {
        FetchOptions options;
        options.cacheDir = m_cache->path() + QStringLiteral("/reporunner/git");
        const auto checkout = fetch(url(QStringLiteral("git"), QStringLiteral("o/app.git")), options);
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(options.cacheDir).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0700));
        QVERIFY(checkout->worktree.startsWith(options.cacheDir));
    }

    void branchWithSlash_data() { transports_data(); }
    void branchWithSlash()
    {
        QFETCH(QString, transport);
        SourceSpec s = spec(url(transport, QStringLiteral("o/app.git")));
        s.ref = QStringLiteral("feature/x");
        Fetcher fetcher;
        FetchOptions options;
        options.cacheDir = m_cache->path();
        const auto checkout = await(fetcher.fetch(s, options));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->ref, QStringLiteral("feature/x"));
        QCOMPARE(checkout->commit, m_featureHead);
        QCOMPARE(readFile(checkout->worktree + QStringLiteral("/which.txt")), QByteArray("feature-x"));
    }

    void treeUrlWithSubdir_data() { transports_data(); }
    void treeUrlWithSubdir()
    {
        QFETCH(QString, transport);
        // Without the remote's refs this could be tag "feature" + folder "x/sub/dir".
        const auto checkout =
            fetch(pageSpec(transport, QStringLiteral("o/app"), QStringLiteral("/tree/feature/x/sub/dir")));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->ref, QStringLiteral("feature/x"));
        QCOMPARE(checkout->spec.subdir, QStringLiteral("sub/dir"));
        QCOMPARE(checkout->commit, m_featureHead);
        QCOMPARE(checkout->projectDir, checkout->worktree + QStringLiteral("/sub/dir"));
        QCOMPARE(readFile(checkout->projectDir + QStringLiteral("/Dockerfile")),
                 QByteArray("FROM scratch\n"));

        // The tag alone also resolves, and its folder must exist.
        const auto tag =
            fetch(pageSpec(transport, QStringLiteral("o/app"), QStringLiteral("/tree/feature/nope")));
        QVERIFY(!tag.has_value());
        QCOMPARE(tag.error().code, QStringLiteral("source.subdir_missing"));
    }

    // A github.com page URL fetched through REPORUNNER_GITHUB_MIRROR (what the browser
    // extension's end-to-end test relies on): the /tree/<ref>/<path> split still uses the
    // mirror's refs.
    void githubUrlThroughMirror()
    {
        const QByteArray variable(rr::source::GitHubMirror::EnvironmentVariable);
        const auto restore = qScopeGuard([&] { qunsetenv(variable.constData()); });
        qputenv(variable.constData(),
                QStringLiteral("git://127.0.0.1:%1/").arg(m_server.daemonPort()).toUtf8());
        const auto checkout = fetch(QStringLiteral("https://github.com/o/app/tree/feature/x/sub/dir"));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->spec.owner, QStringLiteral("o"));
        QCOMPARE(checkout->spec.repo, QStringLiteral("app"));
        QCOMPARE(checkout->ref, QStringLiteral("feature/x"));
        QCOMPARE(checkout->spec.subdir, QStringLiteral("sub/dir"));
        QCOMPARE(checkout->commit, m_featureHead);
    }

    // A private repository: its http-backend demands a token. Without one the clone fails with
    // "authentication required" and what to do; with the token the fetcher is given, it clones,
    // and the token appears nowhere in the checkout, its remote URL or the error text.
    void privateRepositoryNeedsTheStoredToken()
    {
        const QString token = QStringLiteral("rr-test-token-0c7e51");
        GitServer gated;
        QVERIFY(gated.isValid());
        ScratchRepo repo(QStringLiteral("main"));
        const QString head = repo.commit({{QStringLiteral("compose.yaml"), "services: {}\n"}});
        QVERIFY2(repo.publish(gated.root() + QStringLiteral("/o/private.git"), QStringLiteral("main")),
                 qPrintable(repo.error()));
        QVERIFY2(gated.startHttp(token), qPrintable(gated.errorString()));
        const QString url = gated.httpUrl(QStringLiteral("o/private.git"));

        const auto refused = fetch(url);
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().code, QStringLiteral("source.auth_failed"));
        QVERIFY2(refused.error().message.contains(QStringLiteral("authentication required")),
                 qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains(QStringLiteral("reporunner auth login")));

        QStringList askedFor;
        Fetcher fetcher;
        fetcher.setTokenProvider([&askedFor, token](const QString &host) {
            askedFor << host;
            return token;
        });
        FetchOptions options;
        options.cacheDir = m_cache->path();
        const auto cloned = await(fetcher.fetch(spec(url), options));
        QVERIFY2(cloned.has_value(), qPrintable(cloned ? QString() : cloned.error().message));
        QCOMPARE(cloned->commit, head);
        QCOMPARE(askedFor.value(0), QStringLiteral("127.0.0.1"));
        QVERIFY(!cloned->spec.remoteUrl.contains(token));
        QDirIterator files(m_cache->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile f(files.next());
            if (f.size() < 1024 * 1024 && f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains(token.toUtf8()), qPrintable(f.fileName()));
        }

        // A wrong token is rejected once, with the same clear error, and not retried forever.
        Fetcher wrong;
        wrong.setTokenProvider([](const QString &) { return QStringLiteral("not-the-token"); });
        FetchOptions fresh;
        QTemporaryDir otherCache;
        fresh.cacheDir = otherCache.path();
        const auto rejected = await(wrong.fetch(spec(url), fresh));
        QVERIFY(!rejected.has_value());
        QCOMPARE(rejected.error().code, QStringLiteral("source.auth_failed"));
        QVERIFY(!rejected.error().message.contains(QStringLiteral("not-the-token")));
    }

    // A /blob/<ref>/<path> URL: the file's folder is the project, and the file is the one chosen.
    void blobUrlSelectsTheFile()
    {
        const auto checkout = fetch(pageSpec(QStringLiteral("http"), QStringLiteral("o/app"),
                                             QStringLiteral("/blob/feature/x/sub/dir/compose.yaml")));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->ref, QStringLiteral("feature/x"));
        QCOMPARE(checkout->spec.subdir, QStringLiteral("sub/dir"));
        QCOMPARE(checkout->selectedFile, QStringLiteral("compose.yaml"));
        QVERIFY(checkout->projectDir.endsWith(QStringLiteral("/sub/dir")));
        const auto tree = fetch(pageSpec(QStringLiteral("http"), QStringLiteral("o/app"),
                                         QStringLiteral("/tree/feature/x/sub/dir")));
        QVERIFY(tree.has_value());
        QVERIFY(tree->selectedFile.isEmpty());
    }

    // A run's identity is its commit: the engine asks what a ref names now without fetching.
    void remoteCommitWithoutFetching_data() { transports_data(); }
    void remoteCommitWithoutFetching()
    {
        QFETCH(QString, transport);
        ScratchRepo moving(QStringLiteral("trunk"));
        const QString first = moving.commit({{QStringLiteral("v"), "1"}});
        moving.git({QStringLiteral("tag"), QStringLiteral("-a"), QStringLiteral("v1"), QStringLiteral("-m"),
                    QStringLiteral("annotated")});
        const QString repo = QStringLiteral("o/moving-%1.git").arg(transport);
        QVERIFY2(moving.publish(m_server.root() + QLatin1Char('/') + repo, QStringLiteral("trunk")),
                 qPrintable(moving.error()));
        Fetcher fetcher;
        SourceSpec s = spec(url(transport, repo));
        auto head = await(fetcher.remoteCommit(s));
        QVERIFY2(head.has_value(), qPrintable(head ? QString() : head.error().message));
        QCOMPARE(*head, first);

        const QString second = moving.commit({{QStringLiteral("v"), "2"}});
        QVERIFY(moving.publish(m_server.root() + QLatin1Char('/') + repo, QStringLiteral("trunk")));
        s.ref = QStringLiteral("trunk");
        QCOMPARE(await(fetcher.remoteCommit(s)).value_or(QString()), second);
        s.ref = QStringLiteral("v1"); // the tag's commit, not the tag object
        QCOMPARE(await(fetcher.remoteCommit(s)).value_or(QString()), first);
        s.ref = QStringLiteral("nope");
        const auto missing = await(fetcher.remoteCommit(s));
        QVERIFY(!missing.has_value());
        QCOMPARE(missing.error().code, QStringLiteral("source.ref_not_found"));
        // Nothing was fetched: the default clone cache has no entry for it.
        const QStringList cached = QDir(Fetcher::defaultCacheDir() + QStringLiteral("/repos")).entryList();
        QVERIFY(cached.filter(QStringLiteral("moving")).isEmpty());
    }

    void pinnedCommit_data() { transports_data(); }
    void pinnedCommit()
    {
        QFETCH(QString, transport);
        SourceSpec s = spec(url(transport, QStringLiteral("o/app.git")));
        s.ref = m_trunkFirst;
        s.refIsCommit = true;
        Fetcher fetcher;
        FetchOptions options;
        options.cacheDir = m_cache->path();
        const auto checkout = await(fetcher.fetch(s, options));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->commit, m_trunkFirst);
        QVERIFY(checkout->ref.isEmpty());
        QCOMPARE(readFile(checkout->projectDir + QStringLiteral("/which.txt")), QByteArray("trunk-v1"));

        // A short id from a /commit/ URL resolves to the same commit.
        const auto shortId = fetch(
            pageSpec(transport, QStringLiteral("o/app"), QStringLiteral("/commit/") + m_trunkFirst.left(10)));
        QVERIFY2(shortId.has_value(), qPrintable(shortId ? QString() : shortId.error().message));
        QCOMPARE(shortId->commit, m_trunkFirst);
    }

    void submodule_data() { transports_data(); }
    void submodule()
    {
        QFETCH(QString, transport);
        const auto checkout = fetch(url(transport, QStringLiteral("o/parent.git")));
        QVERIFY2(checkout.has_value(), qPrintable(checkout ? QString() : checkout.error().message));
        QCOMPARE(checkout->defaultBranch, QStringLiteral("stable"));
        QCOMPARE(checkout->commit, m_parentHead);
        QCOMPARE(readFile(checkout->worktree + QStringLiteral("/vendor/lib/hello.txt")),
                 QByteArray("from the submodule"));

        FetchOptions noSubmodules;
        noSubmodules.submodules = false;
        const auto without = fetch(url(transport, QStringLiteral("o/parent.git")), noSubmodules);
        QVERIFY(without.has_value());
        QVERIFY(!QFile::exists(without->worktree + QStringLiteral("/vendor/lib/hello.txt")));
    }

    // A submodule on another host than its repository is refused before anything is fetched.
    void submoduleOnAnotherHostIsRefused_data() { transports_data(); }
    void submoduleOnAnotherHostIsRefused()
    {
        QFETCH(QString, transport);
        const auto checkout = fetch(url(transport, QStringLiteral("o/foreign.git")));
        QVERIFY(!checkout.has_value());
        QCOMPARE(checkout.error().code, QStringLiteral("source.submodule_refused"));
        QVERIFY2(checkout.error().message.contains(QLatin1String("elsewhere.invalid")),
                 qPrintable(checkout.error().message));
        QVERIFY(!QDir(m_cache->path() + QStringLiteral("/repos"))
                     .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                     .join(QLatin1Char(' '))
                     .contains(QLatin1String("lib")));
    }

    // What a checkout unpacks to is capped too, in bytes and in files, submodules included.
    void checkoutCapsRefuse()
    {
        FetchOptions options;
        options.maxCheckoutBytes = 1024 * 1024; // o/big holds a 3 MiB blob
        auto checkout = fetch(url(QStringLiteral("git"), QStringLiteral("o/big.git")), options);
        QVERIFY(!checkout.has_value());
        QCOMPARE(checkout.error().code, QStringLiteral("source.checkout_too_large"));
        QVERIFY(!QDir(m_cache->path() + QStringLiteral("/worktrees")).exists());

        // parent has README and .gitmodules, its submodule hello.txt: three files in all.
        FetchOptions files;
        files.maxCheckoutFiles = 2;
        checkout = fetch(url(QStringLiteral("git"), QStringLiteral("o/parent.git")), files);
        QVERIFY(!checkout.has_value());
        QCOMPARE(checkout.error().code, QStringLiteral("source.checkout_too_large"));
        files.maxCheckoutFiles = 3;
        QVERIFY(fetch(url(QStringLiteral("git"), QStringLiteral("o/parent.git")), files).has_value());
    }

    void sizeLimitRefuses_data() { transports_data(); }
    void sizeLimitRefuses()
    {
        QFETCH(QString, transport);
        FetchOptions options;
        options.maxBytes = 512 * 1024;
        const auto checkout = fetch(url(transport, QStringLiteral("o/big.git")), options);
        QVERIFY(!checkout.has_value());
        QCOMPARE(checkout.error().category, rr::core::ErrorCategory::Source);
        QCOMPARE(checkout.error().code, QStringLiteral("source.too_large"));
        QVERIFY2(checkout.error().message.contains(QLatin1String("512 KiB")),
                 qPrintable(checkout.error().message));
        QVERIFY(!QDir(m_cache->path() + QStringLiteral("/worktrees")).exists());

        // The same repository fits a larger limit.
        options.maxBytes = 64 * 1024 * 1024;
        QVERIFY(fetch(url(transport, QStringLiteral("o/big.git")), options).has_value());
    }

    void cacheIsReusedAndIncremental()
    {
        ScratchRepo work(QStringLiteral("line"));
        for (int i = 0; i < 20; ++i)
            work.commit({{QStringLiteral("f%1.txt").arg(i), QByteArray::number(i)}});
        const QString bare = m_server.root() + QStringLiteral("/o/moving.git");
        QVERIFY2(work.publish(bare, QStringLiteral("line")), qPrintable(work.error()));
        const QString input = m_server.daemonUrl(QStringLiteral("o/moving.git"));

        Fetcher fetcher;
        QSignalSpy progressSpy(&fetcher, &Fetcher::progress);
        FetchOptions options;
        options.cacheDir = m_cache->path();
        const auto first = await(fetcher.fetch(spec(input), options));
        QVERIFY2(first.has_value(), qPrintable(first ? QString() : first.error().message));
        QVERIFY(first->receivedObjects >= 60); // 20 commits, 20 trees, 20 blobs
        QVERIFY(!first->reusedWorktree);
        QTRY_VERIFY(!progressSpy.isEmpty());
        QVERIFY(progressSpy.last().at(0).toLongLong() > 0);

        const auto second = await(fetcher.fetch(spec(input), options));
        QVERIFY(second.has_value());
        QCOMPARE(second->commit, first->commit);
        QCOMPARE(second->receivedObjects, 0);
        QVERIFY(second->reusedWorktree);
        QCOMPARE(second->worktree, first->worktree);

        const QString next = work.commit({{QStringLiteral("new.txt"), "new"}});
        QVERIFY(work.publish(bare, QStringLiteral("line")));
        const auto third = await(fetcher.fetch(spec(input), options));
        QVERIFY(third.has_value());
        QCOMPARE(third->commit, next);
        QVERIFY(third->receivedObjects > 0);
        QVERIFY(third->receivedObjects <= 4); // commit, tree, blob: only what changed
        QCOMPARE(readFile(third->projectDir + QStringLiteral("/new.txt")), QByteArray("new"));
    }

    void cancelStopsTransfer()
    {
        // The proxy lets 256 KiB of the 3 MiB pack through, then holds the rest: the transfer is in flight.
        rr::test::GatedProxy proxy(quint16(m_server.daemonPort()), 256 * 1024);
        QVERIFY(proxy.listen());
        Fetcher fetcher;
        QSignalSpy progressSpy(&fetcher, &Fetcher::progress);
        FetchOptions options;
        options.cacheDir = m_cache->path();
        auto future =
            fetcher.fetch(spec(QStringLiteral("git://127.0.0.1:%1/o/big.git").arg(proxy.port())), options);
        QTRY_VERIFY_WITH_TIMEOUT(!progressSpy.isEmpty() && progressSpy.last().at(0).toLongLong() > 0, 30000);
        QVERIFY(!future.isFinished());
        fetcher.cancel();
        proxy.release();
        const auto result = await(future);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, rr::core::ErrorCategory::Cancelled);
        QCOMPARE(result.error().code, QStringLiteral("source.cancelled"));
        QVERIFY(!QDir(m_cache->path() + QStringLiteral("/worktrees")).exists());
    }

    void localFolder()
    {
        QTemporaryDir plain;
        rr::test::writeTree(plain.path(), {{QStringLiteral("svc/Dockerfile"), "FROM scratch\n"}});
        SourceSpec s = spec(plain.path());
        s.subdir = QStringLiteral("svc");
        Fetcher fetcher;
        const auto checkout = await(fetcher.fetch(s));
        QVERIFY(checkout.has_value());
        QCOMPARE(checkout->projectDir, QDir(plain.path()).canonicalPath() + QStringLiteral("/svc"));
        QVERIFY(checkout->commit.isEmpty());

        ScratchRepo repo(QStringLiteral("work"));
        const QString head = repo.commit({{QStringLiteral("a.txt"), "a"}});
        const auto git = await(fetcher.fetch(spec(QStringLiteral("file://") + repo.path())));
        QVERIFY(git.has_value());
        QCOMPARE(git->commit, head);
        QCOMPARE(git->ref, QStringLiteral("work"));
        QCOMPARE(git->projectDir, QDir(repo.path()).canonicalPath());
    }
};

QTEST_GUILESS_MAIN(TestSourceFetch)
#include "test_source_fetch.moc"
