// Only chosen clusters, part two (issue 11): before deploying, the engine finds out whether the
// cluster enforces NetworkPolicy with a probe pair of pods, caches the answer and says so in the
// run's log when it does not. On the simulator both answers are scripted; on the real local
// cluster (_real) the probe meets kube-router.
#undef QT_NO_CAST_FROM_ASCII

#include "kube/kubeclient.h"
#include "kube/kubeconfig.h"
#include "kube/kuberuntime.h"
#include "kube/networkpolicyprobe.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"
#include "test_kube_support.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace rr;
using kube::PolicyEnforcement;

class TestNetworkProbe : public QObject
{
    Q_OBJECT

private:
    test::kubeapi::KubeTestEnv m_env;
    test::ClusterImages m_images{m_env};
    QNetworkAccessManager m_nam;
    QString m_image = QStringLiteral("busybox:1.36");

    kube::KubeOptions options() const
    {
        kube::KubeOptions o;
        o.kubeconfigFiles = {m_env.kubeconfig()};
        o.allowedContexts = m_env.allowedContexts();
        o.networkProbeImage = m_image;
        return o;
    }

    int probeNamespaces() const
    {
        const QJsonArray items =
            m_env.request("GET", "/api/v1/namespaces?labelSelector=reporunner.dev%2Fprobe%3Dnetworkpolicy")
                .json()
                .value("items")
                .toArray();
        int live = 0;
        for (const QJsonValue &ns : items)
            live += ns.toObject().value("status").toObject().value("phase").toString() != "Terminating";
        return live;
    }

    PolicyEnforcement probeOnce()
    {
        kube::KubeRuntime runtime(&m_nam, options());
        return test::awaitFuture(runtime.policyEnforcement(), 150000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        if (!m_env.isSimulated() && !m_env.runsPods())
            QSKIP("kwok fakes the pods: there is no traffic to probe");
        if (m_env.runsPods()) {
            const QString why = m_images.prepare();
            QVERIFY2(why.isEmpty(), qPrintable("Docker must provide busybox:1.36: " + why));
            m_image = m_images.deliverExisting(QStringLiteral("busybox:1.36"));
            QVERIFY2(!m_image.isEmpty(), "busybox:1.36 could not be delivered to the cluster's registry");
        }
    }

    void simulatedClusterWithoutEnforcement()
    {
        if (!m_env.isSimulated())
            QSKIP("the simulator's enforcement switch");
        QVERIFY(m_env.control("config", {{"networkPolicyEnforced", false}}));
        const PolicyEnforcement answer = probeOnce();
        QCOMPARE(answer.state, PolicyEnforcement::State::NotEnforced);
        QVERIFY2(answer.detail.contains("NOT enforced"), qPrintable(answer.detail));
        QTRY_COMPARE_WITH_TIMEOUT(probeNamespaces(), 0, 20000); // the scratch namespace goes
    }

    void simulatedClusterWithEnforcement()
    {
        if (!m_env.isSimulated())
            QSKIP("the simulator's enforcement switch");
        QVERIFY(m_env.control("config", {{"networkPolicyEnforced", true}}));
        const PolicyEnforcement answer = probeOnce();
        QCOMPARE(answer.state, PolicyEnforcement::State::Enforced);
        QVERIFY(m_env.control("config", {{"networkPolicyEnforced", false}}));
    }

    void anImageThatNeverStartsIsUnknownAtOnce()
    {
        if (!m_env.isSimulated())
            QSKIP("scripted pull failure");
        // The simulator fails pulls from registries it was told about but that lack the image.
        kube::KubeOptions o = options();
        QVERIFY(
            m_env.control("registry", {{"host", "registry.invalid:5000"}, {"url", "http://127.0.0.1:9"}}));
        o.networkProbeImage = "registry.invalid:5000/nothing:here";
        kube::KubeRuntime runtime(&m_nam, o);
        const PolicyEnforcement answer = test::awaitFuture(runtime.policyEnforcement(), 60000);
        QCOMPARE(answer.state, PolicyEnforcement::State::Unknown);
        QVERIFY2(answer.detail.contains("cannot start"), qPrintable(answer.detail));
    }

    void concurrentCallersAllGetTheAnswer()
    {
        if (!m_env.isSimulated())
            QSKIP("one real probe is enough");
        kube::KubeRuntime runtime(&m_nam, options());
        auto first = runtime.policyEnforcement();
        auto second = runtime.policyEnforcement(); // while the first probe runs
        QCOMPARE(test::awaitFuture(first, 60000).state, PolicyEnforcement::State::NotEnforced);
        QCOMPARE(test::awaitFuture(second, 60000).state, PolicyEnforcement::State::NotEnforced);
    }

    // An engine that crashed mid-probe left its scratch namespace; the next probe of that engine
    // deletes it, and leaves another engine's probe alone.
    void leftoverProbeNamespacesOfThisEngineAreSwept()
    {
        if (!m_env.isSimulated())
            QSKIP("one real probe is enough");
        const auto leftover = [this](const QString &name, const QString &engine) {
            const QJsonObject ns{
                {"apiVersion", "v1"},
                {"kind", "Namespace"},
                {"metadata", QJsonObject{{"name", name},
                                         {"labels", QJsonObject{{"reporunner.dev/probe", "networkpolicy"},
                                                                {"reporunner.dev/engine", engine}}}}}};
            return m_env.request("POST", "/api/v1/namespaces", QJsonDocument(ns).toJson()).code;
        };
        QCOMPARE(leftover("rr-netprobe-crashed1", "engine-a"), 201);
        QCOMPARE(leftover("rr-netprobe-other01", "engine-b"), 201);
        const auto live = [this](const QString &name) {
            const auto reply = m_env.request("GET", "/api/v1/namespaces/" + name);
            return reply.code == 200 &&
                   reply.json().value("status").toObject().value("phase").toString() != "Terminating";
        };
        QVERIFY(live("rr-netprobe-crashed1"));

        kube::KubeRuntime runtime(&m_nam, options());
        runtime.setOwner("engine-a");
        const PolicyEnforcement answer = test::awaitFuture(runtime.policyEnforcement(), 60000);
        QCOMPARE(answer.state, PolicyEnforcement::State::NotEnforced);
        QTRY_VERIFY_WITH_TIMEOUT(!live("rr-netprobe-crashed1"), 20000);
        QVERIFY(live("rr-netprobe-other01")); // another engine's
        // Without an owner nothing is swept.
        QCOMPARE(test::awaitFuture(kube::NetworkPolicyProbe::sweepLeftovers(nullptr, QString()), 1000), 0);
        QVERIFY(m_env.request("DELETE", "/api/v1/namespaces/rr-netprobe-other01").code < 300);
    }

    void theAnswerIsCachedPerCluster()
    {
        kube::KubeRuntime runtime(&m_nam, options());
        const PolicyEnforcement first = test::awaitFuture(runtime.policyEnforcement(), 150000);
        QVERIFY(first.state != PolicyEnforcement::State::Unknown);
        QTRY_COMPARE_WITH_TIMEOUT(probeNamespaces(), 0, 60000);
        // Asked again: answered at once, no new scratch namespace.
        auto again = runtime.policyEnforcement();
        QVERIFY(again.isFinished());
        QCOMPARE(again.result().state, first.state);
        QCOMPARE(probeNamespaces(), 0);
        qInfo("this cluster: %s", qPrintable(first.detail));
    }
};

QTEST_GUILESS_MAIN(TestNetworkProbe)
#include "test_network_probe.moc"
