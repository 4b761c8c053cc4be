// Pure parts of the kind subsystem: grouping node containers into clusters, the names
// containerd gives Docker references, registry references and decoding a push's progress.
#undef QT_NO_CAST_FROM_ASCII

#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"
#include "kind/registrydelivery.h"

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

    void registryReferences()
    {
        QCOMPARE(RegistryDelivery::repositoryFor("localhost:5001", "reporunner/o-r-web:abc-123"),
                 QString("localhost:5001/reporunner/o-r-web"));
        QCOMPARE(RegistryDelivery::repositoryFor("localhost:5001", "busybox"),
                 QString("localhost:5001/reporunner/busybox"));
        QCOMPARE(RegistryDelivery::repositoryFor("kind-registry:5000", "ghcr.io:443/o/App@sha256:ab"),
                 QString("kind-registry:5000/reporunner/app"));
        QCOMPARE(RegistryDelivery::tagFor("sha256:0123456789abcdef0123456789abcdef"),
                 QString("sha256-0123456789abcdef"));
    }

    void decodesPushProgress()
    {
        // What dockerd 20.10 answered for a first push to docker-registry 2.8, fed in odd pieces.
        const QByteArray stream =
            R"({"status":"The push refers to repository [127.0.0.1:45123/reporunner/bb]"}
{"status":"Preparing","progressDetail":{},"id":"d04dfdb27621"}
{"status":"Preparing","progressDetail":{},"id":"428122a1a4dc"}
{"status":"Pushing","progressDetail":{"current":512,"total":3216},"progress":"[==>  ]","id":"d04dfdb27621"}
{"status":"Pushing","progressDetail":{"current":138752,"total":3216},"progress":"[==>  ]","id":"d04dfdb27621"}
{"status":"Pushing","progressDetail":{"current":33792,"total":1982256},"progress":"[>  ]","id":"428122a1a4dc"}
{"status":"Pushing","progressDetail":{"current":1984512,"total":1982256},"progress":"[==>]","id":"428122a1a4dc"}
{"status":"Pushed","progressDetail":{},"id":"d04dfdb27621"}
{"status":"Layer already exists","progressDetail":{},"id":"5f70bf18a086"}
{"status":"Pushed","progressDetail":{},"id":"428122a1a4dc"}
{"status":"t1: digest: sha256:7262de13 size: 736"}
{"progressDetail":{},"aux":{"Tag":"t1","Digest":"sha256:7262de13","Size":736}})";
        rr::docker::PushProgress progress;
        for (qsizetype i = 0; i < stream.size(); i += 37)
            progress.feed(stream.mid(i, 37));
        progress.finish();
        QVERIFY(!progress.errorMessage());
        const rr::docker::PushReport report = progress.report();
        QCOMPARE(report.pushedLayers, QStringList({"d04dfdb27621", "428122a1a4dc"}));
        QCOMPARE(report.existingLayers, QStringList({"5f70bf18a086"}));
        QCOMPARE(report.bytesPushed, qint64(138752 + 1984512));
        QCOMPARE(report.digest, QString("sha256:7262de13"));

        rr::docker::PushProgress failed;
        failed.feed("{\"status\":\"The push refers to repository [127.0.0.1:1/reporunner/bb]\"}\n"
                    "{\"errorDetail\":{\"message\":\"Get \\\"http://127.0.0.1:1/v2/\\\": connection "
                    "refused\"},\"error\":\"ignored\"}");
        failed.finish();
        QCOMPARE(failed.errorMessage().value_or(QString()),
                 QString("Get \"http://127.0.0.1:1/v2/\": connection refused"));
    }
};

QTEST_GUILESS_MAIN(TestKindUnits)
#include "test_kind_units.moc"
