// DockerClient against the real daemon: negotiation, containers with demultiplexed logs,
// label filters, networks and volumes, and errors carrying Docker's message.
// Test tables read better with plain string literals than with QStringLiteral everywhere.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "test_dockerfixture.h"

#include <QTest>

using namespace rr::docker;
using rr::test::await;

class TestDockerClient : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<DockerClient> m_client;
    QString m_runId;
    QJsonObject labels() const
    {
        return {{QStringLiteral("app.kubernetes.io/managed-by"), QStringLiteral("reporunner")},
                {QStringLiteral("reporunner.dev/run-id"), m_runId}};
    }
    QStringList filter() const { return {QStringLiteral("reporunner.dev/run-id=") + m_runId}; }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        m_runId = QStringLiteral("c%1").arg(QCoreApplication::applicationPid());
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        auto containers = await(m_client->listContainers(filter()));
        if (containers)
            for (const auto &c : *containers)
                await(m_client->removeContainer(c.toObject().value(QStringLiteral("Id")).toString()));
        auto networks = await(m_client->listNetworks(filter()));
        if (networks)
            for (const auto &n : *networks)
                await(m_client->removeNetwork(n.toObject().value(QStringLiteral("Id")).toString()));
        auto volumes = await(m_client->listVolumes(filter()));
        if (volumes)
            for (const auto &v : *volumes)
                await(m_client->removeVolume(v.toObject().value(QStringLiteral("Name")).toString(), true));
        QCOMPARE(await(m_client->listContainers(filter()))->size(), 0);
    }

    void negotiates()
    {
        auto info = await(m_client->daemonInfo());
        QVERIFY(info.has_value());
        QVERIFY(!info->engineVersion.isEmpty());
        QCOMPARE(info->apiVersion, DockerConnection::negotiateVersion(info->daemonApiVersion));
        // Versioned paths work with the negotiated prefix.
        auto ping = await(m_client->send(ApiRequest::get(QStringLiteral("/_ping"))));
        QVERIFY(ping.has_value());
        QCOMPARE(ping->body, QByteArray("OK"));
    }

    void containerLifecycleAndLogs()
    {
        QJsonObject config{
            {QStringLiteral("Image"), QStringLiteral("busybox:1.36")},
            {QStringLiteral("Cmd"),
             QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                        QStringLiteral("echo to-out; echo to-err >&2; echo more-out; exit 3")}},
            {QStringLiteral("Labels"), labels()}};
        auto id = await(m_client->createContainer(QStringLiteral("rr-test-") + m_runId, config));
        QVERIFY2(id.has_value(), qPrintable(id ? QString() : id.error().message));
        QVERIFY(await(m_client->startContainer(*id)).has_value());
        // "not-running" also answers for a container that already exited.
        auto code = await(m_client->waitContainer(*id));
        QVERIFY(code.has_value());
        QCOMPARE(*code, 3);
        auto frames = await(m_client->containerLogs(*id));
        QVERIFY(frames.has_value());
        QByteArray out;
        QByteArray err;
        for (const LogFrame &f : *frames)
            (f.stream == LogFrame::Stream::Stderr ? err : out) += f.data;
        QCOMPARE(out, QByteArray("to-out\nmore-out\n"));
        QCOMPARE(err, QByteArray("to-err\n"));
        auto listed = await(m_client->listContainers(filter()));
        QVERIFY(listed.has_value());
        QCOMPARE(listed->size(), 1);
        auto other =
            await(m_client->listContainers({QStringLiteral("reporunner.dev/run-id=nobody-") + m_runId}));
        QCOMPARE(other->size(), 0);
        QVERIFY(await(m_client->removeContainer(*id)).has_value());
        auto gone = await(m_client->inspectContainer(*id));
        QVERIFY(!gone.has_value());
        QCOMPARE(gone.error().code, QStringLiteral("docker.not_found"));
        QVERIFY(gone.error().message.contains(QLatin1String("No such container")));
    }

    void networksAndVolumes()
    {
        auto net = await(m_client->createNetwork(QStringLiteral("rr-test-") + m_runId, labels()));
        QVERIFY2(net.has_value(), qPrintable(net ? QString() : net.error().message));
        auto vol = await(m_client->createVolume(QStringLiteral("rr-test-") + m_runId, labels()));
        QVERIFY(vol.has_value());
        QCOMPARE(await(m_client->listNetworks(filter()))->size(), 1);
        QCOMPARE(await(m_client->listVolumes(filter()))->size(), 1);
        QVERIFY(await(m_client->removeNetwork(*net)).has_value());
        QVERIFY(await(m_client->removeVolume(*vol)).has_value());
        QCOMPARE(await(m_client->listNetworks(filter()))->size(), 0);
    }

    void missingImage()
    {
        auto exists = await(m_client->imageExists(QStringLiteral("reporunner/does-not-exist:0")));
        QVERIFY(exists.has_value());
        QVERIFY(!*exists);
        QVERIFY(await(m_client->imageExists(QStringLiteral("busybox:1.36"))).value());
    }
};

QTEST_GUILESS_MAIN(TestDockerClient)
#include "test_docker_client.moc"
