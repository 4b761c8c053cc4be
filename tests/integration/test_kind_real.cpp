// Real kind: a cluster created through the engine's ClusterCreator with the kind CLI built from its
// Go module and the node image assembled by infra/kind-node-image.sh, an image delivered to it with
// ImageDelivery, and a pod that runs that image without any pull. Run through kind_real.sh, which
// prepares the image, the Docker daemon and the config (see docs/kind-offline.md).
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "docker/dockerhost.h"
#include "kind/clustercreator.h"
#include "kind/imagedelivery.h"
#include "test_dockerfixture.h"
#include "test_kube_support.h"

#include <QDir>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using namespace rr::kind;

class TestKindReal : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<docker::DockerClient> m_client;
    QTemporaryDir m_dir;
    QString m_cluster;
    QString m_kubeconfig;
    bool m_created = false;

    test::ProcessResult kubectl(const QStringList &args, int timeoutMs = 120000)
    {
        return test::run(QStringLiteral("kubectl"), QStringList{"--kubeconfig", m_kubeconfig} + args, {}, {},
                         timeoutMs);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString skip = qEnvironmentVariable("REPORUNNER_KIND_SKIP");
        if (!skip.isEmpty())
            QSKIP(qPrintable("real kind is not possible here: " + skip));
        if (qEnvironmentVariable("REPORUNNER_KIND_CONFIG").isEmpty())
            QSKIP("run through tests/integration/kind_real.sh (it builds the node image and the config)");
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client); // also makes busybox:1.36 in that daemon
        QVERIFY(m_dir.isValid());
        m_cluster = "rrtest-kind-" + QString::number(QRandomGenerator::global()->bounded(100000), 36);
        // kind writes the cluster's context where KUBECONFIG points: keep it out of ~/.kube.
        m_kubeconfig = m_dir.filePath("kubeconfig");
        qputenv("KUBECONFIG", m_kubeconfig.toLocal8Bit());
        QVERIFY2(!ClusterCreator::kindExecutable().isEmpty(), "kind is not on PATH");
    }

    void createsTheClusterWithRealKind()
    {
        ClusterCreator creator;
        const auto created = test::awaitFuture(
            creator.create(m_cluster, qEnvironmentVariable("REPORUNNER_KIND_CONFIG")), 600000);
        m_created = true; // whatever happened, kind may have left a node behind
        QVERIFY2(created.has_value(),
                 created ? "" : qPrintable(created.error().message + "\n" + created.error().details));
        const auto nodes = kubectl(
            {"get", "nodes", "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}"});
        QCOMPARE(nodes.exitCode, 0);
        QCOMPARE(QString::fromUtf8(nodes.out).trimmed(), QString("True"));
        const auto version = kubectl({"version", "-o", "json"});
        QVERIFY2(version.out.contains("\"gitVersion\": \"v1.33."), version.out.constData());
    }

    void deliversAnImageThatAPodRunsWithoutPulling()
    {
        if (!m_created)
            QSKIP("no cluster");
        const QString image = QStringLiteral("busybox:1.36");
        auto first = test::await(ImageDelivery::deliverToCluster(*m_client, image, m_cluster));
        QVERIFY2(first.has_value(), first ? "" : qPrintable(first.error().message));
        QCOMPARE(first->nodes.size(), 1);
        QCOMPARE(first->nodes.first().action, NodeDelivery::Action::Imported);
        QVERIFY(first->nodes.first().bytesSent > 0);

        // The node's containerd now holds Docker's image id: a second delivery sends nothing.
        auto second = test::await(ImageDelivery::deliverToCluster(*m_client, image, m_cluster));
        QVERIFY2(second.has_value(), second ? "" : qPrintable(second.error().message));
        QCOMPARE(second->nodes.first().action, NodeDelivery::Action::AlreadyPresent);
        QCOMPARE(second->nodes.first().bytesSent, qint64(0));

        const QByteArray pod = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"delivered"},
            "spec":{"containers":[{"name":"c","image":"busybox:1.36","imagePullPolicy":"Never",
            "command":["sh","-c","echo delivered-and-running; exec sleep 3600"]}]}})";
        auto applied = test::run("kubectl", {"--kubeconfig", m_kubeconfig, "apply", "-f", "-"}, {}, pod);
        QVERIFY2(applied.exitCode == 0, applied.err.constData());
        auto ready = kubectl({"wait", "--for=condition=Ready", "pod/delivered", "--timeout=180s"}, 200000);
        if (ready.exitCode != 0)
            qWarning().noquote() << kubectl({"describe", "pod", "delivered"}).out;
        QVERIFY2(ready.exitCode == 0, ready.err.constData());
        const auto logs = kubectl({"logs", "delivered"});
        QCOMPARE(QString::fromUtf8(logs.out).trimmed(), QString("delivered-and-running"));
    }

    void cleanupTestCase()
    {
        if (!m_created)
            return;
        const auto deleted =
            test::run(ClusterCreator::kindExecutable(),
                      {"delete", "cluster", "--name", m_cluster, "--kubeconfig", m_kubeconfig});
        QVERIFY2(deleted.exitCode == 0, deleted.err.constData());
        auto left = test::await(m_client->listContainers({"io.x-k8s.kind.cluster=" + m_cluster}));
        QVERIFY(left.has_value());
        QVERIFY(left->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestKindReal)
#include "test_kind_real.moc"
