// KubeRuntime end to end against the test API server, and against a real cluster (the local one
// of scripts/local-cluster.sh, or REPORUNNER_TEST_KUBECONFIG): the bundled compose example to
// READY with preview bytes through the v4 port-forward, pod replacement, plain-language failure
// diagnoses, Stop through Terminating, and two runs at once. Where pods really run, the images
// are built by Docker and pushed to the cluster's registry, and every failure is a real one.
#include "kube/kubeclient.h"
#include "kube/kubedriver.h"
#include "kube/kuberuntime.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"
#include "test_kube_support.h"
#include "test_planfor.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QPromise>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace rr;
using rr::test::awaitFuture;
using rr::test::httpGet;
using rr::test::TinyHttpServer;
using rr::test::kubeapi::KubeTestEnv;

namespace {

struct LogLine
{
    QString runId, service, stream, text;
};

} // namespace

// QSKIP must run in the test function itself: it returns from the function it is in. Pods must
// either be scripted (simulator) or really run; kwok's fake pods serve no port.
#define RR_REQUIRE_PODS()                                                                                    \
    do {                                                                                                     \
        if (!m_env.isSimulated() && !m_env.runsPods())                                                       \
            QSKIP("kwok fakes the pods' status: nothing listens behind a forward there");                    \
    } while (false)

