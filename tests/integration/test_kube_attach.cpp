// KubeRuntime::attach after an engine restart, against the test API server and a real cluster
// (where the example's real images are built and pushed, see test_clusterimages.h): the first runtime
// deploys the compose example and dies without tearing anything down (its forwards die with
// it, the namespace stays), a second one finds the run, re-attaches forwards and logs without
// redeploying, and a run whose namespace vanished meanwhile is reported as such.
#include "kube/kuberuntime.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"
#include "test_kube_support.h"
#include "test_planfor.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QPromise>
#include <QTest>
#include <QUrl>

using namespace rr;
using rr::test::awaitFuture;
using rr::test::httpGet;
using rr::test::kubeapi::KubeTestEnv;

class TestKubeAttach final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QNetworkAccessManager m_nam;
    std::unique_ptr<test::TinyHttpServer> m_http;
    test::ClusterImages m_images{m_env};
    QStringList m_stdout; // "<run>/<service>: text" from whichever runtime is alive

    static QString exampleDir()
    {
        return qEnvironmentVariable("REPORUNNER_SOURCE_DIR") + QStringLiteral("/examples/compose-app");
    }

    std::unique_ptr<kube::KubeRuntime> makeRuntime()
    {
        kube::KubeOptions options;
        options.kubeconfigFiles = {m_env.kubeconfig()};
        options.allowedContexts = m_env.allowedContexts();
        options.imagePullPolicy = QStringLiteral("Never");
        options.readyTimeoutSeconds = m_env.runsPods() ? 180 : 60;
        options.previewProbeSeconds = m_env.runsPods() ? 60 : 20;
        options.imageLoader = m_images.loader();
        auto runtime = std::make_unique<kube::KubeRuntime>(&m_nam, options);
        connect(
            runtime.get(), &runtime::Runtime::logLine, this,
            [this](const QString &run, const QString &service, const QString &stream, const QString &text) {
                if (stream == QLatin1String("stdout"))
                    m_stdout << run + QLatin1Char('/') + service + QStringLiteral(": ") + text;
            });
        return runtime;
    }

    QStringList podNames(const QString &ns)
    {
        QStringList names;
        const QJsonArray items = m_env.request("GET", QStringLiteral("/api/v1/namespaces/%1/pods").arg(ns))
                                     .json()
                                     .value(QStringLiteral("items"))
                                     .toArray();
        for (const QJsonValue &pod : items)
            names << pod[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        names.sort();
        return names;
    }

    // Deploys with a runtime that is then destroyed without teardown, as a killed engine would be.
    runtime::Deployment deployAndDie(const plan::RunPlan &plan)
    {
        auto first = makeRuntime();
        if (!m_images.load(*first, plan))
            qFatal("loading images failed");
        const auto deployed = awaitFuture(first->deploy(plan), 240000);
        if (!deployed)
            qFatal("deploy failed: %s", qPrintable(deployed.error().toString()));
        return *deployed;
    }

    static runtime::Endpoint primaryOf(const runtime::Deployment &d)
    {
        for (const runtime::Endpoint &e : d.endpoints)
            if (e.primary)
                return e;
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        if (!m_env.isSimulated() && !m_env.runsPods())
            QSKIP("kwok fakes the pods' status: nothing listens behind a forward there");
        const QString why = m_images.prepare();
        QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("pods run there, so Docker must build: ") + why));
        if (m_env.runsPods())
            return;
        m_http = std::make_unique<test::TinyHttpServer>("attached again");
        const QString target = QStringLiteral("127.0.0.1:%1").arg(m_http->serverPort());
        for (int port : {80, 9000})
            QVERIFY(m_env.control(QStringLiteral("forward"),
                                  {{QStringLiteral("port"), port}, {QStringLiteral("target"), target}}));
        QVERIFY(m_env.control(QStringLiteral("config"), {{QStringLiteral("namespaceTerminationMs"), 500},
                                                         {QStringLiteral("podTerminationMs"), 100}}));
    }

    void attachResumesForwardsAndLogsWithoutRedeploying()
    {
        const plan::RunPlan plan = test::planFor(exampleDir(), QStringLiteral("kat"));
        const runtime::Deployment before = deployAndDie(plan);
        const runtime::Endpoint old = primaryOf(before);
        QVERIFY(old.localPort > 0);
        QVERIFY2(test::httpGetAt(old.host, old.localPort, 1000).isEmpty(),
                 "the dead engine's forward must be gone");
        const QStringList podsBefore = podNames(plan.namespaceName);
        QCOMPARE(podsBefore.size(), int(plan.services.size()));

        auto second = makeRuntime();
        const auto live = awaitFuture(second->liveRunIds());
        QVERIFY(live.has_value());
        QVERIFY(live->contains(plan.runId));
        m_stdout.clear();
        const auto attached = awaitFuture(second->attach(plan, before), 120000);
        QVERIFY2(attached.has_value(), qPrintable(attached ? QString() : attached.error().toString()));
        const runtime::Endpoint now = primaryOf(*attached);
        QVERIFY(now.localPort > 0);
        QCOMPARE(now.host, old.host); // the run keeps its address across engine restarts
        QVERIFY(test::httpGetAt(now.host, now.localPort)
                    .contains(m_env.runsPods() ? "RepoRunner compose demo" : "attached again"));
        // Same pods: attaching follows what runs, it does not roll anything out again.
        QCOMPARE(podNames(plan.namespaceName), podsBefore);
        QTRY_VERIFY(!m_stdout.filter(QStringLiteral("kat/web: ")).isEmpty());

        QVERIFY(awaitFuture(second->teardown(plan.runId), 180000).has_value());
        QCOMPARE(m_env.request("GET", QStringLiteral("/api/v1/namespaces/") + plan.namespaceName).code, 404);
        QVERIFY(test::httpGetAt(now.host, now.localPort, 1000).isEmpty());
    }

    void attachReportsAVanishedRun()
    {
        const plan::RunPlan plan = test::planFor(exampleDir(), QStringLiteral("kav"));
        const runtime::Deployment before = deployAndDie(plan);
        // While no engine runs, someone deletes the namespace.
        const QString path = QStringLiteral("/api/v1/namespaces/") + plan.namespaceName;
        QCOMPARE(m_env.request("DELETE", path).code, 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_env.request("GET", path).code, 404, 120000);

        auto second = makeRuntime();
        QVERIFY(!awaitFuture(second->liveRunIds())->contains(plan.runId));
        const auto attached = awaitFuture(second->attach(plan, before), 60000);
        QVERIFY(!attached.has_value());
        QCOMPARE(attached.error().code, QStringLiteral("run.vanished"));
        QCOMPARE(m_env.request("GET", path).code, 404); // attaching must not recreate it
    }
};

QTEST_GUILESS_MAIN(TestKubeAttach)
#include "test_kube_attach.moc"
