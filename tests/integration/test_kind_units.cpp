// Pure parts of the kind subsystem: grouping node containers into clusters and the names
// containerd gives Docker references.
#undef QT_NO_CAST_FROM_ASCII

#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace rr::kind;

class TestKindUnits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void groupsNodesByClusterLabel()
    {
        const QJsonArray containers = QJsonDocument::fromJson(R"([
          {"Id":"b1","Names":["/dev-worker"],"State":"running",
           "Labels":{"io.x-k8s.kind.cluster":"dev","io.x-k8s.kind.role":"worker"}},
          {"Id":"a1","Names":["/reporunner-control-plane"],"State":"exited",
           "Labels":{"io.x-k8s.kind.cluster":"reporunner","io.x-k8s.kind.role":"control-plane"}},
          {"Id":"b0","Names":["/dev-control-plane"],"State":"running",
           "Labels":{"io.x-k8s.kind.cluster":"dev","io.x-k8s.kind.role":"control-plane"}},
          {"Id":"zz","Names":["/unrelated"],"State":"running","Labels":{"other":"x"}}
        ])")
                                          .array();
        const QList<KindCluster> clusters = KindClusters::fromContainers(containers);
        QCOMPARE(clusters.size(), 2);
        QCOMPARE(clusters[0].name, QString("dev"));
        QCOMPARE(clusters[0].nodes.size(), 2);
        QCOMPARE(clusters[0].nodes[0].name, QString("dev-control-plane"));
        QCOMPARE(clusters[0].nodes[0].containerId, QString("b0"));
        QCOMPARE(clusters[0].nodes[1].role, QString("worker"));
        QCOMPARE(clusters[1].name, QString("reporunner"));
        QVERIFY(!clusters[1].nodes[0].isRunning());
        QVERIFY(KindClusters::pick(clusters, "reporunner").has_value());
        QVERIFY(!KindClusters::pick(clusters, "absent").has_value());
    }

    void containerdNames_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("expected");
        QTest::newRow("official") << "busybox:1.36"
                                  << "docker.io/library/busybox:1.36";
        QTest::newRow("no tag") << "busybox"
                                << "docker.io/library/busybox:latest";
        QTest::newRow("user") << "reporunner/app:abc-123"
                              << "docker.io/reporunner/app:abc-123";
        QTest::newRow("registry port") << "localhost:5001/app"
                                       << "localhost:5001/app:latest";
        QTest::newRow("registry") << "ghcr.io/o/app:v1"
                                  << "ghcr.io/o/app:v1";
        QTest::newRow("digest") << "ghcr.io/o/app@sha256:ab"
                                << "ghcr.io/o/app@sha256:ab";
    }
    void containerdNames()
    {
        QFETCH(QString, reference);
        QFETCH(QString, expected);
        QCOMPARE(ImageDelivery::containerdName(reference), expected);
    }
};

QTEST_GUILESS_MAIN(TestKindUnits)
#include "test_kind_units.moc"
