// KubeClient, KubeWatch, LogFollower and the port-forward tunnel against the test API server
// (or REPORUNNER_TEST_KUBECONFIG; simulation-only cases skip there).
#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/kubewatch.h"
#include "kube/logfollower.h"
#include "kube/portforwarder.h"
#include "kubetestenv.h"
#include "test_kube_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTest>

using namespace rr;
using rr::test::awaitFuture;
using rr::test::httpGet;
using rr::test::kubeapi::KubeTestEnv;

// QSKIP must run in the test function itself: it returns from the function it is in.
#define RR_REQUIRE_SIMULATION()                                                                              \
    do {                                                                                                     \
        if (!m_env.isSimulated())                                                                            \
            QSKIP("needs the simulated cluster (control API, scripted pods)");                               \
    } while (false)

class TestKubeClient final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QNetworkAccessManager m_nam;
    std::unique_ptr<kube::KubeClient> m_client;
    QString m_ns = QStringLiteral("rr-kube-client-test");

    static QJsonObject configMap(const QString &ns, const QString &name, const QString &value)
    {
        return {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                {QStringLiteral("kind"), QStringLiteral("ConfigMap")},
                {QStringLiteral("metadata"),
                 QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("namespace"), ns}}},
                {QStringLiteral("data"), QJsonObject{{QStringLiteral("k"), value}}}};
    }

    QJsonObject pod(const QString &name, const QString &image, const QJsonObject &annotations = {}) const
    {
        return {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                {QStringLiteral("kind"), QStringLiteral("Pod")},
                {QStringLiteral("metadata"),
                 QJsonObject{{QStringLiteral("name"), name},
                             {QStringLiteral("namespace"), m_ns},
                             {QStringLiteral("labels"), QJsonObject{{QStringLiteral("app"), name}}},
                             {QStringLiteral("annotations"), annotations}}},
                {QStringLiteral("spec"),
                 QJsonObject{{QStringLiteral("containers"),
                              QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("c")},
                                                     {QStringLiteral("image"), image}}}}}}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        auto config = kube::Kubeconfig::load({m_env.kubeconfig()});
        QVERIFY(config.has_value());
        auto context = config->resolve();
        QVERIFY(context.has_value());
        m_client = std::make_unique<kube::KubeClient>(&m_nam, *context);
        const auto created = awaitFuture(
            m_client->create(QStringLiteral("/api/v1/namespaces"),
                             {{QStringLiteral("apiVersion"), QStringLiteral("v1")},
                              {QStringLiteral("kind"), QStringLiteral("Namespace")},
                              {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), m_ns}}}}));
        QVERIFY2(created.has_value(), qPrintable(created ? QString() : created.error().message));
    }

    void cleanupTestCase()
    {
        if (m_client)
            awaitFuture(m_client->remove(QStringLiteral("/api/v1/namespaces/") + m_ns));
    }

    void applyCreatesThenUpdates()
    {
        std::optional<core::Result<kube::KubeReply>> first, second;
        m_client->apply(configMap(m_ns, QStringLiteral("applied"), QStringLiteral("1")), this,
                        [&](const core::Result<kube::KubeReply> &r) { first = r; });
        QTRY_VERIFY(first.has_value());
        QVERIFY(first->has_value());
        QCOMPARE((*first)->status, 201);
        m_client->apply(configMap(m_ns, QStringLiteral("applied"), QStringLiteral("2")), this,
                        [&](const core::Result<kube::KubeReply> &r) { second = r; });
        QTRY_VERIFY(second.has_value());
        QCOMPARE((*second)->status, 200);
        const auto got =
            awaitFuture(m_client->get(QStringLiteral("/api/v1/namespaces/%1/configmaps/applied").arg(m_ns)));
        QVERIFY(got.has_value());
        QCOMPARE(got->value(QStringLiteral("data"))[QStringLiteral("k")].toString(), QStringLiteral("2"));
        bool ours = false;
        for (const QJsonValue &m :
             got->value(QStringLiteral("metadata"))[QStringLiteral("managedFields")].toArray())
            ours = ours || m[QStringLiteral("manager")].toString() == QLatin1String("reporunner");
        QVERIFY(ours);
    }

    void statusBodiesBecomeErrors()
    {
        const auto missing = awaitFuture(m_client->get(QStringLiteral("/api/v1/namespaces/no-such-ns-xyz")));
        QVERIFY(!missing.has_value());
        QCOMPARE(missing.error().code, QStringLiteral("kube.notFound"));
        QVERIFY(missing.error().message.contains(QStringLiteral("no-such-ns-xyz")));

        QJsonObject unknown = configMap(m_ns, QStringLiteral("strict"), QStringLiteral("x"));
        unknown.insert(QStringLiteral("spec"), QJsonObject{{QStringLiteral("foo"), 1}});
        const auto strict = awaitFuture(m_client->apply(unknown));
        QVERIFY(!strict.has_value());
        // A real API server refuses it as a 500 without a reason; the code is derived from that.
        QCOMPARE(strict.error().code, QStringLiteral("kube.internalError"));
        QVERIFY2(strict.error().message.contains(QStringLiteral(".spec: field not declared in schema")),
                 qPrintable(strict.error().message));

        QJsonObject service{
            {QStringLiteral("apiVersion"), QStringLiteral("v1")},
            {QStringLiteral("kind"), QStringLiteral("Service")},
            {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("My_svc")},
                                                     {QStringLiteral("namespace"), m_ns}}},
            {QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("ports"), QJsonArray{QJsonObject{{QStringLiteral("port"), 80}}}}}}};
        const auto invalid = awaitFuture(m_client->apply(service));
        QVERIFY(!invalid.has_value());
        QCOMPARE(invalid.error().code, QStringLiteral("kube.invalid"));
        QVERIFY(invalid.error().details.contains(QStringLiteral("metadata.name")));
    }

    void watchRecoversFromExpiry_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::newRow("in-stream ERROR") << QStringLiteral("event");
        QTest::newRow("plain HTTP 410") << QStringLiteral("http");
    }
    void watchRecoversFromExpiry()
    {
        RR_REQUIRE_SIMULATION();
        QFETCH(QString, mode);
        const QString prefix = mode + QStringLiteral("-cm-");
        kube::KubeWatch watch(m_client.get(), QStringLiteral("/api/v1/namespaces/%1/configmaps").arg(m_ns));
        watch.timeoutSeconds = 1; // streams end every second, so the next watch meets the expiry
        QStringList seen;
        connect(&watch, &kube::KubeWatch::changed, this, [&seen](const QString &type, const QJsonObject &o) {
            seen << type + QLatin1Char(' ') +
                        o[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        });
        watch.start();
        QTRY_VERIFY(watch.isSynced());
        QCOMPARE(watch.relists(), 1);
        awaitFuture(m_client->apply(configMap(m_ns, prefix + QStringLiteral("a"), QStringLiteral("1"))));
        QTRY_VERIFY(seen.contains(QStringLiteral("ADDED ") + prefix + QStringLiteral("a")));

        QVERIFY(m_env.control(QStringLiteral("expire-watches"),
                              {{QStringLiteral("count"), 1}, {QStringLiteral("mode"), mode}}));
        QTRY_VERIFY_WITH_TIMEOUT(watch.relists() >= 2, 10000);
        // After the re-list the cache is complete and new changes keep arriving.
        awaitFuture(m_client->apply(configMap(m_ns, prefix + QStringLiteral("b"), QStringLiteral("1"))));
        QTRY_VERIFY(watch.objects().contains(m_ns + QLatin1Char('/') + prefix + QStringLiteral("b")));
        QVERIFY(watch.objects().contains(m_ns + QLatin1Char('/') + prefix + QStringLiteral("a")));
        awaitFuture(
            m_client->remove(QStringLiteral("/api/v1/namespaces/%1/configmaps/%2a").arg(m_ns, prefix)));
        QTRY_VERIFY(!watch.objects().contains(m_ns + QLatin1Char('/') + prefix + QStringLiteral("a")));
        watch.stop();
    }

    void logsFollowRestarts()
    {
        RR_REQUIRE_SIMULATION();
        const QJsonObject annotations{
            {QStringLiteral("test.reporunner.dev/log"), QStringLiteral("one\ntwo")}};
        QVERIFY(awaitFuture(m_client->create(
                                QStringLiteral("/api/v1/namespaces/%1/pods").arg(m_ns),
                                pod(QStringLiteral("crashy"), QStringLiteral("rr/crashloop:1"), annotations)))
                    .has_value());
        kube::LogFollower follower(m_client.get(), m_ns, QStringLiteral("crashy"), QStringLiteral("c"));
        QStringList lines;
        connect(&follower, &kube::LogFollower::line, this, [&lines](const QString &l) { lines << l; });
        follower.start();
        // Each container instance prints "one", "two"; three instances mean two re-opens.
        QTRY_VERIFY_WITH_TIMEOUT(lines.count(QStringLiteral("two")) >= 3, 20000);
        QCOMPARE(lines.count(QStringLiteral("one")),
                 lines.count(QStringLiteral("two")) + (lines.last() == QLatin1String("one") ? 1 : 0));
        follower.stop();
        const auto previous = awaitFuture(m_client->getText(
            QStringLiteral("/api/v1/namespaces/%1/pods/crashy/log?container=c&previous=true").arg(m_ns)));
        QVERIFY(previous.has_value());
        QVERIFY(previous->contains("two"));
    }

    void forwardErrorsCloseTheConnection()
    {
        RR_REQUIRE_SIMULATION();
        // Port 7777 has no forward target: the server reports it on the error channel.
        QVERIFY(awaitFuture(m_client->create(QStringLiteral("/api/v1/namespaces/%1/pods").arg(m_ns),
                                             pod(QStringLiteral("lonely"), QStringLiteral("rr/plain:1"))))
                    .has_value());
        kube::KubeWatch pods(m_client.get(), QStringLiteral("/api/v1/namespaces/%1/pods").arg(m_ns));
        pods.start();
        kube::PortForwarder forwarder(m_client.get(), m_ns, &pods);
        QStringList messages;
        connect(&forwarder, &kube::PortForwarder::message, this,
                [&messages](const QString &, const QString &text) { messages << text; });
        kube::ForwardSpec spec;
        spec.service = QStringLiteral("lonely");
        spec.selector = {{QStringLiteral("app"), QStringLiteral("lonely")}};
        spec.targetPort = 7777;
        spec.containerPort = 7777;
        QTRY_VERIFY(!forwarder.pickPod(spec).isEmpty());
        bool containerPortFree = false; // other software on this machine may hold it
        {
            QTcpServer probe;
            containerPortFree = probe.listen(QHostAddress::LocalHost, 7777);
        }
        const auto port = forwarder.add(spec);
        QVERIFY(port.has_value());
        QCOMPARE(*port == 7777, containerPortFree); // the container port when free and >= 1024
        QVERIFY(httpGet(*port, 3000).isEmpty());
        QTRY_VERIFY(!messages.isEmpty());
        QVERIFY2(messages.first().contains(QStringLiteral("lonely")), qPrintable(messages.first()));
        QTRY_COMPARE(forwarder.openTunnels(), 0);

        // A busy published port is left alone: another port is chosen.
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        spec.preferredPort = squatter.serverPort();
        spec.containerPort = 80;
        const auto other = forwarder.add(spec);
        QVERIFY(other.has_value());
        QVERIFY(*other != squatter.serverPort() && *other != 80);
        QVERIFY(squatter.isListening());
        forwarder.closeAll();
        pods.stop();
    }
};

QTEST_GUILESS_MAIN(TestKubeClient)
#include "test_kube_client.moc"
