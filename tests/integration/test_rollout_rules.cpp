// The rollout rules, one table for every runtime: waves, each depends_on condition, a one-shot
// service, a service that dies inside the settle window and a dependency that never gets
// healthy. The same rows run on real Docker (test_rollout_rules_docker), on the Kubernetes test
// API server (test_rollout_rules_kube) and on the real local cluster (test_rollout_rules_kube_real);
// REPORUNNER_ROLLOUT_RUNTIME says which. Each row checks the order the services' states took, as
// the runtime published them, and how the deployment ended. A second table removes a READY
// run's resources behind the runtime's back (`docker rm -f`, a deleted namespace or Deployment)
// and checks that the run breaks, event-driven, with a diagnosis that says what happened.
#include "docker/dockerclient.h"
#include "dockerruntime/dockerruntime.h"
#include "kube/kuberuntime.h"
#include "kubetestenv.h"
#include "runtime/servicestate.h"
#include "test_clusterimages.h"
#include "test_dockerfixture.h"
#include "test_kube_support.h"
#include "test_planfor.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::awaitFuture;
using rr::test::kubeapi::KubeTestEnv;
using runtime::ServiceState;

namespace {

struct Seen
{
    QString service;
    ServiceState state;
};

} // namespace

class TestRolloutRules final : public QObject
{
    Q_OBJECT

private:
    const bool m_docker = qEnvironmentVariable("REPORUNNER_ROLLOUT_RUNTIME") == QLatin1String("docker");
    std::unique_ptr<KubeTestEnv> m_env;
    std::unique_ptr<test::ClusterImages> m_images;
    std::unique_ptr<docker::DockerClient> m_client;
    QNetworkAccessManager m_nam;
    QTemporaryDir m_work;
    QString m_image;  // what every service runs
    QString m_prefix; // keeps run ids apart between test processes

    bool simulated() const { return !m_docker && m_env->isSimulated(); }

    std::unique_ptr<runtime::Runtime> makeRuntime(int readyTimeoutSeconds, int settleMs)
    {
        if (m_docker) {
            dockerruntime::DockerRuntimeOptions o;
            o.readyTimeoutSeconds = readyTimeoutSeconds;
            o.settleMilliseconds = settleMs;
            return std::make_unique<dockerruntime::DockerRuntime>(m_client.get(), o);
        }
        kube::KubeOptions o;
        o.kubeconfigFiles = {m_env->kubeconfig()};
        o.allowedContexts = m_env->allowedContexts();
        o.imagePullPolicy = m_env->runsPods() ? QString() : QStringLiteral("Never");
        o.readyTimeoutSeconds = readyTimeoutSeconds;
        o.settleMilliseconds = settleMs;
        o.imageLoader = m_images->loader();
        return std::make_unique<kube::KubeRuntime>(&m_nam, o);
    }

    static qsizetype firstIndex(const QList<Seen> &seen, const QString &service, QList<ServiceState> states)
    {
        for (qsizetype i = 0; i < seen.size(); ++i)
            if (seen.at(i).service == service && states.contains(seen.at(i).state))
                return i;
        return -1;
    }

    static QString history(const QList<Seen> &seen)
    {
        QStringList out;
        for (const Seen &s : seen)
            out << s.service + QLatin1Char(':') + runtime::serviceStateName(s.state);
        return out.join(QLatin1Char(' '));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_prefix = QStringLiteral("rr%1").arg(QCoreApplication::applicationPid() % 10000);
        if (m_docker) {
            auto host = docker::DockerHost::fromEnvironment();
            if (!host)
                QSKIP(qPrintable(host.error().message));
            m_client = std::make_unique<docker::DockerClient>(*host);
            const QString why = test::prepareDocker(*m_client);
            if (!why.isEmpty())
                QSKIP(qPrintable(QStringLiteral("No usable Docker daemon: ") + why));
            m_image = QStringLiteral("busybox:1.36");
            return;
        }
        m_env = std::make_unique<KubeTestEnv>();
        m_images = std::make_unique<test::ClusterImages>(*m_env);
        QString error;
        QVERIFY2(m_env->start(&error), qPrintable(error));
        if (!m_env->isSimulated() && !m_env->runsPods())
            QSKIP("kwok fakes the pods' status: the rules need pods that really run");
        const QString why = m_images->prepare();
        if (!why.isEmpty())
            QSKIP(qPrintable(why));
        m_image = m_env->runsPods() ? m_images->deliverExisting(QStringLiteral("busybox:1.36"))
                                    : QStringLiteral("rr-test/plain:1");
        QVERIFY(!m_image.isEmpty());
    }

