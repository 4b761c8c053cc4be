// Pod states → plain-language diagnoses, kubectl's rollout rules, Status bodies → errors and
// REST paths, from the shapes documented in KUBERNETES.md.
#include "kube/kubeclient.h"
#include "kube/poddiagnosis.h"
#include "kube/rolloutstatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace rr;
using namespace rr::kube;

namespace {

QJsonObject json(const char *text)
{
    QJsonParseError err{};
    const QJsonObject o = QJsonDocument::fromJson(QByteArray(text), &err).object();
    if (err.error != QJsonParseError::NoError)
        qFatal("bad fixture: %s", qPrintable(err.errorString()));
    return o;
}

QJsonObject podWaiting(const QString &reason, const QString &message, const QJsonObject &lastTerminated = {},
                       int restarts = 0)
{
    QJsonObject cs{
        {QStringLiteral("name"), QStringLiteral("web")},
        {QStringLiteral("image"), QStringLiteral("reporunner/o-r-web:abc")},
        {QStringLiteral("restartCount"), restarts},
        {QStringLiteral("state"),
         QJsonObject{{QStringLiteral("waiting"), QJsonObject{{QStringLiteral("reason"), reason},
                                                             {QStringLiteral("message"), message}}}}}};
    if (!lastTerminated.isEmpty())
        cs.insert(QStringLiteral("lastState"), QJsonObject{{QStringLiteral("terminated"), lastTerminated}});
    return QJsonObject{
        {QStringLiteral("metadata"), QJsonObject{{QStringLiteral("name"), QStringLiteral("web-7d-x1")}}},
        {QStringLiteral("status"), QJsonObject{{QStringLiteral("phase"), QStringLiteral("Pending")},
                                               {QStringLiteral("containerStatuses"), QJsonArray{cs}}}}};
}

} // namespace

