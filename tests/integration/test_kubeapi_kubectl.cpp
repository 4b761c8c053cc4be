// Drives the test API server with the real kubectl (or a real cluster via REPORUNNER_TEST_KUBECONFIG).
#include "kubetestenv.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

using rr::test::kubeapi::KubeTestEnv;

namespace {
const QString kKubectl = QStringLiteral("/usr/bin/kubectl");

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};
} // namespace

class TestKubeapiKubectl final : public QObject
{
    Q_OBJECT

private:
    KubeTestEnv m_env;
    QString m_ns;

    QStringList base() const { return {QStringLiteral("--kubeconfig"), m_env.kubeconfig()}; }
    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HOME"), m_env.workDir()); // keeps kubectl's discovery cache private
        return e;
    }
    Run kubectl(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 30000) const
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(kKubectl, base() + args);
        p.waitForStarted();
        p.write(input);
        p.closeWriteChannel();
        Run r;
        if (!p.waitForFinished(timeoutMs))
            p.kill(), p.waitForFinished();
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }
    QByteArray manifest(const QString &extraSpec = {}) const
    {
        return QStringLiteral(R"(apiVersion: v1
kind: Namespace
metadata:
  name: %1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: %1
spec:
  replicas: 1
  progressDeadlineSeconds: 120
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        command: ["httpd", "-f", "-p", "8080"]
        ports: [{containerPort: 8080}]%2
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: %1
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
)")
            .arg(m_ns, extraSpec)
            .toUtf8();
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFile::exists(kKubectl))
            QSKIP("kubectl is not installed");
        QString error;
        QVERIFY2(m_env.start(&error), qPrintable(error));
        m_ns = QStringLiteral("rr-kubectl-%1").arg(QCoreApplication::applicationPid());
    }

    // --validate=false: the server serves no OpenAPI document, so kubectl cannot validate
    // client-side; the server still decodes strictly (checked below).
    void applyServerSideAndWatchPodRunning()
    {
        QProcess watch;
        const Run applied =
            kubectl({QStringLiteral("apply"), QStringLiteral("--server-side"),
                     QStringLiteral("--validate=false"), QStringLiteral("-f"), QStringLiteral("-")},
                    manifest());
        QVERIFY2(applied.code == 0, applied.err.constData());
        QVERIFY(applied.out.contains("deployment.apps/web serverside-applied"));
        QVERIFY(applied.out.contains("service/web serverside-applied"));
        watch.setProcessEnvironment(env());
        watch.start(
            kKubectl,
            base() + QStringList{QStringLiteral("get"), QStringLiteral("pods"), QStringLiteral("-w"),
                                 QStringLiteral("-n"), m_ns, QStringLiteral("-o"),
                                 QStringLiteral("custom-columns=NAME:.metadata.name,PHASE:.status.phase")});
        QByteArray seen;
        QTRY_VERIFY_WITH_TIMEOUT((seen += watch.readAllStandardOutput(), seen.contains("Running")), 30000);
        QVERIFY(seen.contains("web-"));
        watch.kill();
        watch.waitForFinished();
        const Run rollout =
            kubectl({QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("deploy/web"),
                     QStringLiteral("-n"), m_ns, QStringLiteral("--timeout=30s")});
        QVERIFY2(rollout.code == 0, rollout.err.constData());
        QVERIFY(rollout.out.contains("successfully rolled out"));
        const Run svc = kubectl({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("web"),
                                 QStringLiteral("-n"), m_ns, QStringLiteral("-o"),
                                 QStringLiteral("jsonpath={.spec.ports[0].targetPort}")});
        QCOMPARE(svc.out, QByteArray("8080"));
    }

    void unknownFieldIsRejected()
    {
        const Run r = kubectl(
            {QStringLiteral("apply"), QStringLiteral("--server-side"), QStringLiteral("--validate=false"),
             QStringLiteral("-f"), QStringLiteral("-")},
            manifest().replace("progressDeadlineSeconds: 120", "progressDeadlineSeconds: 120\n  bogus: 1"));
        QVERIFY(r.code != 0);
        // Server-side apply refuses it while typing the patch, as kube-apiserver 1.33 does.
        QVERIFY2(r.err.contains("Kind=Deployment): .spec.bogus: field not declared in schema"),
                 r.err.constData());
    }

    void rawStatusBodies()
    {
        const Run missing = kubectl({QStringLiteral("get"), QStringLiteral("--raw"),
                                     QStringLiteral("/api/v1/namespaces/%1/configmaps/nope").arg(m_ns)});
        QVERIFY(missing.code != 0);
        QVERIFY2(missing.err.contains("configmaps \\\"nope\\\" not found") ||
                     missing.err.contains("configmaps \"nope\" not found"),
                 missing.err.constData());
        const KubeTestEnv::Reply r =
            m_env.request("GET", QStringLiteral("/api/v1/namespaces/%1/configmaps/nope").arg(m_ns));
        QCOMPARE(r.code, 404);
        const QJsonObject s = r.json();
        QCOMPARE(s.value(QStringLiteral("kind")).toString(), QStringLiteral("Status"));
        QCOMPARE(s.value(QStringLiteral("reason")).toString(), QStringLiteral("NotFound"));
        QCOMPARE(s.value(QStringLiteral("code")).toInt(), 404);
        QCOMPARE(s.value(QStringLiteral("details")).toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("configmaps"));
    }

    // A Job's container ends, so `logs -f` must return by itself with every line.
    void logsFollowEndsWithContainer()
    {
        const QByteArray job =
            QStringLiteral(
                R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"greet","namespace":"%1"},
"spec":{"backoffLimit":0,"template":{"metadata":{"annotations":{"test.reporunner.dev/log":"one\ntwo\nthree"}},
"spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"busybox:1.36","command":["sh","-c","echo one; sleep 1; echo two; sleep 1; echo three"]}]}}}})")
                .arg(m_ns)
                .toUtf8();
        const Run created = kubectl({QStringLiteral("create"), QStringLiteral("--validate=false"),
                                     QStringLiteral("-f"), QStringLiteral("-")},
                                    job);
        QVERIFY2(created.code == 0, created.err.constData());
        Run logs;
        QTRY_VERIFY_WITH_TIMEOUT((logs = kubectl({QStringLiteral("logs"), QStringLiteral("-f"),
                                                  QStringLiteral("job/greet"), QStringLiteral("-n"), m_ns},
                                                 {}, 40000),
                                  logs.code == 0),
                                 40000);
        QCOMPARE(logs.out, QByteArray("one\ntwo\nthree\n"));
        const Run wait = kubectl({QStringLiteral("wait"), QStringLiteral("--for=condition=complete"),
                                  QStringLiteral("job/greet"), QStringLiteral("-n"), m_ns,
                                  QStringLiteral("--timeout=30s")});
        QVERIFY2(wait.code == 0, wait.err.constData());
    }

    void deleteNamespaceWaits()
    {
        const Run del = kubectl({QStringLiteral("delete"), QStringLiteral("namespace"), m_ns,
                                 QStringLiteral("--wait"), QStringLiteral("--timeout=50s")},
                                {}, 55000);
        QVERIFY2(del.code == 0, del.err.constData());
        const Run get = kubectl({QStringLiteral("get"), QStringLiteral("namespace"), m_ns});
        QVERIFY(get.code != 0);
        QVERIFY2(get.err.contains("not found"), get.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestKubeapiKubectl)
#include "test_kubeapi_kubectl.moc"
