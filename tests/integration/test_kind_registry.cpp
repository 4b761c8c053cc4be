// KEP-1755 registry delivery against real components: the Docker daemon pushes to a real
// docker-registry (test_registryserver.h). A first push uploads every layer, an unchanged
// second push uploads nothing, and an image with one new layer on top uploads only that layer.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "docker/imagepusher.h"
#include "kind/registrydelivery.h"
#include "test_dockerfixture.h"
#include "test_kindfakenode.h"
#include "test_registryserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace rr;
using kind::RegistryDelivery;
using rr::test::await;

class TestKindRegistry : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<docker::DockerClient> m_client;
    test::RegistryServer m_registry;
    QString m_suffix;
    QString m_base;    // a fresh image FROM busybox:1.36 with one layer of its own
    QString m_changed; // m_base plus one more layer
    QStringList m_images;

    RegistryDelivery::Target target() const { return {m_registry.host(), QString()}; }

    kind::RegistryDeliveryReport deliver(const QString &image)
    {
        auto report = await(RegistryDelivery::deliver(*m_client, image, target()));
        if (!report)
            qFatal("delivering %s failed: %s", qPrintable(image), qPrintable(report.error().toString()));
        return *report;
    }

    // Layers in the image's root file system, as Docker will push them.
    int layers(const QString &image)
    {
        const auto inspected = await(m_client->inspectImage(image));
        return inspected ? int(inspected->value("RootFS")["Layers"].toArray().size()) : -1;
    }

    int manifestLayers(const kind::RegistryDeliveryReport &report)
    {
        const QString name = report.pushedReference.section('/', 1).section(':', 0, 0);
        const auto answer = m_registry.manifest(name, report.pushedReference.section(':', -1));
        return int(QJsonDocument::fromJson(answer.body).object().value("layers").toArray().size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_client = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_client);
        if (!m_registry.start()) {
            if (qEnvironmentVariableIsSet("CI") || !test::RegistryServer::binary().isEmpty())
                QFAIL(qPrintable(m_registry.errorString()));
            QSKIP(qPrintable(m_registry.errorString()));
        }
        m_suffix = QString::number(QRandomGenerator::global()->generate(), 36);
        m_base = "rr-test-regbase:" + m_suffix;
        m_changed = "rr-test-regchanged:" + m_suffix;
        QString why = test::kindfake::buildImage(
            *m_client, m_base,
            {{"Dockerfile", "FROM busybox:1.36\nRUN echo " + m_suffix.toUtf8() + " > /id\n"}});
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_images << m_base;
        why = test::kindfake::buildImage(
            *m_client, m_changed,
            {{"Dockerfile", "FROM " + m_base.toUtf8() + "\nRUN echo changed > /changed\n"}});
        QVERIFY2(why.isEmpty(), qPrintable(why));
        m_images << m_changed;
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        // By id and forced, children first: that also removes every registry tag the pushes added.
        for (auto it = m_images.crbegin(); it != m_images.crend(); ++it)
            if (auto inspected = await(m_client->inspectImage(*it)))
                QVERIFY(await(m_client->removeImage(inspected->value("Id").toString(), true)).has_value());
    }

    void firstPushUploadsEveryLayerAndTheRegistryServesIt()
    {
        const qint64 before = m_registry.storedBlobBytes();
        const auto report = deliver(m_base);
        QVERIFY(report.imageId.startsWith("sha256:"));
        const QString tag = RegistryDelivery::tagFor(report.imageId);
        QCOMPARE(report.pushedReference, m_registry.host() + "/reporunner/rr-test-regbase:" + tag);
        QCOMPARE(report.podReference, report.pushedReference); // no hostFromContainerRuntime
        // busybox:1.36's layers and ours, all new to this registry.
        const int count = layers(m_base);
        QVERIFY(count >= 2);
        QCOMPARE(report.push.layersPushed(), count);
        QCOMPARE(report.push.layersExisting(), 0);
        QVERIFY(report.push.bytesPushed > 0);

        // The registry really holds it: the manifest under the tag, with the digest Docker saw.
        const auto manifest = m_registry.manifest("reporunner/rr-test-regbase", tag);
        QCOMPARE(manifest.status, 200);
        QCOMPARE(QString::fromLatin1(manifest.digest), report.push.digest);
        QCOMPARE(manifestLayers(report), count);
        QVERIFY(m_registry.storedBlobBytes() > before);
        QCOMPARE(m_registry.manifest("reporunner/rr-test-regbase", "sha256-0000000000000000").status, 404);
    }

    void unchangedSecondPushUploadsNothing()
    {
        deliver(m_base); // idempotent whatever ran before
        const qint64 stored = m_registry.storedBlobBytes();
        const auto again = deliver(m_base);
        QCOMPARE(again.push.layersPushed(), 0);
        QCOMPARE(again.push.bytesPushed, qint64(0));
        QCOMPARE(again.push.layersExisting(), layers(m_base));
        QCOMPARE(m_registry.storedBlobBytes(), stored); // nothing new arrived
    }

    void changedLayerIsTheOnlyUpload()
    {
        const auto base = deliver(m_base);
        const qint64 stored = m_registry.storedBlobBytes();
        const auto changed = deliver(m_changed);
        QVERIFY(changed.imageId != base.imageId);
        QCOMPARE(changed.push.layersPushed(), 1);
        QCOMPARE(changed.push.layersExisting(), layers(m_base));
        QCOMPARE(layers(m_changed), layers(m_base) + 1);
        QCOMPARE(manifestLayers(changed), layers(m_changed));
        // The one new layer is a few hundred bytes compressed; the base's busybox is ~1 MB.
        const qint64 grew = m_registry.storedBlobBytes() - stored;
        QVERIFY2(grew > 0 && grew < 100 * 1024, qPrintable(QString::number(grew)));
        // Docker's own count agrees: a tar of one small file, not busybox's megabytes again.
        QVERIFY2(changed.push.bytesPushed > 0 && changed.push.bytesPushed < 100 * 1024,
                 qPrintable(QString::number(changed.push.bytesPushed)));
        QCOMPARE(
            m_registry.manifest("reporunner/rr-test-regchanged", RegistryDelivery::tagFor(changed.imageId))
                .status,
            200);
    }

    void podsMayNameTheRegistryDifferently()
    {
        const auto report =
            await(RegistryDelivery::deliver(*m_client, m_base, {m_registry.host(), "kind-registry:5000"}));
        QVERIFY(report.has_value());
        QVERIFY(report->pushedReference.startsWith(m_registry.host() + "/reporunner/"));
        QCOMPARE(report->podReference, "kind-registry:5000/reporunner/rr-test-regbase:" +
                                           RegistryDelivery::tagFor(report->imageId));
    }

    void unreachableRegistryIsAClearError()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString closed = QStringLiteral("127.0.0.1:%1").arg(probe.serverPort());
        probe.close(); // nothing listens there now
        const auto result = await(RegistryDelivery::deliver(*m_client, m_base, {closed, QString()}));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Docker);
        QCOMPARE(result.error().code, QString("docker.push.failed"));
        QVERIFY2(result.error().message.contains(closed + "/reporunner/rr-test-regbase"),
                 qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains("connection refused"), qPrintable(result.error().message));
        QVERIFY(result.error().details.contains(closed));
    }

    void missingImageIsAClearError()
    {
        const auto result = await(RegistryDelivery::deliver(*m_client, m_base + "-absent", target()));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, QString("kind.image.not_found"));
        QVERIFY(result.error().message.contains(m_base + "-absent"));
    }
};

QTEST_GUILESS_MAIN(TestKindRegistry)
#include "test_kind_registry.moc"