class TestKubeDiagnosis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void podProblems_data()
    {
        QTest::addColumn<QJsonObject>("pod");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QStringList>("mentions");
        const QJsonObject crash{{QStringLiteral("exitCode"), 3},
                                {QStringLiteral("reason"), QStringLiteral("Error")}};
        const QJsonObject oom{{QStringLiteral("exitCode"), 137},
                              {QStringLiteral("reason"), QStringLiteral("OOMKilled")}};
        QTest::newRow("pull") << podWaiting(QStringLiteral("ErrImagePull"), QStringLiteral("no such host"))
                              << QStringLiteral("kube.image.pull")
                              << QStringList{QStringLiteral("web"), QStringLiteral("no such host"),
                                             QStringLiteral("reporunner/o-r-web:abc")};
        QTest::newRow("backoff") << podWaiting(QStringLiteral("ImagePullBackOff"),
                                               QStringLiteral("Back-off pulling"))
                                 << QStringLiteral("kube.image.pull")
                                 << QStringList{QStringLiteral("cannot pull")};
        QTest::newRow("never") << podWaiting(QStringLiteral("ErrImageNeverPull"), QString())
                               << QStringLiteral("kube.image.notLoaded")
                               << QStringList{QStringLiteral(
                                      "image reporunner/o-r-web:abc was not loaded into the cluster")};
        QTest::newRow("crash") << podWaiting(QStringLiteral("CrashLoopBackOff"),
                                             QStringLiteral("back-off 10s"), crash, 4)
                               << QStringLiteral("kube.crashLoop")
                               << QStringList{QStringLiteral("exited with code 3"),
                                              QStringLiteral("4 restarts")};
        QTest::newRow("oom") << podWaiting(QStringLiteral("CrashLoopBackOff"), QString(), oom, 2)
                             << QStringLiteral("kube.oomKilled")
                             << QStringList{QStringLiteral("ran out of memory"), QStringLiteral("137")};
        QTest::newRow("config") << podWaiting(QStringLiteral("CreateContainerConfigError"),
                                              QStringLiteral("configmap \"cfg\" not found"))
                                << QStringLiteral("kube.containerConfig")
                                << QStringList{QStringLiteral("configmap \"cfg\" not found")};
        QTest::newRow("unschedulable")
            << json("{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Pending\",\"conditions\":[{"
                    "\"type\":\"PodScheduled\", "
                    "               \"status\":\"False\",\"reason\":\"Unschedulable\",\"message\":\"0/1 "
                    "nodes are available: 1 Insufficient memory.\"}]}}")
            << QStringLiteral("kube.unschedulable") << QStringList{QStringLiteral("Insufficient memory")};
        QTest::newRow("evicted")
            << json("{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Failed\",\"reason\":\"Evicted\", "
                    "               \"message\":\"The node was low on resource: memory.\"}}")
            << QStringLiteral("kube.evicted") << QStringList{QStringLiteral("low on resource")};
        QTest::newRow("job failed")
            << json("{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[ "
                    "               "
                    "{\"name\":\"migrate\",\"restartCount\":0,\"state\":{\"terminated\":{\"exitCode\":2,"
                    "\"reason\":\"Error\"}}}]}}")
            << QStringLiteral("kube.crashLoop") << QStringList{QStringLiteral("exited with code 2")};
    }
    void podProblems()
    {
        QFETCH(QJsonObject, pod);
        QFETCH(QString, code);
        QFETCH(QStringList, mentions);
        const auto problem = PodDiagnosis::find(pod);
        QVERIFY(problem.has_value());
        const core::Error e =
            PodDiagnosis::describe(*problem, QStringLiteral("web"), {QStringLiteral("last words")});
        QCOMPARE(e.category, core::ErrorCategory::Kube);
        QCOMPARE(e.code, code);
        for (const QString &m : mentions)
            QVERIFY2(e.message.contains(m), qPrintable(e.message + QStringLiteral(" lacks ") + m));
        QVERIFY(e.details.contains(QStringLiteral("last words")));
    }

    void healthyAndTransientPodsAreFine()
    {
        QVERIFY(!PodDiagnosis::find(podWaiting(QStringLiteral("ContainerCreating"), QString())).has_value());
        QVERIFY(!PodDiagnosis::find(json("{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Running\","
                                         "\"containerStatuses\":[ "
                                         "               "
                                         "{\"name\":\"c\",\"restartCount\":1,\"state\":{\"running\":{}},"
                                         "\"lastState\":{\"terminated\":{\"exitCode\":1}}}]}}"))
                     .has_value());
        QVERIFY(!PodDiagnosis::find(json("{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Succeeded\","
                                         "\"containerStatuses\":[ "
                                         "               "
                                         "{\"name\":\"c\",\"state\":{\"terminated\":{\"exitCode\":0,"
                                         "\"reason\":\"Completed\"}}}]}}"))
                     .has_value());
    }

    void crashesWantLogs()
    {
        const QJsonObject crash{{QStringLiteral("exitCode"), 1}};
        QVERIFY(PodDiagnosis::find(podWaiting(QStringLiteral("CrashLoopBackOff"), {}, crash))->wantsLogs());
        QVERIFY(!PodDiagnosis::find(podWaiting(QStringLiteral("ErrImagePull"), {}))->wantsLogs());
    }

    void deploymentRejections()
    {
        const QJsonObject rejected = json(
            "{\"status\":{\"conditions\":[{\"type\":\"ReplicaFailure\",\"status\":\"True\", "
            "            \"reason\":\"FailedCreate\",\"message\":\"pods \\\"web-1\\\" is forbidden\"}]}}");
        auto e = PodDiagnosis::deploymentFailure(
            rejected, QStringLiteral("web"),
            QStringLiteral("pods \"web-1\" is forbidden: violates PodSecurity "
                           "\"baseline:latest\": privileged"));
        QVERIFY(e.has_value());
        QCOMPARE(e->code, QStringLiteral("kube.podSecurity"));
        QVERIFY(e->message.contains(QStringLiteral("privileged")));
        e = PodDiagnosis::deploymentFailure(rejected, QStringLiteral("web"),
                                            QStringLiteral("exceeded quota: rr-quota, requested: pods=1"));
        QCOMPARE(e->code, QStringLiteral("kube.quota"));
        e = PodDiagnosis::deploymentFailure(rejected, QStringLiteral("web"));
        QCOMPARE(e->code, QStringLiteral("kube.rejected"));
        QVERIFY(e->message.contains(QStringLiteral("is forbidden")));
        QVERIFY(!PodDiagnosis::deploymentFailure(
                     json("{\"status\":{\"conditions\":[{\"type\":\"Available\",\"status\":\"True\"}]}}"),
                     QStringLiteral("web"))
                     .has_value());
    }

    void rollout_data()
    {
        QTest::addColumn<QJsonObject>("deployment");
        QTest::addColumn<int>("state");
        const auto d = [](int gen, int observed, int replicas, int updated, int total, int available,
                          const char *progressing = "NewReplicaSetAvailable") {
            return QJsonObject{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("generation"), gen}}},
                               {QStringLiteral("spec"), QJsonObject{{QStringLiteral("replicas"), replicas}}},
                               {QStringLiteral("status"),
                                QJsonObject{{QStringLiteral("observedGeneration"), observed},
                                            {QStringLiteral("updatedReplicas"), updated},
                                            {QStringLiteral("replicas"), total},
                                            {QStringLiteral("availableReplicas"), available},
                                            {QStringLiteral("conditions"),
                                             QJsonArray{QJsonObject{
                                                 {QStringLiteral("type"), QStringLiteral("Progressing")},
                                                 {QStringLiteral("reason"), QLatin1String(progressing)}}}}}}};
        };
        const int waiting = int(RolloutStatus::State::Waiting), done = int(RolloutStatus::State::Done),
                  failed = int(RolloutStatus::State::Failed);
        QTest::newRow("not observed") << d(2, 1, 1, 1, 1, 1) << waiting;
        QTest::newRow("deadline") << d(1, 1, 1, 0, 1, 0, "ProgressDeadlineExceeded") << failed;
        QTest::newRow("updating") << d(1, 1, 2, 1, 2, 1) << waiting;
        QTest::newRow("old pods") << d(1, 1, 1, 1, 2, 1) << waiting;
        QTest::newRow("unavailable") << d(1, 1, 2, 2, 2, 1) << waiting;
        QTest::newRow("done") << d(3, 3, 2, 2, 2, 2) << done;
    }
    void rollout()
    {
        QFETCH(QJsonObject, deployment);
        QFETCH(int, state);
        QCOMPARE(int(RolloutStatus::deployment(deployment).state), state);
    }

    void jobs()
    {
        QCOMPARE(RolloutStatus::job(
                     json("{\"status\":{\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}"))
                     .state,
                 RolloutStatus::State::Done);
        const auto failed =
            RolloutStatus::job(json("{\"status\":{\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\","
                                    "\"message\":\"Job has reached the specified backoff limit\"}]}}"));
        QCOMPARE(failed.state, RolloutStatus::State::Failed);
        QVERIFY(failed.message.contains(QStringLiteral("backoff limit")));
        QCOMPARE(RolloutStatus::job(json("{\"status\":{\"active\":1}}")).state,
                 RolloutStatus::State::Waiting);
    }

    void statusBodies()
    {
        const core::Error notFound =
            KubeClient::statusError(404,
                                    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                                    "\"Failure\",\"message\":\"namespaces \\\"x\\\" not "
                                    "found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":"
                                    "\"namespaces\"},\"code\":404}",
                                    {});
        QCOMPARE(notFound.category, core::ErrorCategory::Kube);
        QCOMPARE(notFound.code, QStringLiteral("kube.notFound"));
        QCOMPARE(notFound.message, QStringLiteral("namespaces \"x\" not found"));
        const core::Error invalid = KubeClient::statusError(
            422,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Service \\\"My_svc\\\" is "
            "invalid\",\"reason\":\"Invalid\",\"details\":{\"causes\":[{\"reason\":\"FieldValueInvalid\","
            "\"message\":\"Invalid value: \\\"My_svc\\\"\",\"field\":\"metadata.name\"}]},\"code\":422}",
            {});
        QCOMPARE(invalid.code, QStringLiteral("kube.invalid"));
        QVERIFY(invalid.details.contains(QStringLiteral("metadata.name: Invalid value")));
        QCOMPARE(KubeClient::statusError(0, {}, QStringLiteral("Connection refused")).code,
                 QStringLiteral("kube.unreachable"));
        QCOMPARE(KubeClient::statusError(502, "bad gateway", {}).code, QStringLiteral("kube.http502"));
    }

    void paths()
    {
        QCOMPARE(KubeClient::collectionPath(QStringLiteral("v1"), QStringLiteral("Namespace"), {}),
                 QStringLiteral("/api/v1/namespaces"));
        QCOMPARE(KubeClient::collectionPath(QStringLiteral("apps/v1"), QStringLiteral("Deployment"),
                                            QStringLiteral("n")),
                 QStringLiteral("/apis/apps/v1/namespaces/n/deployments"));
        QCOMPARE(KubeClient::collectionPath(QStringLiteral("networking.k8s.io/v1"),
                                            QStringLiteral("NetworkPolicy"), QStringLiteral("n")),
                 QStringLiteral("/apis/networking.k8s.io/v1/namespaces/n/networkpolicies"));
        QCOMPARE(KubeClient::objectPath(json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{"
                                             "\"name\":\"c\",\"namespace\":\"n\"}}")),
                 QStringLiteral("/api/v1/namespaces/n/configmaps/c"));
        QVERIFY(KubeClient::objectPath(
                    json("{\"apiVersion\":\"v1\",\"kind\":\"Gadget\",\"metadata\":{\"name\":\"c\"}}"))
                    .isEmpty());
    }

    void eventLines()
    {
        QCOMPARE(PodDiagnosis::eventLine(
                     json("{\"type\":\"Warning\",\"reason\":\"FailedCreate\",\"message\":\"forbidden\", "
                          "            \"involvedObject\":{\"kind\":\"ReplicaSet\",\"name\":\"web-5f\"}}")),
                 QStringLiteral("Warning FailedCreate ReplicaSet/web-5f: forbidden"));
    }
};

QTEST_GUILESS_MAIN(TestKubeDiagnosis)
#include "test_kube_diagnosis.moc"
