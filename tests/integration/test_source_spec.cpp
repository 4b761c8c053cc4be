// SourceSpecParser and RefResolver: every accepted form of PRODUCT.md §3 and bad input.
#include "source/githubmirror.h"
#include "source/refresolver.h"
#include "source/sourcespecparser.h"

#include <QDir>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using rr::source::RefResolver;
using rr::source::SourceSpec;
using rr::source::SourceSpecParser;

class TestSourceSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void remoteForms_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("remoteUrl");
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("subdir");
        QTest::addColumn<QString>("refPath");
        QTest::addColumn<QString>("owner");
        QTest::addColumn<QString>("repo");
        QTest::addColumn<bool>("refIsCommit");

        const QString gh = QStringLiteral("https://github.com/octo/hello.git");
        const QString o = QStringLiteral("octo");
        const QString r = QStringLiteral("hello");
        const QString sha = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        QTest::newRow("github plain") << "https://github.com/octo/hello" << gh << ""
                                      << ""
                                      << "" << o << r << false;
        QTest::newRow("github .git") << "https://github.com/octo/hello.git" << gh << ""
                                     << ""
                                     << "" << o << r << false;
        QTest::newRow("github trailing slash, query, fragment")
            << "https://github.com/octo/hello/?tab=readme#top" << gh << ""
            << ""
            << "" << o << r << false;
        QTest::newRow("github http and www") << "http://www.github.com/octo/hello" << gh << ""
                                             << ""
                                             << "" << o << r << false;
        QTest::newRow("github without scheme") << "github.com/octo/hello" << gh << ""
                                               << ""
                                               << "" << o << r << false;
        QTest::newRow("github credentials dropped") << "https://user:secret@github.com/octo/hello" << gh << ""
                                                    << ""
                                                    << "" << o << r << false;
        QTest::newRow("tree ref only") << "https://github.com/octo/hello/tree/dev" << gh << "dev"
                                       << ""
                                       << "" << o << r << false;
        QTest::newRow("tree ref and path")
            << "https://github.com/octo/hello/tree/dev/services/api" << gh << "dev"
            << "services/api"
            << "dev/services/api" << o << r << false;
        QTest::newRow("tree percent-encoded")
            << "https://github.com/octo/hello/tree/dev/my%20dir" << gh << "dev"
            << "my dir"
            << "dev/my dir" << o << r << false;
        QTest::newRow("blob file") << "https://github.com/octo/hello/blob/dev/docker/Dockerfile" << gh
                                   << "dev"
                                   << "docker"
                                   << "dev/docker/Dockerfile" << o << r << false;
        QTest::newRow("blob at root") << "https://github.com/octo/hello/blob/dev/compose.yaml" << gh << "dev"
                                      << ""
                                      << "dev/compose.yaml" << o << r << false;
        QTest::newRow("commit") << QStringLiteral("https://github.com/octo/hello/commit/") + sha << gh << sha
                                << ""
                                << "" << o << r << true;
        QTest::newRow("tree at sha") << QStringLiteral("https://github.com/octo/hello/tree/") + sha << gh
                                     << sha << ""
                                     << "" << o << r << true;
        QTest::newRow("other page") << "https://github.com/octo/hello/issues/3" << gh << ""
                                    << ""
                                    << "" << o << r << false;
        QTest::newRow("scp ssh") << "git@github.com:octo/hello.git"
                                 << "git@github.com:octo/hello.git"
                                 << ""
                                 << ""
                                 << "" << o << r << false;
        QTest::newRow("scp ssh without .git") << "git@github.com:octo/hello"
                                              << "git@github.com:octo/hello.git"
                                              << ""
                                              << ""
                                              << "" << o << r << false;
        QTest::newRow("ssh url") << "ssh://git@example.org:2222/group/sub/tool.git"
                                 << "ssh://git@example.org:2222/group/sub/tool.git"
                                 << ""
                                 << ""
                                 << ""
                                 << "sub"
                                 << "tool" << false;
        QTest::newRow("git+ssh url") << "git+ssh://git@example.org/team/app"
                                     << "ssh://git@example.org/team/app"
                                     << ""
                                     << ""
                                     << ""
                                     << "team"
                                     << "app" << false;
        QTest::newRow("git protocol") << "git://127.0.0.1:9418/o/r.git"
                                      << "git://127.0.0.1:9418/o/r.git"
                                      << ""
                                      << ""
                                      << ""
                                      << "o"
                                      << "r" << false;
        QTest::newRow("generic https") << "https://gitlab.example.com/group/app.git"
                                       << "https://gitlab.example.com/group/app.git"
                                       << ""
                                       << ""
                                       << ""
                                       << "group"
                                       << "app" << false;
        QTest::newRow("generic https password dropped") << "https://bob:pw@git.example.com/team/app.git"
                                                        << "https://git.example.com/team/app.git"
                                                        << ""
                                                        << ""
                                                        << ""
                                                        << "team"
                                                        << "app" << false;
        QTest::newRow("gitlab tree") << "https://gitlab.example.com/group/app/-/tree/main/web"
                                     << "https://gitlab.example.com/group/app"
                                     << "main"
                                     << "web"
                                     << "main/web"
                                     << "group"
                                     << "app" << false;
        // GitHub Enterprise: the extension sends only these four canonical forms for a granted host.
        const QString ghe = QStringLiteral("https://ghe.corp.example/octo/hello");
        QTest::newRow("enterprise root") << ghe << ghe << ""
                                         << ""
                                         << "" << o << r << false;
        QTest::newRow("enterprise tree") << ghe + QStringLiteral("/tree/dev/svc/api") << ghe << "dev"
                                         << "svc/api"
                                         << "dev/svc/api" << o << r << false;
        QTest::newRow("enterprise blob") << ghe + QStringLiteral("/blob/dev/compose.prod.yml") << ghe << "dev"
                                         << ""
                                         << "dev/compose.prod.yml" << o << r << false;
        QTest::newRow("enterprise commit") << ghe + QStringLiteral("/commit/") + sha << ghe << sha << ""
                                           << "" << o << r << true;
        QTest::newRow("generic http tree with port")
            << "http://127.0.0.1:8080/cgi-bin/git/o/r/tree/feature/x/sub"
            << "http://127.0.0.1:8080/cgi-bin/git/o/r"
            << "feature"
            << "x/sub"
            << "feature/x/sub"
            << "o"
            << "r" << false;
    }

    void remoteForms()
    {
        QFETCH(QString, input);
        const auto spec = SourceSpecParser::parse(input);
        QVERIFY2(spec.has_value(), qPrintable(spec ? QString() : spec.error().message));
        QCOMPARE(spec->kind, SourceSpec::Kind::Remote);
        QCOMPARE(spec->input, input);
        QTEST(spec->remoteUrl, "remoteUrl");
        QTEST(spec->ref, "ref");
        QTEST(spec->subdir, "subdir");
        QTEST(spec->refPath, "refPath");
        QTEST(spec->owner, "owner");
        QTEST(spec->repo, "repo");
        QTEST(spec->refIsCommit, "refIsCommit");
        QVERIFY(!spec->remoteUrl.contains(QLatin1String("secret")));
        QVERIFY(!spec->remoteUrl.contains(QLatin1String(":pw@")));
    }

    void blobMarksFile()
    {
        const auto blob =
            SourceSpecParser::parse(QStringLiteral("https://github.com/o/r/blob/main/a/Dockerfile"));
        QVERIFY(blob && blob->refPathIsFile);
        const auto tree = SourceSpecParser::parse(QStringLiteral("https://github.com/o/r/tree/main/a"));
        QVERIFY(tree && !tree->refPathIsFile);
        const auto enterprise =
            SourceSpecParser::parse(QStringLiteral("https://ghe.corp.example/o/r/blob/main/a/compose.yaml"));
        QVERIFY(enterprise && enterprise->refPathIsFile);
    }

    void localForms()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("my-app")));
        const QString folder = QDir(dir.path()).canonicalPath() + QStringLiteral("/my-app");
        const QStringList inputs{folder, QStringLiteral("file://") + folder, folder + QStringLiteral("/")};
        for (const QString &input : inputs) {
            const auto spec = SourceSpecParser::parse(input);
            QVERIFY2(spec.has_value(), qPrintable(input));
            QCOMPARE(spec->kind, SourceSpec::Kind::LocalFolder);
            QCOMPARE(spec->localPath, folder);
            QCOMPARE(spec->repo, QStringLiteral("my-app"));
            QVERIFY(spec->remoteUrl.isEmpty());
        }
        const QString previous = QDir::currentPath();
        QDir::setCurrent(dir.path());
        const auto relative = SourceSpecParser::parse(QStringLiteral("./my-app"));
        const auto bare = SourceSpecParser::parse(QStringLiteral("my-app"));
        QDir::setCurrent(previous);
        QVERIFY(relative && relative->localPath == folder);
        QVERIFY(bare && bare->localPath == folder);
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("code");
        QTest::newRow("empty") << ""
                               << "source.empty";
        QTest::newRow("blank") << "   "
                               << "source.empty";
        QTest::newRow("ftp") << "ftp://example.com/r.git"
                             << "source.unsupported_scheme";
        QTest::newRow("garbage") << "not a url at all"
                                 << "source.unrecognised";
        QTest::newRow("missing absolute path") << "/definitely/not/here/xyz"
                                               << "source.local_path_missing";
        QTest::newRow("missing relative path") << "./nope-not-here"
                                               << "source.local_path_missing";
        QTest::newRow("missing file url") << "file:///definitely/not/here"
                                          << "source.local_path_missing";
        QTest::newRow("github owner only") << "https://github.com/octo"
                                           << "source.not_a_repository";
        QTest::newRow("bad commit") << "https://github.com/o/r/commit/zzzz"
                                    << "source.bad_commit";
        QTest::newRow("tree without ref") << "https://github.com/o/r/tree"
                                          << "source.missing_ref";
        QTest::newRow("dotdot path") << "https://github.com/o/r/tree/main/../../etc"
                                     << "source.bad_path";
        QTest::newRow("host without repo") << "https://example.com/"
                                           << "source.not_a_repository";
    }

    void badInput()
    {
        QFETCH(QString, input);
        QFETCH(QString, code);
        const auto spec = SourceSpecParser::parse(input);
        QVERIFY(!spec.has_value());
        QCOMPARE(spec.error().code, code);
        QVERIFY(!spec.error().message.isEmpty());
    }

    // REPORUNNER_GITHUB_MIRROR: GitHub URLs are cloned from the mirror, nothing else changes.
    void githubMirror()
    {
        const QByteArray variable(rr::source::GitHubMirror::EnvironmentVariable);
        const auto restore = qScopeGuard([&] { qunsetenv(variable.constData()); });
        qputenv(variable.constData(), "http://127.0.0.1:9418/mirror");
        auto spec =
            SourceSpecParser::parse(QStringLiteral("https://github.com/octo/hello/tree/dev/services/api"));
        QVERIFY(spec.has_value());
        QCOMPARE(spec->remoteUrl, QStringLiteral("http://127.0.0.1:9418/mirror/octo/hello.git"));
        QCOMPARE(spec->owner, QStringLiteral("octo"));
        QCOMPARE(spec->repo, QStringLiteral("hello"));
        QCOMPARE(spec->ref, QStringLiteral("dev"));
        QCOMPARE(spec->refPath, QStringLiteral("dev/services/api"));
        for (const QString &form : {QStringLiteral("github.com/octo/hello.git"),
                                    QStringLiteral("http://www.github.com/octo/hello/")}) {
            spec = SourceSpecParser::parse(form);
            QVERIFY2(spec.has_value(), qPrintable(form));
            QCOMPARE(spec->remoteUrl, QStringLiteral("http://127.0.0.1:9418/mirror/octo/hello.git"));
        }
        // Other hosts are not GitHub and are not redirected.
        spec = SourceSpecParser::parse(QStringLiteral("https://gitlab.com/octo/hello.git"));
        QVERIFY(spec.has_value());
        QCOMPARE(spec->remoteUrl, QStringLiteral("https://gitlab.com/octo/hello.git"));

        qputenv(variable.constData(), "git://127.0.0.1:9000/");
        spec = SourceSpecParser::parse(QStringLiteral("https://github.com/octo/hello"));
        QVERIFY(spec.has_value());
        QCOMPARE(spec->remoteUrl, QStringLiteral("git://127.0.0.1:9000/octo/hello.git"));

        // A mistake in the variable is reported, never silently replaced by github.com.
        for (const char *bad : {"not a url", "ftp://127.0.0.1/", "http://127.0.0.1/?q=1"}) {
            qputenv(variable.constData(), bad);
            spec = SourceSpecParser::parse(QStringLiteral("https://github.com/octo/hello"));
            QVERIFY2(!spec.has_value(), bad);
            QCOMPARE(spec.error().code, QStringLiteral("source.bad_mirror"));
        }

        qunsetenv(variable.constData());
        spec = SourceSpecParser::parse(QStringLiteral("https://github.com/octo/hello"));
        QVERIFY(spec.has_value());
        QCOMPARE(spec->remoteUrl, QStringLiteral("https://github.com/octo/hello.git"));
        QCOMPARE(rr::source::GitHubMirror::cloneUrl(QStringLiteral("o"), QStringLiteral("r"), QString()),
                 QStringLiteral("https://github.com/o/r.git"));
    }

    void fileIsNotAFolder()
    {
        const auto spec = SourceSpecParser::parse(QStringLiteral("/etc/hostname"));
        QVERIFY(!spec.has_value());
        QCOMPARE(spec.error().code, QStringLiteral("source.not_a_folder"));
    }

    void refResolver()
    {
        const QStringList branches{QStringLiteral("main"), QStringLiteral("feature/x"),
                                   QStringLiteral("feature/xy")};
        const QStringList tags{QStringLiteral("feature"), QStringLiteral("v1")};
        auto s = RefResolver::split(QStringLiteral("feature/x/sub/dir"), branches, tags);
        QVERIFY(s.matched);
        QCOMPARE(s.ref, QStringLiteral("feature/x"));
        QCOMPARE(s.path, QStringLiteral("sub/dir"));
        QVERIFY(!s.isTag);
        s = RefResolver::split(QStringLiteral("feature/other"), branches, tags);
        QCOMPARE(s.ref, QStringLiteral("feature"));
        QCOMPARE(s.path, QStringLiteral("other"));
        QVERIFY(s.isTag);
        s = RefResolver::split(QStringLiteral("feature/xy"), branches, tags);
        QCOMPARE(s.ref, QStringLiteral("feature/xy"));
        QCOMPARE(s.path, QString());
        s = RefResolver::split(QStringLiteral("abc123/src"), branches, tags);
        QVERIFY(!s.matched);
        QCOMPARE(s.ref, QStringLiteral("abc123"));
        QCOMPARE(s.path, QStringLiteral("src"));
        // A branch wins over a tag of the same name.
        s = RefResolver::split(QStringLiteral("v1/a"), {QStringLiteral("v1")}, {QStringLiteral("v1")});
        QVERIFY(!s.isTag);
    }
};

QTEST_GUILESS_MAIN(TestSourceSpec)
#include "test_source_spec.moc"