    // Each row: a compose file (IMAGE stands for the runtime's busybox), its deadlines, and what
    // must happen: READY or the error code, and states that must come before others.
    void rules_data()
    {
        QTest::addColumn<QString>("compose");
        QTest::addColumn<int>("settleMs");
        QTest::addColumn<int>("readyTimeoutSeconds");
        QTest::addColumn<QStringList>("failsWith"); // any of these codes; empty = READY
        // "a:running<b:creating": a was running (or further) before b was being created.
        QTest::addColumn<QStringList>("order");
        QTest::addColumn<QString>("skipOnSimulator");

        const QString run = QStringLiteral("    image: IMAGE\n    command: [\"sleep\", \"3600\"]\n");
        const QString healthy = QStringLiteral("    healthcheck:\n      test: [\"CMD\", \"true\"]\n"
                                               "      interval: 1s\n      retries: 3\n");
        QTest::newRow("waves, service_started")
            << QStringLiteral("services:\n  a:\n%1  b:\n%1    depends_on: [a]\n"
                              "  c:\n%1    depends_on:\n      b:\n        condition: service_started\n")
                   .arg(run)
            << 500 << 120 << QStringList()
            << QStringList{QStringLiteral("a:running<b:creating"), QStringLiteral("b:running<c:creating")}
            << QString();
        QTest::newRow("service_healthy")
            << QStringLiteral("services:\n  db:\n%1%2  web:\n%1    depends_on:\n      db:\n"
                              "        condition: service_healthy\n")
                   .arg(run, healthy)
            << 500 << 120 << QStringList() << QStringList{QStringLiteral("db:healthy<web:creating")}
            << QString();
        QTest::newRow("service_completed_successfully")
            << QStringLiteral("services:\n  migrate:\n    image: IMAGE\n    command: [\"sh\", \"-c\", \"echo "
                              "migrated\"]\n"
                              "    restart: \"no\"\n  web:\n%1    depends_on:\n      migrate:\n"
                              "        condition: service_completed_successfully\n")
                   .arg(run)
            << 500 << 120 << QStringList() << QStringList{QStringLiteral("migrate:completed<web:creating")}
            << QString();
        QTest::newRow("one-shot")
            << QStringLiteral(
                   "services:\n  seed:\n    image: IMAGE\n    command: [\"sh\", \"-c\", \"echo seeded\"]\n"
                   "    restart: \"no\"\n  web:\n%1")
                   .arg(run)
            << 500 << 120 << QStringList() << QStringList{QStringLiteral("seed:creating<seed:completed")}
            << QString();
        QTest::newRow("dies inside the settle window")
            << QStringLiteral("services:\n  web:\n    image: CRASHING\n    command: [\"sh\", \"-c\", \"sleep "
                              "1; exit 2\"]\n")
            << 15000 << 120 << QStringList{QStringLiteral("run.exited"), QStringLiteral("kube.crashLoop")}
            << QStringList{QStringLiteral("web:running<web:failed")} << QString();
        QTest::newRow("dependency never healthy")
            << QStringLiteral(
                   "services:\n  db:\n%1    healthcheck:\n      test: [\"CMD\", \"false\"]\n"
                   "      interval: 1s\n      retries: 1000\n  web:\n%1    depends_on:\n      db:\n"
                   "        condition: service_healthy\n")
                   .arg(run)
            << 500 << 12 << QStringList{QStringLiteral("run.timeout")} << QStringList()
            << QStringLiteral("the simulator makes every pod Ready: it runs no probes");
    }

