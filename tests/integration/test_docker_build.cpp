// Image builds against the real daemon: BuildKit and classic, skip on rebuild, a failing step
// named in the error, cancel stopping a long build, and pruning.
// Test tables read better with plain string literals than with QStringLiteral everywhere.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"
#include "test_dockerfixture.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rr::docker;
using rr::test::await;

class TestDockerBuild : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DockerClient> m_client;
    QString m_runId;
    QString m_repoLabel;

    BuildRequest request(const QString &dir, const QString &service)
    {
        BuildRequest r;
        r.contextDir = dir;
        r.repository = QStringLiteral("reporunner/test-%1-%2").arg(m_runId, service);
        r.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        r.repoLabel = m_repoLabel;
        r.labels.insert(QStringLiteral("reporunner.dev/run-id"), m_runId);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        m_runId = QStringLiteral("t%1").arg(QCoreApplication::applicationPid());
        m_repoLabel = QStringLiteral("test-") + m_runId;
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        // Everything this test built carries its run id.
        auto images = await(m_client->listImages({QStringLiteral("reporunner.dev/run-id=") + m_runId}));
        if (images)
            for (const auto &v : *images)
                await(m_client->removeImage(v.toObject().value(QStringLiteral("Id")).toString(), true));
        auto left = await(m_client->listImages({QStringLiteral("reporunner.dev/run-id=") + m_runId}));
        QVERIFY(left.has_value());
        QCOMPARE(left->size(), 0);
    }

    void buildThenSkip_data()
    {
        QTest::addColumn<int>("builder");
        QTest::newRow("buildkit") << int(BuilderKind::BuildKit);
        QTest::newRow("classic") << int(BuilderKind::Classic);
    }
    void buildThenSkip()
    {
        QFETCH(int, builder);
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(), {{"Dockerfile",
                          "FROM busybox:1.36 AS base\nARG GREETING=none\nRUN echo \"say $GREETING\" # RUNID\n"
                          "COPY app.txt /app.txt\nFROM base AS final\nRUN cat /app.txt\n"},
                         {"app.txt", "payload-line\n"},
                         {".dockerignore", "secret.txt\n"},
                         {"secret.txt", "do not send"}});
        // The run id in the RUN line defeats the layer cache, so its output streams every time.
        QFile dockerfile(dir.filePath(QStringLiteral("Dockerfile")));
        QVERIFY(dockerfile.open(QIODevice::ReadWrite));
        const QByteArray text = dockerfile.readAll().replace("RUNID", m_runId.toUtf8());
        QVERIFY(dockerfile.resize(0));
        dockerfile.write(text);
        dockerfile.close();
        ImageBuilder b(m_client.get());
        QSignalSpy steps(&b, &ImageBuilder::stepStarted);
        QSignalSpy logs(&b, &ImageBuilder::logLine);
        BuildRequest r = request(dir.path(), QStringLiteral("app%1").arg(builder));
        r.builder = BuilderKind(builder);
        r.buildArgs.insert(QStringLiteral("GREETING"), QStringLiteral("hi+there & you"));
        r.target = QStringLiteral("base");
        auto built = await(b.build(r));
        QVERIFY2(built.has_value(),
                 qPrintable(built ? QString() : built.error().message + built.error().details));
        QVERIFY(!built->skipped);
        QCOMPARE(built->usedBuildKit, BuilderKind(builder) == BuilderKind::BuildKit);
        QVERIFY(built->imageId.startsWith(QLatin1String("sha256:")));
        QVERIFY(built->reference.startsWith(r.repository + QStringLiteral(":0123456789ab-")));
        QCOMPARE(built->reference.size(), r.repository.size() + 1 + 12 + 1 + 8);
        QCOMPARE(built->context.files, 3); // Dockerfile, app.txt, .dockerignore
        QTRY_VERIFY(steps.size() >= 3);
        bool sawRun = false;
        for (const auto &args : steps)
            sawRun = sawRun || args.at(0).value<BuildStep>().name.contains(QLatin1String("RUN echo"));
        QVERIFY(sawRun);
        // The build arg arrived intact (percent-encoding of '+' and '&').
        bool sawArg = false;
        QTRY_VERIFY(!logs.isEmpty());
        for (const auto &args : logs)
            sawArg = sawArg || args.at(1).toString().contains(QLatin1String("say hi+there & you"));
        QVERIFY2(sawArg, "the RUN output with the build arg was not streamed");

        auto image = await(m_client->inspectImage(built->reference));
        QVERIFY(image.has_value());
        const auto labels =
            image->value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
        QCOMPARE(labels.value(QStringLiteral("app.kubernetes.io/managed-by")).toString(),
                 QStringLiteral("reporunner"));
        QCOMPARE(labels.value(QStringLiteral("reporunner.dev/repo")).toString(), m_repoLabel);
        QCOMPARE(labels.value(QStringLiteral("reporunner.dev/run-id")).toString(), m_runId);

        // The same commit and context again: skipped, same image.
        QSignalSpy skipped(&b, &ImageBuilder::buildSkipped);
        steps.clear();
        auto again = await(b.build(r));
        QVERIFY(again.has_value());
        QVERIFY(again->skipped);
        QCOMPARE(again->reference, built->reference);
        QCOMPARE(again->imageId, built->imageId);
        QTRY_COMPARE(skipped.size(), 1);
        QCOMPARE(steps.size(), 0);
    }

    void buildErrorNamesFailingStep_data()
    {
        QTest::addColumn<int>("builder");
        QTest::newRow("buildkit") << int(BuilderKind::BuildKit);
        QTest::newRow("classic") << int(BuilderKind::Classic);
    }
    void buildErrorNamesFailingStep()
    {
        QFETCH(int, builder);
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(), {{"Dockerfile", "FROM busybox:1.36\n"
                                        "RUN echo compiling && echo 'fatal: widget missing' && exit 7\n"}});
        // The failing RUN comes straight after FROM, so the classic builder commits no
        // intermediate image that would outlive the test; checked below.
        auto dangling = [this] {
            QUrlQuery q;
            ApiRequest::addParam(q, QStringLiteral("filters"), QStringLiteral("{\"dangling\":[\"true\"]}"));
            return await(m_client->sendJson(ApiRequest::get(QStringLiteral("/images/json"), q)))
                ->toArray()
                .size();
        };
        const auto danglingBefore = dangling();
        ImageBuilder b(m_client.get());
        BuildRequest r = request(dir.path(), QStringLiteral("broken%1").arg(builder));
        r.builder = BuilderKind(builder);
        auto result = await(b.build(r));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, QStringLiteral("docker.build.failed"));
        qInfo() << "error:" << result.error().message << "details:" << result.error().details;
        QVERIFY2(result.error().message.contains(QLatin1String("exit 7")),
                 qPrintable(result.error().message));
        QVERIFY(result.error().message.contains(QLatin1String("RUN echo compiling")));
        QVERIFY(result.error().details.contains(QLatin1String("fatal: widget missing")));
        QCOMPARE(dangling(), danglingBefore);
    }

    void cancelStopsLongBuild()
    {
        // A unique sleep length identifies the build's process on this machine.
        const QString marker = QString::number(3000 + QCoreApplication::applicationPid() % 1000);
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(),
            {{"Dockerfile",
              QStringLiteral("FROM busybox:1.36\nRUN echo started && sleep %1\n").arg(marker).toUtf8()}});
        ImageBuilder b(m_client.get());
        QSignalSpy logs(&b, &ImageBuilder::logLine);
        BuildRequest r = request(dir.path(), QStringLiteral("slow"));
        r.noCache = true;
        auto future = b.build(r);
        auto sleeping = [&marker] {
            const auto ps =
                rr::test::run(QStringLiteral("ps"), {QStringLiteral("-eo"), QStringLiteral("args")});
            return QString::fromUtf8(ps.out).contains(QStringLiteral("sleep ") + marker);
        };
        QTRY_VERIFY_WITH_TIMEOUT(sleeping(), 60000);
        b.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 30000);
        QVERIFY(!future.result().has_value());
        QCOMPARE(future.result().error().category, rr::core::ErrorCategory::Cancelled);
        // The daemon stops the build when we hang up: the RUN's process goes away.
        QTRY_VERIFY_WITH_TIMEOUT(!sleeping(), 60000);
        auto exists = await(m_client->listImages({QStringLiteral("reporunner.dev/run-id=") + m_runId}));
        QVERIFY(exists.has_value());
        for (const auto &v : *exists)
            for (const auto &t : v.toObject().value(QStringLiteral("RepoTags")).toArray())
                QVERIFY(!t.toString().contains(QLatin1String("-slow:")));
    }

    // The build's deadline cancels it like a user would, with its own error code.
    void deadlineStopsLongBuild()
    {
        const QString marker = QString::number(4000 + QCoreApplication::applicationPid() % 1000);
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(),
            {{"Dockerfile", QStringLiteral("FROM busybox:1.36\nRUN sleep %1\n").arg(marker).toUtf8()}});
        ImageBuilder b(m_client.get());
        BuildRequest r = request(dir.path(), QStringLiteral("deadline"));
        r.noCache = true;
        r.limits.timeoutSeconds = 3;
        auto future = b.build(r);
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 60000);
        QVERIFY(!future.result().has_value());
        QCOMPARE(future.result().error().code, QStringLiteral("docker.build.timeout"));
        const auto sleeping = [&marker] {
            const auto ps =
                rr::test::run(QStringLiteral("ps"), {QStringLiteral("-eo"), QStringLiteral("args")});
            return QString::fromUtf8(ps.out).contains(QStringLiteral("sleep ") + marker);
        };
        QTRY_VERIFY_WITH_TIMEOUT(!sleeping(), 60000);
    }

    // The classic builder runs each step under the build's memory limit (BuildKit on Docker
    // 20.10 ignores it; docs/security.md).
    void classicBuildRunsUnderTheMemoryLimit()
    {
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(), {{"Dockerfile", "FROM busybox:1.36\nRUN cat /sys/fs/cgroup/memory.max "
                                        "/sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null; true\n"}});
        ImageBuilder b(m_client.get());
        QSignalSpy logs(&b, &ImageBuilder::logLine);
        BuildRequest r = request(dir.path(), QStringLiteral("memory"));
        r.noCache = true;
        r.builder = BuilderKind::Classic;
        r.limits.memoryBytes = 96LL * 1024 * 1024;
        auto built = await(b.build(r));
        QVERIFY2(built.has_value(), qPrintable(built ? QString() : built.error().toString()));
        QStringList lines;
        for (const QList<QVariant> &l : logs)
            lines << l.value(1).toString();
        QVERIFY2(lines.join(u'\n').contains(QString::number(96LL * 1024 * 1024)),
                 qPrintable(lines.join(u'\n')));
    }

    void pruneKeepsNewest()
    {
        ImageBuilder b(m_client.get());
        QStringList refs;
        for (int i = 0; i < 3; ++i) {
            QTemporaryDir dir;
            rr::test::writeTree(
                dir.path(), {{"Dockerfile", "FROM busybox:1.36\nCOPY v /v\n"}, {"v", QByteArray::number(i)}});
            BuildRequest r = request(dir.path(), QStringLiteral("prune"));
            r.repoLabel = m_repoLabel + QStringLiteral("-prune");
            auto built = await(b.build(r));
            QVERIFY2(built.has_value(), qPrintable(built ? QString() : built.error().message));
            refs << built->reference;
            QTest::qWait(1100); // distinct Created seconds
        }
        auto removed = await(b.prune(m_repoLabel + QStringLiteral("-prune"), 1));
        QVERIFY2(removed.has_value(), qPrintable(removed ? QString() : removed.error().message));
        QCOMPARE(*removed, QStringList({refs[1], refs[0]}));
        QVERIFY(await(m_client->imageExists(refs[2])).value());
        QVERIFY(!await(m_client->imageExists(refs[0])).value());
    }
};

QTEST_GUILESS_MAIN(TestDockerBuild)
#include "test_docker_build.moc"
