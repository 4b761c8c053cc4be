// KubeRuntime with KEP-1755 registry delivery, end to end on real components: the cluster (the
// test API server, or REPORUNNER_TEST_KUBECONFIG) publishes kube-public/local-registry-hosting,
// LOADING pushes the run's built image through the real Docker daemon into a real
// docker-registry, and the workloads name the registry reference with IfNotPresent. The
// simulated node only starts a pod after finding the manifest in that registry over HTTP.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "kind/clusterimageloader.h"
#include "kind/registrydelivery.h"
#include "kube/kuberuntime.h"
#include "kubetestenv.h"
#include "test_dockerfixture.h"
#include "test_kindfakenode.h"
#include "test_kube_support.h"
#include "test_planfor.h"
#include "test_registryserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::awaitFuture;
using rr::test::kubeapi::KubeTestEnv;

namespace {
// How pods name the test registry: not the host Docker pushes to, as with kind's recipe when
// containerd reaches the registry container by its network name.
const QString PodRegistryHost = "rr-registry.test:5000";
} // namespace

class TestKubeRegistryDelivery final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_work;
    std::unique_ptr<docker::DockerClient> m_docker;
    test::RegistryServer m_registry;
    std::unique_ptr<test::TinyHttpServer> m_http;
    QString m_pullHost; // the registry host in pod specs
    QStringList m_images;
    QStringList m_events;

    plan::RunPlan planFor(const QString &runId)
    {
        const QString dir = m_work.filePath(runId);
        const QByteArray nonce = QByteArray::number(QRandomGenerator::global()->generate());
        test::writeTree(dir, {{"compose.yaml", "services:\n  web:\n    build: .\n    ports: [\"8080:80\"]\n"},
                              {"Dockerfile", "FROM busybox:1.36\nRUN echo " + nonce +
                                                 " > /nonce\nEXPOSE 80\nCMD [\"httpd\", \"-f\", \"-p\", "
                                                 "\"80\", \"-h\", \"/\"]\n"}});
        return test::planFor(dir, runId);
    }

    // Builds the plan's image as the BUILDING phase would have.
    QString build(const plan::RunPlan &plan)
    {
        const plan::ServicePlan &web = plan.services.first();
        const QString why = test::kindfake::buildImage(
            *m_docker, web.image,
            {{"Dockerfile",
              "FROM busybox:1.36\nRUN echo " + plan.runId.toUtf8() +
                  " > /run\nEXPOSE 80\nCMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/\"]\n"}});
        if (why.isEmpty())
            m_images << web.image;
        return why;
    }

    std::unique_ptr<kube::KubeRuntime> makeRuntime(kube::KubeOptions options)
    {
        options.kubeconfigFiles = {m_env.kubeconfig()};
        options.allowedContexts = m_env.allowedContexts();
        // Images LOADING did not move would have to be on the node already; moved ones must
        // still get IfNotPresent.
        options.imagePullPolicy = "Never";
        options.readyTimeoutSeconds = 90;
        options.previewProbeSeconds = 30;
        auto runtime = std::make_unique<kube::KubeRuntime>(&m_nam, options);
        connect(runtime.get(), &runtime::Runtime::logLine, this,
                [this](const QString &, const QString &service, const QString &stream, const QString &text) {
                    if (stream == "event")
                        m_events << service + ": " + text;
                });
        return runtime;
    }

    QJsonObject container(const QString &ns)
    {
        return m_env.request("GET", "/apis/apps/v1/namespaces/" + ns + "/deployments/web")
            .json()
            .value("spec")["template"]["spec"]["containers"][0]
            .toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_docker = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_docker);
        const auto existing =
            m_env.request("GET", "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting");
        if (!m_env.isSimulated()) {
            // A real cluster's registry is its owner's: used as published, never replaced.
            if (existing.code == 404)
                QSKIP("the cluster publishes no kube-public/local-registry-hosting");
            const auto hosting = kube::LocalRegistryHosting::fromConfigMap(existing.json());
            QVERIFY2(hosting && *hosting, "the cluster's local-registry-hosting is unusable");
            m_pullHost = (*hosting)->pullHost();
            return;
        }
        QVERIFY2(m_registry.start(), qPrintable(m_registry.errorString()));
        m_pullHost = PodRegistryHost;
        const QJsonObject configMap{
            {"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", QJsonObject{{"name", "local-registry-hosting"}, {"namespace", "kube-public"}}},
            {"data", QJsonObject{{"localRegistryHosting.v1",
                                  QString("host: \"%1\"\nhostFromContainerRuntime: \"%2\"\n"
                                          "help: \"https://kind.sigs.k8s.io/docs/user/local-registry/\"\n")
                                      .arg(m_registry.host(), PodRegistryHost)}}}};
        QCOMPARE(m_env
                     .request("POST", "/api/v1/namespaces/kube-public/configmaps",
                              QJsonDocument(configMap).toJson())
                     .code,
                 201);
        QVERIFY(m_env.control("registry", {{"host", PodRegistryHost}, {"url", m_registry.url()}}));
        m_http = std::make_unique<test::TinyHttpServer>("served from the registry image");
        QVERIFY(m_env.control("forward",
                              {{"port", 80}, {"target", QString("127.0.0.1:%1").arg(m_http->serverPort())}}));
    }

    void cleanupTestCase()
    {
        if (!m_docker)
            return;
        for (const QString &image : std::as_const(m_images))
            if (auto inspected = test::await(m_docker->inspectImage(image)))
                test::await(m_docker->removeImage(inspected->value("Id").toString(), true));
    }

    void runReachesReadyFromTheRegistry()
    {
        const plan::RunPlan plan = planFor("kreg1");
        QCOMPARE(plan.services.size(), 1);
        QVERIFY(plan.services.first().build.has_value());
        const QString why = build(plan);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const auto inspected = test::await(m_docker->inspectImage(plan.services.first().image));
        QVERIFY(inspected.has_value());
        const QString expected =
            kind::RegistryDelivery::repositoryFor(m_pullHost, plan.services.first().image) + ":" +
            kind::RegistryDelivery::tagFor(inspected->value("Id").toString());

        kube::KubeOptions options;
        options.imageLoader = kind::ClusterImageLoader::make(m_docker.get(), QString());
        auto runtime = makeRuntime(options);
        const auto loaded = awaitFuture(runtime->loadImages(plan), 120000);
        QVERIFY2(loaded.has_value(), qPrintable(loaded ? QString() : loaded.error().toString()));
        QVERIFY2(!m_events.filter("pushed ").filter("to the cluster's registry").isEmpty(),
                 qPrintable(m_events.join('\n')));
        if (m_env.isSimulated()) // what the nodes will pull really is in the registry
            QCOMPARE(
                m_registry.manifest(expected.section('/', 1).section(':', 0, 0), expected.section(':', -1))
                    .status,
                200);

        const auto deployed = awaitFuture(runtime->deploy(plan), 120000);
        QVERIFY2(deployed.has_value(),
                 qPrintable(deployed ? QString() : deployed.error().toString() + deployed.error().details));
        const QJsonObject web = container(plan.namespaceName);
        QCOMPARE(web["image"].toString(), expected);
        QCOMPARE(web["imagePullPolicy"].toString(), QString("IfNotPresent"));
        QCOMPARE(deployed->details["images"].toObject()[plan.services.first().image].toString(), expected);
        const QJsonArray pods = m_env.request("GET", "/api/v1/namespaces/" + plan.namespaceName + "/pods")
                                    .json()
                                    .value("items")
                                    .toArray();
        QVERIFY(!pods.isEmpty());
        QCOMPARE(pods.first()["status"]["containerStatuses"][0]["ready"].toBool(), true);

        QVERIFY(awaitFuture(runtime->teardown(plan.runId), 120000).has_value());
    }

    void stopDuringLoadingCancelsIt()
    {
        const plan::RunPlan plan = planFor("kreg3");
        kube::KubeOptions options;
        bool loaderCalled = false;
        options.imageLoader = [&loaderCalled](const kube::ImageLoadRequest &) {
            loaderCalled = true;
            return QFuture<core::Result<kube::ImageMap>>();
        };
        auto runtime = makeRuntime(options);
        auto loading = runtime->loadImages(plan);
        runtime->cancel(plan.runId); // while the registry is still being looked up
        const auto result = awaitFuture(loading);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Cancelled);
        QVERIFY(!loaderCalled);
    }

    void imageMissingFromTheRegistryFailsToPull()
    {
        if (!m_env.isSimulated())
            QSKIP("needs the simulated node; a real one would retry the pull until the timeout");
        const plan::RunPlan plan = planFor("kreg2");
        // A loader that claims a delivery it never made: the node must not believe it.
        const QString absent = PodRegistryHost + "/reporunner/never-pushed:sha256-0000000000000000";
        kube::KubeOptions options;
        options.imageLoader = [absent](const kube::ImageLoadRequest &request) {
            kube::ImageMap map;
            map.insert(request.plan.services.first().image, absent);
            return core::promises::ready(core::Result<kube::ImageMap>(map));
        };
        auto runtime = makeRuntime(options);
        QVERIFY(awaitFuture(runtime->loadImages(plan)).has_value());
        const auto result = awaitFuture(runtime->deploy(plan), 120000);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, QString("kube.image.pull"));
        QVERIFY2(result.error().message.contains(absent), qPrintable(result.error().message));
        QVERIFY2(result.error().message.contains("not found"), qPrintable(result.error().message));
        // The pod says what containerd would say, then backs off like the kubelet.
        const auto waiting = [this, &plan] {
            return m_env.request("GET", "/api/v1/namespaces/" + plan.namespaceName + "/pods")
                .json()
                .value("items")[0]["status"]["containerStatuses"][0]["state"]["waiting"]
                .toObject();
        };
        QTRY_COMPARE_WITH_TIMEOUT(waiting()["reason"].toString(), QString("ImagePullBackOff"), 10000);
        QCOMPARE(waiting()["message"].toString(), "Back-off pulling image \"" + absent + "\"");
        QVERIFY2(result.error().message.contains("failed to pull and unpack image"),
                 qPrintable(result.error().message));
        QVERIFY(awaitFuture(runtime->teardown(plan.runId), 120000).has_value());
    }
};

QTEST_GUILESS_MAIN(TestKubeRegistryDelivery)
#include "test_kube_registry_delivery.moc"
