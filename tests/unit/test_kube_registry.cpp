// The KEP-1755 local-registry-hosting parser and the image map LOADING hands to deployment.
#undef QT_NO_CAST_FROM_ASCII

#include "kube/imagemap.h"
#include "kube/localregistryhosting.h"

#include <QJsonObject>
#include <QTest>

using namespace rr;
using kube::ImageMap;
using kube::LocalRegistryHosting;

class TestKubeRegistry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesEveryField()
    {
        const auto parsed =
            LocalRegistryHosting::parse("host: \"localhost:5001\"\n"
                                        "hostFromContainerRuntime: kind-registry:5000\n"
                                        "hostFromClusterNetwork: \"kind-registry:5000\"\n"
                                        "help: \"https://kind.sigs.k8s.io/docs/user/local-registry/\"\n");
        QVERIFY2(parsed.has_value(), parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->host, QString("localhost:5001"));
        QCOMPARE(parsed->hostFromContainerRuntime, QString("kind-registry:5000"));
        QCOMPARE(parsed->hostFromClusterNetwork, QString("kind-registry:5000"));
        QCOMPARE(parsed->help, QString("https://kind.sigs.k8s.io/docs/user/local-registry/"));
        QCOMPARE(parsed->pullHost(), QString("kind-registry:5000"));
    }

    void hostAloneIsEnough()
    {
        // What infra/kind/local-registry-hosting.yaml publishes.
        const auto parsed = LocalRegistryHosting::parse("host: \"localhost:5001\"\nhelp: x\n");
        QVERIFY(parsed.has_value());
        QCOMPARE(parsed->pullHost(), QString("localhost:5001"));
        QVERIFY(parsed->hostFromClusterNetwork.isEmpty());
    }

    void refusesWhatIsUnusable_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no host") << QByteArray("help: https://example.invalid/\n") << "has no \"host\"";
        QTest::newRow("empty host") << QByteArray("host: \"\"\n") << "has no \"host\"";
        QTest::newRow("empty document") << QByteArray("") << "must be a mapping";
        QTest::newRow("a list") << QByteArray("- localhost:5001\n") << "must be a mapping";
        QTest::newRow("host is a map") << QByteArray("host: {name: x}\n") << "\"host\" must be a string";
        QTest::newRow("scheme") << QByteArray("host: http://localhost:5001\n")
                                << "\"http://localhost:5001\" is not a registry host";
        QTest::newRow("bad runtime host")
            << QByteArray("host: localhost:5001\nhostFromContainerRuntime: a/b\n")
            << "\"a/b\" is not a registry host";
        QTest::newRow("malformed") << QByteArray("host: localhost:5001\nhelp: [unclosed\n")
                                   << "is not valid YAML at line";
    }
    void refusesWhatIsUnusable()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, mentions);
        const auto parsed = LocalRegistryHosting::parse(yaml);
        QVERIFY(!parsed.has_value());
        QCOMPARE(parsed.error().category, core::ErrorCategory::Kube);
        QCOMPARE(parsed.error().code, QString("kube.registry.invalid"));
        QVERIFY2(parsed.error().message.contains(mentions), qPrintable(parsed.error().message));
        QVERIFY(parsed.error().message.contains("kube-public/local-registry-hosting"));
    }

    void readsTheConfigMap()
    {
        // Built, not written as JSON text: moc cannot read raw strings that contain \".
        const auto configMap = [](const QString &key, const QString &yaml) {
            return QJsonObject{
                {"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", QJsonObject{{"name", "local-registry-hosting"}, {"namespace", "kube-public"}}},
                {"data", QJsonObject{{key, yaml}}}};
        };
        const auto found = LocalRegistryHosting::fromConfigMap(
            configMap("localRegistryHosting.v1", "host: \"localhost:5001\"\n"));
        QVERIFY(found.has_value() && found->has_value());
        QCOMPARE((*found)->host, QString("localhost:5001"));

        // Only a future version's key: no registry we understand.
        const auto none =
            LocalRegistryHosting::fromConfigMap(configMap("localRegistryHosting.v2", "host: x:1\n"));
        QVERIFY(none.has_value());
        QVERIFY(!none->has_value());

        const QJsonObject broken = configMap("localRegistryHosting.v1", "host: [\n");
        QVERIFY(!LocalRegistryHosting::fromConfigMap(broken).has_value());
    }

    void imageMapRewritesOnlyMovedImages()
    {
        plan::RunPlan p;
        plan::ServicePlan web;
        web.name = "web";
        web.image = "reporunner/o-r-web:abc-1";
        plan::ServicePlan db;
        db.name = "db";
        db.image = "postgres:16";
        p.services = {web, db};

        ImageMap map;
        map.insert("reporunner/o-r-web:abc-1", "localhost:5001/reporunner/o-r-web:sha256-0123456789abcdef");
        map.insert("postgres:16", "postgres:16"); // identity entries are not kept
        const plan::RunPlan out = map.apply(p);
        QCOMPARE(out.services[0].image, QString("localhost:5001/reporunner/o-r-web:sha256-0123456789abcdef"));
        QCOMPARE(out.services[1].image, QString("postgres:16"));
        QCOMPARE(map.pullPolicyFor(out.services[0].image, "Never"), QString("IfNotPresent"));
        QCOMPARE(map.pullPolicyFor(out.services[1].image, "Never"), QString("Never"));
        QCOMPARE(map.pullPolicyFor(out.services[1].image, QString()), QString());

        const QJsonObject json = map.toJson();
        QCOMPARE(json.size(), 1);
        QCOMPARE(ImageMap::fromJson(json), map);
        QVERIFY(ImageMap().isEmpty());
        QCOMPARE(ImageMap().apply(p).services[0].image, web.image);
    }
};

QTEST_GUILESS_MAIN(TestKubeRegistry)
#include "test_kube_registry.moc"
