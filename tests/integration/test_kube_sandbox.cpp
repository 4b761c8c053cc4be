// The run sandbox on a real cluster (scripts/local-cluster.sh --node real): the real admission
// plugins refuse a privileged pod (PodSecurity) and apply the run's ResourceQuota and LimitRange,
// and the run's NetworkPolicy, enforced on the node, keeps one run's pods from reaching another
// run's pods and services or the node itself. Each refusal has a positive control that shows the
// same path works where no policy applies, so the test fails if isolation is only an accident.
#undef QT_NO_CAST_FROM_ASCII

#include "kube/kuberuntime.h"
#include "kuberender/kubejson.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"
#include "test_kube_support.h"
#include "test_planfor.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::awaitFuture;
using rr::test::kubeapi::KubeTestEnv;

namespace {

// A value inside JSON by a dotted path; numbers index arrays ("spec.containers.0.image").
QJsonValue at(QJsonValue value, const QString &path)
{
    for (const QString &key : path.split('.')) {
        bool index = false;
        const int i = key.toInt(&index);
        value = index ? value.toArray().at(i) : value.toObject().value(key);
    }
    return value;
}

} // namespace

class TestKubeSandbox final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_work;
    test::ClusterImages m_images{m_env};
    std::unique_ptr<kube::KubeRuntime> m_runtime;
    plan::RunPlan m_a, m_b;
    const QString m_controlNamespace = "rr-test-sandbox-control";

    plan::RunPlan deploy(const QString &runId)
    {
        const QString dir = m_work.filePath(runId);
        test::writeTree(
            dir, {{"compose.yaml", "services:\n  web:\n    build: .\n    ports: [\"8080:80\"]\n"},
                  {"Dockerfile", "FROM busybox:1.36\nRUN mkdir /www && echo page-of-" + runId.toUtf8() +
                                     " > /www/index.html\nEXPOSE 80\n"
                                     "CMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]\n"}});
        plan::RunPlan plan = test::planFor(dir, runId);
        if (!m_images.load(*m_runtime, plan))
            qFatal("images for %s could not be delivered", qPrintable(runId));
        const auto deployed = awaitFuture(m_runtime->deploy(plan), 240000);
        if (!deployed)
            qFatal("deploying %s failed: %s", qPrintable(runId), qPrintable(deployed.error().toString()));
        return plan;
    }

    QJsonObject firstPod(const QString &ns)
    {
        return m_env.request("GET", "/api/v1/namespaces/" + ns + "/pods")
            .json()
            .value("items")
            .toArray()
            .first()
            .toObject();
    }

    QString podIp(const QString &ns) { return at(firstPod(ns), "status.podIP").toString(); }

    // wget from inside a pod; true when it fetched `url` and the page contains `expect`. (Debian's
    // static busybox wget crashes with -T, so `timeout` bounds a connection that is dropped.)
    bool fetchFrom(const QString &ns, const QString &pod, const QString &url, const QByteArray &expect)
    {
        const auto r = test::run(m_env.kubectl(),
                                 {"--kubeconfig", m_env.kubeconfig(), "-n", ns, "exec", pod, "--", "timeout",
                                  "5", "wget", "-q", "-O", "-", url},
                                 {}, {}, 60000);
        if (r.exitCode != 0)
            qInfo("from %s/%s, %s: exit %d, %s", qPrintable(ns), qPrintable(pod), qPrintable(url), r.exitCode,
                  r.err.trimmed().constData());
        return r.exitCode == 0 && r.out.contains(expect);
    }

    QString podName(const QString &ns) { return at(firstPod(ns), "metadata.name").toString(); }

    // A namespace without any NetworkPolicy holding two pods of run A's web image: "control",
    // which only sleeps (the client), and "control-web", which serves page-of-ksa.
    void startControlPods()
    {
        const QString image = at(firstPod(m_a.namespaceName), "spec.containers.0.image").toString();
        m_env.request("POST", "/api/v1/namespaces",
                      QJsonDocument(QJsonObject{{"apiVersion", "v1"},
                                                {"kind", "Namespace"},
                                                {"metadata", QJsonObject{{"name", m_controlNamespace}}}})
                          .toJson());
        for (const QString &name : {QString("control"), QString("control-web")}) {
            QJsonObject container{{"name", "c"}, {"image", image}, {"imagePullPolicy", "IfNotPresent"}};
            if (name == "control")
                container.insert("command", QJsonArray{"sleep", "3600"});
            const QJsonObject pod{{"apiVersion", "v1"},
                                  {"kind", "Pod"},
                                  {"metadata", QJsonObject{{"name", name}}},
                                  {"spec", QJsonObject{{"terminationGracePeriodSeconds", 1},
                                                       {"containers", QJsonArray{container}}}}};
            const auto created = m_env.request("POST", "/api/v1/namespaces/" + m_controlNamespace + "/pods",
                                               QJsonDocument(pod).toJson());
            if (created.code != 201)
                qFatal("control pod: %d %s", created.code, created.body.constData());
        }
    }

    QJsonObject controlPod(const QString &name)
    {
        return m_env.request("GET", "/api/v1/namespaces/" + m_controlNamespace + "/pods/" + name).json();
    }

    bool controlPodsRunning()
    {
        return at(controlPod("control"), "status.phase").toString() == "Running" &&
               at(controlPod("control-web"), "status.phase").toString() == "Running";
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        if (!m_env.runsPods())
            QSKIP("kwok fakes the pods: there is no traffic to isolate");
        const QString why = m_images.prepare();
        QVERIFY2(why.isEmpty(), qPrintable("Docker must build the test images: " + why));
        QVERIFY2(!m_env.kubectl().isEmpty(), "the local cluster names its kubectl");
        kube::KubeOptions options;
        options.kubeconfigFiles = {m_env.kubeconfig()};
        options.allowedContexts = m_env.allowedContexts();
        options.imagePullPolicy = "Never";
        options.readyTimeoutSeconds = 180;
        options.previewProbeSeconds = 60;
        options.imageLoader = m_images.loader();
        m_runtime = std::make_unique<kube::KubeRuntime>(&m_nam, options);
        m_a = deploy("ksa");
        m_b = deploy("ksb");
    }

    void cleanupTestCase()
    {
        if (!m_runtime)
            return;
        m_env.request("DELETE", "/api/v1/namespaces/" + m_controlNamespace);
        for (const plan::RunPlan *p : {&m_a, &m_b})
            if (!p->runId.isEmpty())
                QVERIFY(awaitFuture(m_runtime->teardown(p->runId), 180000).has_value());
    }

    void podSecurityRefusesAPrivilegedPod()
    {
        const QJsonObject pod{
            {"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", QJsonObject{{"name", "escalate"}}},
            {"spec",
             QJsonObject{{"containers",
                          QJsonArray{QJsonObject{{"name", "c"},
                                                 {"image", "busybox:1.36"},
                                                 {"securityContext", QJsonObject{{"privileged", true}}}}}}}}};
        const auto r = m_env.request("POST", "/api/v1/namespaces/" + m_a.namespaceName + "/pods",
                                     QJsonDocument(pod).toJson());
        QCOMPARE(r.code, 403);
        QVERIFY2(r.body.contains("violates PodSecurity \\\"baseline:latest\\\"") &&
                     r.body.contains("privileged"),
                 r.body.constData());
    }

    void admissionAppliesTheRunsQuotaAndLimits()
    {
        // A pod that names no resources gets the run's LimitRange defaults from the real plugin.
        const QJsonObject pod{
            {"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", QJsonObject{{"name", "no-resources"}}},
            {"spec",
             QJsonObject{{"containers", QJsonArray{QJsonObject{{"name", "c"}, {"image", "busybox:1.36"}}}}}}};
        const auto created =
            m_env.request("POST", "/api/v1/namespaces/" + m_a.namespaceName + "/pods?dryRun=All",
                          QJsonDocument(pod).toJson());
        QVERIFY2(created.code == 201, created.body.constData());
        const QJsonObject resources = at(created.json(), "spec.containers.0.resources").toObject();
        const plan::QuotaSettings &q = m_a.sandbox.quota;
        QCOMPARE(at(resources, "limits.memory").toString(), kuberender::KubeJson::memory(q.defaultMemory));
        QCOMPARE(at(resources, "requests.memory").toString(),
                 kuberender::KubeJson::memory(q.defaultRequestMemory));
        QCOMPARE(at(resources, "limits.cpu").toString(), kuberender::KubeJson::cpu(q.defaultCpuMilli));
        // The quota controller counts what runs: web's pod is in `used`.
        const QString quotaPath = "/api/v1/namespaces/" + m_a.namespaceName + "/resourcequotas/rr-quota";
        QTRY_VERIFY(at(m_env.request("GET", quotaPath).json(), "status.used.pods").toString().toInt() >= 1);
        QCOMPARE(at(m_env.request("GET", quotaPath).json(), "status.hard.pods").toString(),
                 QString::number(q.pods));
    }

    void runsCannotReachEachOtherOrTheNode()
    {
        const QString a = podName(m_a.namespaceName);
        const QString bIp = podIp(m_b.namespaceName);
        QVERIFY(!bIp.isEmpty());
        const QString bByName = "http://web." + m_b.namespaceName + ".svc.cluster.local/";

        // A server on the node's own address, as anything the user runs on the host would be. A
        // process of its own, so it answers while this thread waits for kubectl.
        QTemporaryDir www;
        test::writeTree(www.path(), {{"index.html", "node-secret\n"}});
        const int nodePort = test::freePort();
        QProcess node;
        node.start(
            "/bin/busybox",
            {"httpd", "-f", "-p", QString("%1:%2").arg(m_env.nodeAddress()).arg(nodePort), "-h", www.path()});
        QVERIFY(node.waitForStarted());
        const QString nodeUrl = QString("http://%1:%2/").arg(m_env.nodeAddress()).arg(nodePort);

        // Positive controls: inside its own run a pod reaches its service, and without any policy a
        // pod reaches another pod and the node. Cluster DNS learns new Services within moments, so
        // the first fetch may need a few tries.
        QTRY_VERIFY_WITH_TIMEOUT(fetchFrom(m_a.namespaceName, a, "http://web/", "page-of-ksa"), 30000);
        startControlPods();
        QTRY_VERIFY_WITH_TIMEOUT(controlPodsRunning(), 60000);
        const QString controlWeb = "http://" + at(controlPod("control-web"), "status.podIP").toString() + "/";
        QTRY_VERIFY_WITH_TIMEOUT(fetchFrom(m_controlNamespace, "control", controlWeb, "page-of-ksa"), 30000);
        QVERIFY(fetchFrom(m_controlNamespace, "control", nodeUrl, "node-secret"));

        // The run's policy: nothing outside its namespace, nor the node, nor another run (whose own
        // policy refuses it too).
        QVERIFY2(!fetchFrom(m_a.namespaceName, a, controlWeb, "page-of-ksa"),
                 "run A reached a pod of another namespace");
        QVERIFY2(!fetchFrom(m_a.namespaceName, a, "http://" + bIp + "/", "page-of-ksb"),
                 "run A reached run B's pod");
        QVERIFY2(!fetchFrom(m_a.namespaceName, a, bByName, "page-of-ksb"), "run A reached run B's service");
        QVERIFY2(!fetchFrom(m_a.namespaceName, a, nodeUrl, "node-secret"), "run A reached the node");
        QVERIFY2(!fetchFrom(m_controlNamespace, "control", "http://" + bIp + "/", "page-of-ksb"),
                 "run B's pod let in a pod of another namespace");
        node.kill();
        node.waitForFinished();
    }
};

QTEST_GUILESS_MAIN(TestKubeSandbox)
#include "test_kube_sandbox.moc"
