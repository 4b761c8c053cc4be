// Kind discovery and image delivery against the real Docker API, with busybox containers
// labelled like kind nodes whose ctr/crictl are recording scripts (test_kindfakenode.h).
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "kind/execsession.h"
#include "kind/hijackedstream.h"
#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"
#include "test_dockerfixture.h"
#include "test_kindfakenode.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

using namespace rr;
using namespace rr::kind;
using rr::test::await;

class TestKindDelivery : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<docker::DockerClient> m_client;
    QString m_suffix;
    QString m_image; // the node image, which is also what gets delivered
    QString m_imageId;
    QString m_cluster; // four running nodes
    QStringList m_containers;
    QMap<QString, QString> m_ids; // node name -> container id

    QString node(const QString &role) const { return QStringLiteral("rr-test-%1-%2").arg(m_suffix, role); }

    QString addNode(const QString &name, const QString &cluster, const QString &role,
                    const QStringList &env = {}, bool start = true)
    {
        const QString id = test::kindfake::createNode(*m_client, m_image, name, cluster, role, env, start);
        if (!id.isEmpty()) {
            m_containers << id;
            m_ids.insert(name, id);
        }
        return id;
    }

    // Runs a shell command in a node; stdout, or a failed QVERIFY upstream via exit code -1.
    ExecSession::Output shell(const QString &container, const QString &script)
    {
        auto out = await(m_client->run<ExecSession::Output>(
            [container, script](docker::DockerConnection &c,
                                const docker::DockerClient::CancelCheck &cancelled) {
                return ExecSession::run(c, container, {"sh", "-c", script}, QByteArray(), cancelled);
            }));
        if (!out) {
            qWarning() << out.error().toString();
            return {};
        }
        return *out;
    }

    QByteArray savedSha256()
    {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        QUrlQuery q;
        docker::ApiRequest::addParam(q, "names", m_image);
        auto saved =
            await(m_client->stream(docker::ApiRequest::get("/images/get", q), [&hash](const QByteArray &c) {
                hash.addData(c);
                return true;
            }));
        return saved ? hash.result().toHex() : QByteArray();
    }

    static const NodeDelivery *entry(const DeliveryReport &report, const QString &node)
    {
        for (const NodeDelivery &n : report.nodes)
            if (n.node == node)
                return &n;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        m_suffix = QString::number(QRandomGenerator::global()->generate(), 36);
        m_image = QStringLiteral("rr-test-kindnode:%1").arg(m_suffix);
        const QString why = test::kindfake::buildNodeImage(*m_client, m_image);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        auto inspected = await(m_client->inspectImage(m_image));
        QVERIFY(inspected.has_value());
        m_imageId = inspected->value("Id").toString();
        QVERIFY(m_imageId.startsWith("sha256:"));

        m_cluster = QStringLiteral("rr-test-%1").arg(m_suffix);
        QVERIFY(!addNode(node("control-plane"), m_cluster, "control-plane").isEmpty());
        QVERIFY(!addNode(node("worker"), m_cluster, "worker").isEmpty());
        QVERIFY(!addNode(node("worker2"), m_cluster, "worker").isEmpty());
        QVERIFY(!addNode(node("worker3"), m_cluster, "worker").isEmpty());
        // worker2 already holds the image under its name, worker3 under another name only.
        const QString name = ImageDelivery::containerdName(m_image);
        QCOMPARE(shell(m_ids[node("worker2")],
                       QStringLiteral("echo '%1 %1' >> /state/images; echo '%1 %2' >> /state/images")
                           .arg(m_imageId, name))
                     .exitCode,
                 0);
        QCOMPARE(shell(m_ids[node("worker3")],
                       QStringLiteral("echo '%1 %1' >> /state/images; echo '%1 docker.io/library/other:1' >> "
                                      "/state/images")
                           .arg(m_imageId))
                     .exitCode,
                 0);
        // Clusters for the failure cases.
        QVERIFY(!addNode(node("stopped"), m_cluster + "-stopped", "control-plane", {}, false).isEmpty());
        QVERIFY(!addNode(node("broken"), m_cluster + "-broken", "control-plane", {"FAKE_CTR_FAIL=disk full"})
                     .isEmpty());
        QVERIFY(!addNode(node("slow"), m_cluster + "-slow", "control-plane", {"FAKE_CTR_SLOW=60"}).isEmpty());
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        for (const QString &id : std::as_const(m_containers))
            QVERIFY(await(m_client->removeContainer(id, true)).has_value());
        if (!m_imageId.isEmpty())
            QVERIFY(await(m_client->removeImage(m_image, true)).has_value());
        auto left = await(m_client->listContainers({"io.x-k8s.kind.cluster"}, true));
        QVERIFY(left.has_value());
        for (const QJsonValue &c : *left)
            QVERIFY(!c["Labels"]["io.x-k8s.kind.cluster"].toString().startsWith(m_cluster));
    }

    void execPassesStdinAndSplitsStreams()
    {
        // More than any socket buffer, echoed back while we still write: no deadlock.
        QByteArray input;
        for (int i = 0; input.size() < 3 * 1024 * 1024; ++i)
            input += QByteArray::number(i) + '\n';
        const QString id = m_ids[node("control-plane")];
        auto out = await(m_client->run<ExecSession::Output>(
            [id, input](docker::DockerConnection &c, const docker::DockerClient::CancelCheck &cancelled) {
                return ExecSession::run(c, id, {"sh", "-c", "tee /state/stdin.bin; echo oops >&2; exit 3"},
                                        input, cancelled);
            }));
        QVERIFY2(out.has_value(), out ? "" : qPrintable(out.error().toString()));
        QCOMPARE(out->exitCode, 3);
        // Collected output is capped; what was kept is the start of the echo, unchanged.
        QCOMPARE(out->stdOut.size(), ExecSession::OutputCap);
        QVERIFY(out->stdOut == input.left(ExecSession::OutputCap));
        QCOMPARE(out->stdErr, QByteArray("oops\n"));
        QCOMPARE(out->stdinBytes, qint64(input.size()));
        const QByteArray digest = QCryptographicHash::hash(input, QCryptographicHash::Sha256).toHex();
        QCOMPARE(shell(id, "sha256sum < /state/stdin.bin | cut -d' ' -f1").stdOut.trimmed(), digest);
    }

    void refusedUpgradeCarriesDockersMessage()
    {
        auto result = await(
            m_client->run<bool>([](docker::DockerConnection &c,
                                   const docker::DockerClient::CancelCheck &cancelled) -> core::Result<bool> {
                HijackedStream stream;
                const QByteArray path =
                    "/v" + c.daemonInfo()->apiVersion.toUtf8() + "/exec/rr-no-such-exec/start";
                auto opened =
                    stream.open(c.host(), "POST", path, R"({"Detach":false,"Tty":false})", {}, cancelled);
                if (!opened)
                    return core::fail(opened.error());
                return true;
            }));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Docker);
        QCOMPARE(result.error().code, QString("docker.not_found"));
        QVERIFY2(result.error().message.contains("rr-no-such-exec"), qPrintable(result.error().message));
    }

    void discoversClustersByLabel()
    {
        auto clusters = await(KindClusters::list(*m_client));
        QVERIFY(clusters.has_value());
        auto cluster = KindClusters::pick(*clusters, m_cluster);
        QVERIFY(cluster.has_value());
        QCOMPARE(cluster->nodes.size(), 4);
        QCOMPARE(cluster->nodes[0].name, node("control-plane"));
        QCOMPARE(cluster->nodes[0].role, QString("control-plane"));
        QCOMPARE(cluster->nodes[0].containerId, m_ids[node("control-plane")]);
        QCOMPARE(cluster->nodes[1].name, node("worker"));
        QCOMPARE(cluster->nodes[1].role, QString("worker"));
        for (const KindNode &n : cluster->nodes)
            QVERIFY(n.isRunning());
        auto stopped = KindClusters::pick(*clusters, m_cluster + "-stopped");
        QVERIFY(stopped.has_value());
        QCOMPARE(stopped->nodes.size(), 1);
        QVERIFY(!stopped->nodes[0].isRunning());

        auto missing = await(KindClusters::find(*m_client, m_cluster + "-absent"));
        QVERIFY(!missing.has_value());
        QCOMPARE(missing.error().category, core::ErrorCategory::Kube);
        QCOMPARE(missing.error().code, QString("kind.cluster.not_found"));
        QVERIFY(missing.error().message.contains(m_cluster));
    }

    void deliversIntactThenSendsNothing()
    {
        QAtomicInteger<qint64> progressed = 0;
        auto first = await(ImageDelivery::deliverToCluster(
            *m_client, m_image, m_cluster,
            [&progressed](const QString &, qint64 bytes) { progressed = bytes; }));
        QVERIFY2(first.has_value(), first ? "" : qPrintable(first.error().toString()));
        QCOMPARE(first->imageId, m_imageId);
        QCOMPARE(first->nodes.size(), 4);
        const NodeDelivery *cp = entry(*first, node("control-plane"));
        const NodeDelivery *w1 = entry(*first, node("worker"));
        const NodeDelivery *w2 = entry(*first, node("worker2"));
        const NodeDelivery *w3 = entry(*first, node("worker3"));
        QVERIFY(cp && w1 && w2 && w3);
        QCOMPARE(cp->action, NodeDelivery::Action::Imported);
        QCOMPARE(w1->action, NodeDelivery::Action::Imported);
        QCOMPARE(w2->action, NodeDelivery::Action::AlreadyPresent);
        QCOMPARE(w3->action, NodeDelivery::Action::Retagged);
        QVERIFY(cp->bytesSent > 0);
        QCOMPARE(w1->bytesSent, cp->bytesSent);
        QCOMPARE(w2->bytesSent, 0);
        QCOMPARE(w3->bytesSent, 0);
        QCOMPARE(first->totalBytes(), 2 * cp->bytesSent);
        QCOMPARE(progressed.loadRelaxed(), cp->bytesSent);

        // Both importing nodes received exactly what `GET /images/get` yields, via ctr's args.
        const QByteArray expected = savedSha256();
        QVERIFY(!expected.isEmpty());
        for (const QString &n : {node("control-plane"), node("worker")}) {
            const auto got =
                shell(m_ids[n], "sha256sum /received/1.tar | cut -d' ' -f1; wc -c < /received/1.tar; "
                                "cat /received/1.args; ls /received | grep -c tar");
            const QList<QByteArray> lines = got.stdOut.trimmed().split('\n');
            QCOMPARE(lines.size(), 4);
            QCOMPARE(lines[0].trimmed(), expected);
            QCOMPARE(lines[1].trimmed().toLongLong(), cp->bytesSent);
            QCOMPARE(lines[2].trimmed(), ImageDelivery::importCommand().mid(1).join(' ').toUtf8());
            QCOMPARE(lines[3].trimmed(), QByteArray("1"));
        }
        // The skipped node got nothing; the re-tagged node got the tag only.
        QCOMPARE(shell(m_ids[node("worker2")], "ls /received | wc -l").stdOut.trimmed(), QByteArray("0"));
        QCOMPARE(shell(m_ids[node("worker3")], "ls /received | wc -l; cat /state/tagged").stdOut.trimmed(),
                 QByteArray("0\n") + ImageDelivery::containerdName(m_image).toUtf8());

        // The second delivery of the unchanged image asks every node and sends nothing.
        auto second = await(ImageDelivery::deliverToCluster(*m_client, m_image, m_cluster));
        QVERIFY2(second.has_value(), second ? "" : qPrintable(second.error().toString()));
        QCOMPARE(second->totalBytes(), 0);
        for (const NodeDelivery &n : second->nodes)
            QCOMPARE(n.action, NodeDelivery::Action::AlreadyPresent);
        for (const QString &n : {node("control-plane"), node("worker")})
            QCOMPARE(shell(m_ids[n], "ls /received | grep -c tar").stdOut.trimmed(), QByteArray("1"));
    }

    void refusesStoppedNode()
    {
        auto result = await(ImageDelivery::deliverToCluster(*m_client, m_image, m_cluster + "-stopped"));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Kube);
        QCOMPARE(result.error().code, QString("kind.node.not_running"));
        QVERIFY(result.error().message.contains(node("stopped")));
    }

    void reportsImportFailureWithStderr()
    {
        auto result = await(ImageDelivery::deliverToCluster(*m_client, m_image, m_cluster + "-broken"));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Kube);
        QCOMPARE(result.error().code, QString("kind.import.failed"));
        QVERIFY2(result.error().message.contains("disk full"), qPrintable(result.error().message));
        QVERIFY(result.error().message.contains(node("broken")));
    }

    void reportsMissingImage()
    {
        auto result =
            await(ImageDelivery::deliverToCluster(*m_client, m_image + "-does-not-exist", m_cluster));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, QString("kind.image.not_found"));
    }

    void detectsLocalRegistryContainer()
    {
        const auto registryRunning = [this] {
            return await(m_client->run<bool>(
                [](docker::DockerConnection &c, const docker::DockerClient::CancelCheck &x) {
                    return KindClusters::localRegistryRunning(c, x);
                }));
        };
        auto before = registryRunning();
        QVERIFY(before.has_value());
        if (*before)
            QSKIP("a real kind-registry container is running here");
        QJsonObject config{{"Image", m_image}, {"Cmd", QJsonArray{"sleep", "3600"}}};
        auto id = await(m_client->createContainer(KindClusters::LocalRegistryName, config));
        if (!id)
            QSKIP("a container named kind-registry already exists here");
        m_containers << *id;
        QCOMPARE(*registryRunning(), false); // created, not running
        QVERIFY(await(m_client->startContainer(*id)).has_value());
        QCOMPARE(*registryRunning(), true);
        QVERIFY(await(m_client->removeContainer(*id, true)).has_value());
        m_containers.removeAll(*id);
        QCOMPARE(*registryRunning(), false);
    }

    void cancelsWhileStreaming()
    {
        QAtomicInteger<qint64> progressed = 0;
        auto future = ImageDelivery::deliverToCluster(
            *m_client, m_image, m_cluster + "-slow",
            [&progressed](const QString &, qint64 bytes) { progressed = bytes; });
        // The slow node's ctr sleeps before reading, so the stream is in flight when we cancel.
        while (progressed.loadRelaxed() == 0 && !future.isFinished())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QVERIFY(!future.isFinished());
        m_client->cancelAll();
        const auto result = await(future);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestKindDelivery)
#include "test_kind_delivery.moc"
