#include "project/detector.h"
#include "testsupport.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace rr::project;

class TestDetect : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void composeNameOrderAndOverride()
    {
        const Detection d =
            Detector::detectFileList({QStringLiteral("docker-compose.yml"), QStringLiteral("compose.yaml"),
                                      QStringLiteral("compose.override.yaml"), QStringLiteral("Dockerfile")});
        QCOMPARE(d.composeFiles,
                 (QStringList{QStringLiteral("compose.yaml"), QStringLiteral("compose.override.yaml")}));
        QVERIFY(d.hasDockerfile());
        QCOMPARE(d.defaultMode(), ProjectMode::Compose);
    }
    void dockerfileNamesAndFolders()
    {
        const Detection d =
            Detector::detectFileList({QStringLiteral("README.md"), QStringLiteral("deploy/app.Dockerfile"),
                                      QStringLiteral("docker/Dockerfile"), QStringLiteral("Containerfile"),
                                      QStringLiteral("Dockerfile.dev"), QStringLiteral("src/Dockerfile"),
                                      QStringLiteral("Dockerfile.dockerignore")});
        QStringList found;
        for (const auto &c : d.dockerfiles)
            found << c.dockerfile;
        QCOMPARE(found,
                 (QStringList{QStringLiteral("Containerfile"), QStringLiteral("Dockerfile.dev"),
                              QStringLiteral("docker/Dockerfile"), QStringLiteral("deploy/app.Dockerfile")}));
        QCOMPARE(d.defaultMode(), ProjectMode::Dockerfile);
        QVERIFY(!Detector::detectFileList({QStringLiteral("main.go")}).hasDockerfile());
    }
    void subfolderDockerfileContext()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(),
                            {{QStringLiteral("docker/Dockerfile"), "FROM x\nCOPY src/ /app\n"},
                             {QStringLiteral("src/main.c"), "int main(){}"},
                             {QStringLiteral("build/Dockerfile"), "FROM x\nCOPY nginx.conf /etc/\n"},
                             {QStringLiteral("build/nginx.conf"), "events {}"}});
        auto d = Detector::detectFolder(dir.path());
        QVERIFY(d);
        QCOMPARE(d->dockerfiles.size(), 2);
        QCOMPARE(d->dockerfiles.at(0).dockerfile, QStringLiteral("docker/Dockerfile"));
        QCOMPARE(d->dockerfiles.at(0).context, QStringLiteral("."));
        QCOMPARE(d->dockerfiles.at(1).context, QStringLiteral("build"));
    }
    void listsComposeServices()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{QStringLiteral("compose.yml"),
                                          "services:\n  web: {image: x}\n  db: {image: y}\n"}});
        auto d = Detector::detectFolder(dir.path());
        QVERIFY(d);
        QCOMPARE(d->composeServices, (QStringList{QStringLiteral("web"), QStringLiteral("db")}));
    }
    void ignoresSymlinksLeavingTheProject()
    {
        QTemporaryDir outside;
        QTemporaryDir dir;
        rr::test::writeTree(outside.path(), {{QStringLiteral("Dockerfile"), "FROM x\n"}});
        QVERIFY(QFile::link(outside.path() + QStringLiteral("/Dockerfile"),
                            dir.path() + QStringLiteral("/Dockerfile")));
        auto d = Detector::detectFolder(dir.path());
        QVERIFY(!d);
        QCOMPARE(d.error().code, QStringLiteral("project.nothing_to_run"));
    }
    void emptyAndMissingFolders()
    {
        QTemporaryDir dir;
        auto d = Detector::detectFolder(dir.path());
        QVERIFY(!d);
        QVERIFY(d.error().message.contains(QStringLiteral("no Dockerfile")));
        QVERIFY(!Detector::detectFolder(dir.path() + QStringLiteral("/missing")));
    }
};

QTEST_GUILESS_MAIN(TestDetect)
#include "test_detect.moc"