class TestKubeRuntime final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_work;
    std::unique_ptr<TinyHttpServer> m_http;
    test::ClusterImages m_images{m_env};
    QList<LogLine> m_logs;
    QStringList m_namespaces;

    QString exampleDir() const
    {
        return qEnvironmentVariable("REPORUNNER_SOURCE_DIR") + QStringLiteral("/examples/compose-app");
    }

    // Remembers each run's namespace, so a test that fails half-way leaves nothing behind.
    plan::RunPlan planFor(const QString &dir, const QString &runId, bool allowUnsafe = false)
    {
        plan::RunPlan plan = test::planFor(dir, runId, allowUnsafe);
        m_namespaces << plan.namespaceName;
        return plan;
    }

    std::unique_ptr<kube::KubeRuntime> makeRuntime(const QString &pullPolicy = QStringLiteral("Never"))
    {
        kube::KubeOptions options;
        options.kubeconfigFiles = {m_env.kubeconfig()};
        options.allowedContexts = m_env.allowedContexts();
        options.imagePullPolicy = pullPolicy;
        options.readyTimeoutSeconds = m_env.runsPods() ? 180 : 60;
        options.previewProbeSeconds = m_env.runsPods() ? 60 : 20;
        options.imageLoader = m_images.loader();
        auto runtime = std::make_unique<kube::KubeRuntime>(&m_nam, options);
        connect(
            runtime.get(), &runtime::Runtime::logLine, this,
            [this](const QString &run, const QString &service, const QString &stream, const QString &text) {
                m_logs.append({run, service, stream, text});
            });
        return runtime;
    }

    QStringList logTexts(const QString &runId, const QString &stream) const
    {
        QStringList out;
        for (const LogLine &l : m_logs)
            if (l.runId == runId && l.stream == stream)
                out << l.service + QStringLiteral(": ") + l.text;
        return out;
    }

    QJsonArray pods(const QString &ns, const QString &service)
    {
        return m_env
            .request("GET",
                     QStringLiteral("/api/v1/namespaces/") + ns + QStringLiteral("/pods?labelSelector=") +
                         QString::fromLatin1(
                             QUrl::toPercentEncoding(QStringLiteral("reporunner.dev/service=") + service)))
            .json()
            .value(QStringLiteral("items"))
            .toArray();
    }

    int namespaceCode(const QString &ns) const
    {
        return m_env.request("GET", QStringLiteral("/api/v1/namespaces/") + ns).code;
    }

    bool loadImages(kube::KubeRuntime &runtime, const plan::RunPlan &plan)
    {
        return m_images.load(runtime, plan);
    }

    // What the example's web service answers on /: our stand-in, or the real page.
    QByteArray webPage() const
    {
        return m_env.runsPods() ? QByteArrayLiteral("RepoRunner compose demo")
                                : QByteArrayLiteral("hello through the tunnel");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        m_http = std::make_unique<TinyHttpServer>("hello through the tunnel");
        QVERIFY(m_http->isListening());
        const QString why = m_images.prepare();
        QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("pods run there, so Docker must build: ") + why));
        if (m_env.isSimulated()) {
            // Pods of the example listen on 80 (web) and 9000 (api): both answer via our server.
            const QString target = QStringLiteral("127.0.0.1:%1").arg(m_http->serverPort());
            for (int port : {80, 9000})
                QVERIFY(m_env.control(QStringLiteral("forward"),
                                      {{QStringLiteral("port"), port}, {QStringLiteral("target"), target}}));
            QVERIFY(m_env.control(QStringLiteral("config"), {{QStringLiteral("namespaceTerminationMs"), 1500},
                                                             {QStringLiteral("podTerminationMs"), 300}}));
        }
    }

    void cleanupTestCase()
    {
        for (const QString &ns : std::as_const(m_namespaces))
            m_env.request("DELETE", QStringLiteral("/api/v1/namespaces/") + ns);
    }

    void probeAnswersAndRemoteContextsAreRefused()
    {
        auto runtime = makeRuntime();
        QVERIFY(!runtime->configurationError());
        const auto up = awaitFuture(runtime->probe());
        QVERIFY2(up.has_value(), qPrintable(up ? QString() : up.error().message));

        // A context that is neither kind-reporunner nor named must be allow-listed.
        const QString remote = m_work.filePath(QStringLiteral("remote-config"));
        QFile f(remote);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "current-context: far\nclusters: [{name: c, cluster: {server: https://k8s.example.com:6443}}]\n"
            "contexts: [{name: far, context: {cluster: c}}]\n");
        f.close();
        kube::KubeOptions options;
        options.kubeconfigFiles = {remote};
        kube::KubeRuntime refused(&m_nam, options);
        const auto r = awaitFuture(refused.probe());
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, QStringLiteral("kube.context.not_allowed"));
    }

    void composeExampleRunsToReadyAndStops()
    {
        RR_REQUIRE_PODS();
        auto runtime = makeRuntime();
        const plan::RunPlan plan = planFor(exampleDir(), QStringLiteral("kx1"));
        bool sawReady = false;
        connect(runtime.get(), &runtime::Runtime::serviceStatusChanged, this,
                [&sawReady](const QString &, const runtime::ServiceStatus &st) {
                    sawReady = sawReady || (st.service == QLatin1String("web") &&
                                            st.state == runtime::ServiceState::Healthy);
                });
        QVERIFY(loadImages(*runtime, plan));
        const auto deployed = awaitFuture(runtime->deploy(plan), 240000);
        QVERIFY2(deployed.has_value(),
                 qPrintable(deployed ? QString() : deployed.error().toString() + deployed.error().details));

        // Waves: db before api before web, each started only once its dependency was healthy.
        const QStringList events = logTexts(plan.runId, QStringLiteral("event"));
        const auto at = [&events](const QString &s) {
            return events.indexOf(s + QStringLiteral(": Starting ") + s);
        };
        QVERIFY(at(QStringLiteral("db")) >= 0);
        QVERIFY(at(QStringLiteral("db")) < at(QStringLiteral("api")));
        QVERIFY(at(QStringLiteral("api")) < at(QStringLiteral("web")));
        // Cluster events are merged in, and container logs are followed.
        QVERIFY2(events.filter(QStringLiteral("Normal Started Pod/")).size() >= 3,
                 qPrintable(events.join(QLatin1Char('\n'))));
        QTRY_VERIFY(
            !logTexts(plan.runId, QStringLiteral("stdout")).filter(QStringLiteral("web: ")).isEmpty());

        // Endpoints: web published 8080 (or another free port), the api's exposed 9000.
        const runtime::Endpoint *web = nullptr;
        for (const runtime::Endpoint &e : deployed->endpoints)
            if (e.service == QLatin1String("web"))
                web = &e;
        QVERIFY(web);
        QVERIFY(web->primary);
        QCOMPARE(web->containerPort, 80);
        // The run's own loopback address, not 127.0.0.1 (issue 11 §5).
        QVERIFY2(web->host.startsWith(QLatin1String("127.77.")), qPrintable(web->host));
        QCOMPARE(web->url, QStringLiteral("http://%1:%2/").arg(web->host).arg(web->localPort));
        const int webPort = web->localPort;
        const QString webHost = web->host;
        const QByteArray reply = test::httpGetAt(webHost, webPort);
        QVERIFY2(reply.startsWith("HTTP/1.") && reply.contains(" 200 OK") && reply.contains(webPage()),
                 reply.constData());
        QVERIFY(sawReady);
        if (m_env.runsPods()) {
            // web → api → db by their compose names: cluster DNS, Services, and the run's
            // NetworkPolicy letting the namespace talk to itself, all real.
            const QByteArray chain = test::httpGetAt(webHost, webPort, 10000, "/cgi-bin/api");
            QVERIFY2(chain.contains("hello from the api") && chain.contains("db says: db-ok"),
                     chain.constData());
        }

        // Replace the web pod: new connections go to its successor.
        const QJsonArray before = pods(plan.namespaceName, QStringLiteral("web"));
        QCOMPARE(before.size(), 1);
        const QString oldPod = before.at(0)[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        QCOMPARE(m_env
                     .request("DELETE", QStringLiteral("/api/v1/namespaces/%1/pods/%2?gracePeriodSeconds=0")
                                            .arg(plan.namespaceName, oldPod))
                     .code,
                 200);
        kube::KubeDriver *deployer = runtime->run(plan.runId);
        QVERIFY(deployer);
        QTRY_VERIFY_WITH_TIMEOUT(pods(plan.namespaceName, QStringLiteral("web")).size() == 1 &&
                                     pods(plan.namespaceName, QStringLiteral("web"))
                                             .at(0)[QStringLiteral("metadata")][QStringLiteral("name")]
                                             .toString() != oldPod,
                                 30000);
        QByteArray again;
        QTRY_VERIFY_WITH_TIMEOUT((again = test::httpGetAt(webHost, webPort)).contains(webPage()), 30000);

        // Stop: the namespace goes through Terminating and is gone when teardown resolves.
        auto down = runtime->teardown(plan.runId);
        QTRY_VERIFY(m_env.request("GET", QStringLiteral("/api/v1/namespaces/") + plan.namespaceName)
                            .json()[QStringLiteral("status")][QStringLiteral("phase")]
                            .toString() == QLatin1String("Terminating") ||
                    down.isFinished());
        QVERIFY(!down.isFinished()); // it waits through Terminating
        const auto gone = awaitFuture(down, 180000);
        QVERIFY2(gone.has_value(), qPrintable(gone ? QString() : gone.error().message));
        QCOMPARE(namespaceCode(plan.namespaceName), 404);
        QVERIFY(
            !logTexts(plan.runId, QStringLiteral("event")).filter(QStringLiteral("Terminating")).isEmpty());
        QVERIFY(test::httpGetAt(webHost, webPort, 1000).isEmpty()); // the forward is closed
        QVERIFY(!awaitFuture(runtime->liveRunIds())->contains(plan.runId));
    }

    // Each row: the service as the simulator scripts it (its image name picks the failure), and
    // the same failure made real where pods run (a program that crashes, a probe that fails).
    // An empty column means that side can't produce it, with the reason in `skip`.
    void failuresAreDiagnosed_data()
    {
        QTest::addColumn<QString>("simulated");
        QTest::addColumn<QString>("real");
        QTest::addColumn<QByteArray>("dockerfile");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QStringList>("mentions");
        QTest::addColumn<QString>("details");
        QTest::addColumn<QString>("skip");
        const QString build = QStringLiteral("build: .");
        QTest::newRow("crash loop")
            << QStringLiteral("image: rr-test/crashloop-app:1") << build
            << QByteArray("FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo app started; exit 1\"]\n")
            << QStringLiteral("kube.crashLoop")
            << QStringList{QStringLiteral("app keeps crashing"), QStringLiteral("exited with code 1")}
            << QStringLiteral("app started") << QString();
        // tail keeps all of /dev/zero (it never sees a newline) until the memory limit kills it.
        // It waits first: containerd can record a kill right after start as Error, not OOMKilled,
        // when the exit event beats the OOM event (containerd/containerd#8180). Its health check
        // never passes, so the wait doesn't make it READY.
        QTest::newRow("oom")
            << QStringLiteral("image: rr-test/oomkill-app:1")
            << build + QStringLiteral("\n    mem_limit: 24m\n    healthcheck: {test: [CMD, \"false\"], "
                                      "interval: 1s}")
            << QByteArray("FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"echo app started; sleep 2; exec tail "
                          "/dev/zero\"]\n")
            << QStringLiteral("kube.oomKilled")
            << QStringList{QStringLiteral("ran out of memory"), QStringLiteral("137")}
            << QStringLiteral("app started") << QString();
        QTest::newRow("config") << QStringLiteral("image: rr-test/configerror-app:1") << QString()
                                << QByteArray() << QStringLiteral("kube.containerConfig")
                                << QStringList{QStringLiteral("app cannot start")} << QString()
                                << QStringLiteral(
                                       "a real node reports CreateContainerConfigError only for manifests "
                                       "the renderer never makes (runAsNonRoot with a root image, a "
                                       "missing key)");
        QTest::newRow("never pulled")
            << QStringLiteral("image: rr-test/not-loaded:1") << QStringLiteral("image: rr-test/not-loaded:1")
            << QByteArray() << QStringLiteral("kube.image.notLoaded")
            << QStringList{QStringLiteral("image rr-test/not-loaded:1 was not loaded into the cluster")}
            << QString() << QString();
        QTest::newRow("pod security")
            << QStringLiteral("image: rr-test/plain:1\n    privileged: true")
            << QStringLiteral("image: rr-test/plain:1\n    privileged: true") << QByteArray()
            << QStringLiteral("kube.podSecurity")
            << QStringList{QStringLiteral("Pod Security"), QStringLiteral("privileged")} << QString()
            << QString();
        // The real admission plugin: three replicas of 900M limits exceed the run's 2Gi quota.
        QTest::newRow("quota") << QString()
                               << build +
                                      QStringLiteral(
                                          "\n    deploy: {replicas: 3, resources: {limits: {memory: 900M}}}")
                               << QByteArray("FROM busybox:1.36\nCMD [\"sleep\", \"3600\"]\n")
                               << QStringLiteral("kube.quota") << QStringList{QStringLiteral("quota")}
                               << QString() << QStringLiteral("the simulator has no ResourceQuota admission");
    }
    void failuresAreDiagnosed()
    {
        RR_REQUIRE_PODS();
        QFETCH(QString, simulated);
        QFETCH(QString, real);
        QFETCH(QByteArray, dockerfile);
        QFETCH(QString, code);
        QFETCH(QStringList, mentions);
        QFETCH(QString, details);
        QFETCH(QString, skip);
        const QString service = m_env.isSimulated() ? simulated : real;
        if (service.isEmpty())
            QSKIP(qPrintable(skip));
        const QString dir = m_work.filePath(
            QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('-')));
        QDir().mkpath(dir);
        QFile compose(dir + QStringLiteral("/compose.yaml"));
        QVERIFY(compose.open(QIODevice::WriteOnly));
        compose.write(QStringLiteral("services:\n  app:\n    %1\n").arg(service).toUtf8());
        compose.close();
        if (!dockerfile.isEmpty()) {
            QFile f(dir + QStringLiteral("/Dockerfile"));
            QVERIFY(f.open(QIODevice::WriteOnly) && f.write(dockerfile) == dockerfile.size());
        }
        auto runtime = makeRuntime();
        const QString runId = QStringLiteral("kf") +
                              QString::number(qHash(QString::fromLatin1(QTest::currentDataTag())) % 100000);
        const plan::RunPlan plan = planFor(dir, runId, true);
        // Deliver everything except the image that must be missing.
        if (code != QLatin1String("kube.image.notLoaded"))
            QVERIFY(loadImages(*runtime, plan));
        const auto result = awaitFuture(runtime->deploy(plan), 240000);
        QVERIFY2(!result.has_value(), "a broken service must not reach READY");
        QCOMPARE(result.error().category, core::ErrorCategory::Kube);
        QVERIFY2(result.error().code == code,
                 qPrintable(result.error().code + QStringLiteral(": ") + result.error().message));
        for (const QString &m : mentions)
            QVERIFY2(result.error().message.contains(m), qPrintable(result.error().message));
        if (!details.isEmpty())
            QVERIFY2(result.error().details.contains(details),
                     qPrintable(result.error().message + result.error().details));
        QVERIFY(awaitFuture(runtime->teardown(runId), 180000).has_value());
        QCOMPARE(namespaceCode(plan.namespaceName), 404);
    }

    void twoRunsAtOnce()
    {
        RR_REQUIRE_PODS();
        auto runtime = makeRuntime();
        const plan::RunPlan a = planFor(exampleDir(), QStringLiteral("kpa"));
        const plan::RunPlan b = planFor(exampleDir(), QStringLiteral("kpb"));
        QVERIFY(a.namespaceName != b.namespaceName);
        QVERIFY(loadImages(*runtime, a));
        QVERIFY(loadImages(*runtime, b));
        auto fa = runtime->deploy(a);
        auto fb = runtime->deploy(b);
        const auto ra = awaitFuture(fa, 240000);
        const auto rb = awaitFuture(fb, 240000);
        QVERIFY2(ra.has_value(), qPrintable(ra ? QString() : ra.error().message));
        QVERIFY2(rb.has_value(), qPrintable(rb ? QString() : rb.error().message));
        // Each run has its own address, so both may use the same port numbers there.
        QSet<QString> ports;
        QSet<QString> hosts;
        for (const auto *d : {&*ra, &*rb})
            for (const runtime::Endpoint &e : d->endpoints) {
                const QString where = e.host + QLatin1Char(':') + QString::number(e.localPort);
                QVERIFY2(!ports.contains(where), "two previews must not share an address and port");
                ports.insert(where);
                hosts.insert(e.host);
                if (e.primary) {
                    // Each preview answers on its run's address and not on 127.0.0.1.
                    QVERIFY(test::httpGetAt(e.host, e.localPort).contains(webPage()));
                    QVERIFY(!httpGet(e.localPort, 1000).contains(webPage()));
                }
            }
        QCOMPARE(hosts.size(), 2); // one address per run
        int expected = 0;          // every TCP port of every service, in both runs
        for (const plan::ServicePlan &s : a.services)
            expected += 2 * int(s.ports.size());
        QVERIFY(expected >= 4);
        QCOMPARE(ports.size(), expected);
        const auto live = awaitFuture(runtime->liveRunIds());
        QVERIFY(live.has_value());
        QVERIFY(live->contains(QStringLiteral("kpa")) && live->contains(QStringLiteral("kpb")));
        auto da = runtime->teardown(QStringLiteral("kpa"));
        auto db = runtime->teardown(QStringLiteral("kpb"));
        QVERIFY(awaitFuture(da, 180000).has_value());
        QVERIFY(awaitFuture(db, 180000).has_value());
        QCOMPARE(namespaceCode(a.namespaceName), 404);
        QCOMPARE(namespaceCode(b.namespaceName), 404);
    }

    // Two engines share a cluster (the user's app and the test suite): each sees only the runs
    // labelled with its own id, so neither's reconciliation removes the other's.
    void enginesSeeOnlyTheirOwnRuns()
    {
        RR_REQUIRE_PODS();
        auto ours = makeRuntime();
        auto theirs = makeRuntime();
        ours->setOwner(QStringLiteral("rrtest-engine-a"));
        theirs->setOwner(QStringLiteral("rrtest-engine-b"));
        plan::RunPlan plan = planFor(exampleDir(), QStringLiteral("kown"));
        plan.labels.insert(QString::fromLatin1(runtime::Runtime::EngineLabel), ours->owner());
        QVERIFY(loadImages(*ours, plan));
        const auto deployed = awaitFuture(ours->deploy(plan), 240000);
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().message));
        const auto mine = awaitFuture(ours->liveRunIds());
        const auto others = awaitFuture(theirs->liveRunIds());
        QVERIFY(mine.has_value() && others.has_value());
        QVERIFY(mine->contains(QStringLiteral("kown")));
        QVERIFY(!others->contains(QStringLiteral("kown")));
        QVERIFY(awaitFuture(ours->teardown(QStringLiteral("kown")), 180000).has_value());
        QCOMPARE(namespaceCode(plan.namespaceName), 404);
    }

    void stopCancelsADeployInFlight()
    {
        RR_REQUIRE_PODS();
        auto runtime = makeRuntime();
        const plan::RunPlan plan = planFor(exampleDir(), QStringLiteral("kcx"));
        QVERIFY(loadImages(*runtime, plan));
        // The cluster's NetworkPolicy answer first (on a real cluster its probe takes seconds):
        // this test stops a rollout that is under way.
        awaitFuture(runtime->policyEnforcement(), 150000);
        auto deploying = runtime->deploy(plan);
        QTRY_COMPARE(namespaceCode(plan.namespaceName), 200);
        auto down = runtime->teardown(plan.runId);
        const auto result = awaitFuture(deploying);
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().category, core::ErrorCategory::Cancelled);
        QVERIFY(awaitFuture(down, 180000).has_value());
        QCOMPARE(namespaceCode(plan.namespaceName), 404);
    }
};

QTEST_GUILESS_MAIN(TestKubeRuntime)
#include "test_kube_runtime.moc"