    void rules()
    {
        QFETCH(QString, compose);
        QFETCH(int, settleMs);
        QFETCH(int, readyTimeoutSeconds);
        QFETCH(QStringList, failsWith);
        QFETCH(QStringList, order);
        QFETCH(QString, skipOnSimulator);
        if (simulated() && !skipOnSimulator.isEmpty())
            QSKIP(qPrintable(skipOnSimulator));
        // The simulator crashes containers by image name; elsewhere the command does it.
        const QString crashing = simulated() ? QStringLiteral("rr-test/crashloop-app:1") : m_image;
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        const QString dir = m_work.filePath(
            QString(tag).replace(QRegularExpression(QStringLiteral("[^a-z]+")), QStringLiteral("-")));
        QDir().mkpath(dir);
        QFile f(dir + QStringLiteral("/compose.yaml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QString(compose)
                    .replace(QStringLiteral("IMAGE"), m_image)
                    .replace(QStringLiteral("CRASHING"), crashing)
                    .toUtf8());
        f.close();

        const QString runId = m_prefix + QString::number(qHash(tag) % 100000);
        const plan::RunPlan plan = test::planFor(dir, runId);
        auto runtime = makeRuntime(readyTimeoutSeconds, settleMs);
        QList<Seen> seen;
        connect(runtime.get(), &runtime::Runtime::serviceStatusChanged, this,
                [&seen, runId](const QString &id, const runtime::ServiceStatus &s) {
                    if (id == runId)
                        seen.append({s.service, s.state});
                });
        if (!m_docker)
            QVERIFY(m_images->load(static_cast<kube::KubeRuntime &>(*runtime), plan));
        else
            QVERIFY(awaitFuture(runtime->loadImages(plan), 120000).has_value());
        const auto deployed = awaitFuture(runtime->deploy(plan), (readyTimeoutSeconds + 60) * 1000);
        if (failsWith.isEmpty()) {
            QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));
        } else {
            QVERIFY2(!deployed.has_value(), "the run must not reach READY");
            QVERIFY2(failsWith.contains(deployed.error().code), qPrintable(deployed.error().toString()));
            if (deployed.error().code == QLatin1String("run.timeout"))
                QVERIFY2(deployed.error().message.contains(
                             QStringLiteral("db (running, waiting for its health check)")),
                         qPrintable(deployed.error().message));
        }
        for (const QString &rule : order) {
            const QStringList sides = rule.split(QLatin1Char('<'));
            const QStringList before = sides.at(0).split(QLatin1Char(':'));
            const QStringList after = sides.at(1).split(QLatin1Char(':'));
            // "running" before means running or any state past it.
            QList<ServiceState> earlier{*runtime::serviceStateFromName(before.at(1))};
            if (earlier.first() == ServiceState::Running)
                earlier << ServiceState::Healthy << ServiceState::Completed;
            const auto later = *runtime::serviceStateFromName(after.at(1));
            QTRY_VERIFY_WITH_TIMEOUT(firstIndex(seen, after.at(0), {later}) >= 0, 30000);
            const qsizetype a = firstIndex(seen, before.at(0), earlier);
            const qsizetype b = firstIndex(seen, after.at(0), {later});
            QVERIFY2(a >= 0 && a < b, qPrintable(rule + QStringLiteral(" broken: ") + history(seen)));
        }
        QVERIFY(awaitFuture(runtime->teardown(runId), 180000).has_value());
    }

    // Each row: what is removed ("container", "namespace", "deployment") on which runtime, and the
    // words the diagnosis must start with (RUN_NS stands for the run's namespace).
    void removedOutsideBreaksTheRun_data()
    {
        QTest::addColumn<QString>("removed");
        QTest::addColumn<bool>("onDocker");
        QTest::addColumn<QString>("diagnosis");
        QTest::newRow("docker rm -f") << QStringLiteral("container") << true
                                      << QStringLiteral("container web was removed outside RepoRunner");
        QTest::newRow("namespace deleted")
            << QStringLiteral("namespace") << false
            << QStringLiteral("namespace RUN_NS was deleted outside RepoRunner");
        QTest::newRow("deployment deleted")
            << QStringLiteral("deployment") << false
            << QStringLiteral("deployment web of service web was deleted outside RepoRunner");
    }

    void removedOutsideBreaksTheRun()
    {
        QFETCH(QString, removed);
        QFETCH(bool, onDocker);
        QFETCH(QString, diagnosis);
        if (onDocker != m_docker)
            QSKIP("a row for the other runtime");
        const QString tag = QString::fromLatin1(QTest::currentDataTag());
        const QString dir = m_work.filePath(QStringLiteral("removed-") + removed);
        QDir().mkpath(dir);
        QFile f(dir + QStringLiteral("/compose.yaml"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("services:\n  web:\n    image: %1\n    command: [\"sleep\", \"3600\"]\n")
                    .arg(m_image)
                    .toUtf8());
        f.close();
        const QString runId = m_prefix + QStringLiteral("x") + QString::number(qHash(tag) % 100000);
        const plan::RunPlan plan = test::planFor(dir, runId);
        auto runtime = makeRuntime(120, 500);
        QSignalSpy broken(runtime.get(), &runtime::Runtime::runBroken);
        if (!m_docker)
            QVERIFY(m_images->load(static_cast<kube::KubeRuntime &>(*runtime), plan));
        else
            QVERIFY(awaitFuture(runtime->loadImages(plan), 120000).has_value());
        const auto deployed = awaitFuture(runtime->deploy(plan), 180000);
        QVERIFY2(deployed.has_value(), qPrintable(deployed ? QString() : deployed.error().toString()));

        if (removed == QLatin1String("container")) {
            const auto containers =
                awaitFuture(m_client->listContainers({QStringLiteral("reporunner.dev/run-id=") + runId}));
            QVERIFY(containers.has_value() && containers->size() == 1);
            const QString id = containers->at(0).toObject().value(QStringLiteral("Id")).toString();
            QVERIFY(
                awaitFuture(m_client->removeContainer(id, true)).has_value()); // what `docker rm -f` sends
        } else if (removed == QLatin1String("namespace")) {
            QCOMPARE(
                m_env->request("DELETE", QStringLiteral("/api/v1/namespaces/") + plan.namespaceName).code,
                200);
        } else {
            QCOMPARE(m_env
                         ->request("DELETE", QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/web")
                                                 .arg(plan.namespaceName))
                         .code,
                     200);
        }
        QVERIFY(broken.wait(60000) || !broken.isEmpty());
        QCOMPARE(broken.size(), 1);
        QCOMPARE(broken.at(0).at(0).toString(), runId);
        const auto error = broken.at(0).at(1).value<core::Error>();
        QCOMPARE(error.code, QStringLiteral("run.removed"));
        QVERIFY2(error.message.startsWith(
                     QString(diagnosis).replace(QStringLiteral("RUN_NS"), plan.namespaceName)),
                 qPrintable(error.message));
        QVERIFY(awaitFuture(runtime->teardown(runId), 180000).has_value());
    }
};

QTEST_GUILESS_MAIN(TestRolloutRules)
#include "test_rollout_rules.moc"
