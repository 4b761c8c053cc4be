// `reporunner run` creating the kind cluster "reporunner" only with consent. A real kind cannot
// run on these machines, so `kind` here is a script placed first on PATH that records its
// arguments and succeeds or fails on request: this tests our invocation of kind, the consent
// rule and how kind's failures are reported, not kind itself. Docker is real (cluster lookup
// by node label), and so is the engine the run continues to.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/dockerclient.h"
#include "test_dockerfixture.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::test::await;

class TestCliCluster : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cli;
    std::unique_ptr<docker::DockerClient> m_docker;
    std::unique_ptr<QProcess> m_engine;
    QString m_missing; // a source that does not exist: the engine refuses it at once (exit 2)

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QMap<QString, QString> env(bool withKind = true, const QString &kindExit = "0") const
    {
        const QString systemPath = qEnvironmentVariable("PATH");
        return {{"HOME", path("home")},
                {"KUBECONFIG", path("home/no-kubeconfig")},
                {"REPORUNNER_KUBE_CONTEXT", ""},
                {"XDG_DATA_HOME", path("data")},
                {"XDG_CACHE_HOME", path("cache")},
                {"XDG_RUNTIME_DIR", path("rt")},
                {"REPORUNNER_SOCKET", path("rt/ctl.sock")},
                {"FAKE_KIND_LOG", path("kind.log")},
                {"FAKE_KIND_EXIT", kindExit},
                {"PATH", withKind ? path("bin") + ":" + systemPath : systemPath}};
    }

    test::ProcessResult run(const QStringList &args, const QMap<QString, QString> &environment)
    {
        QFile::remove(path("kind.log"));
        return test::run(m_cli, QStringList{"run", m_missing} + args, {}, {}, 120000, environment);
    }

    QString kindCalls() const
    {
        QFile f(path("kind.log"));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
    }

    static QString expectedCall(const QString &infra)
    {
        return "create cluster --name reporunner --config " + infra + "/kind/cluster.yaml --wait 5m";
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("REPORUNNER_CLI");
        QVERIFY2(QFileInfo(m_cli).isExecutable(), "REPORUNNER_CLI must point at the reporunner binary");
        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_docker = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_docker);
        if (!QStandardPaths::findExecutable("kind").isEmpty())
            QSKIP("a real kind is installed here; these tests must not create real clusters");
        for (const char *d : {"bin", "home", "data", "cache", "rt"})
            QVERIFY(QDir().mkpath(path(d)));
        QFile::setPermissions(path("rt"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QFile kind(path("bin/kind"));
        QVERIFY(kind.open(QIODevice::WriteOnly));
        kind.write("#!/bin/sh\n"
                   "# Stand-in for the kind CLI: records its arguments, talks like kind.\n"
                   "echo \"$*\" >> \"$FAKE_KIND_LOG\"\n"
                   "echo 'Creating cluster \"reporunner\" ...' >&2\n"
                   "echo ' ✓ Ensuring node image (kindest/node:v1.31.0)' >&2\n"
                   "if [ \"${FAKE_KIND_EXIT:-0}\" != 0 ]; then\n"
                   "  echo 'ERROR: failed to create cluster: could not find a log line' >&2\n"
                   "  exit \"$FAKE_KIND_EXIT\"\n"
                   "fi\n"
                   "echo 'Set kubectl context to \"kind-reporunner\"'\n");
        kind.close();
        QFile::setPermissions(path("bin/kind"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        m_missing = path("no-such-project");
        // Our own engine, so the CLI never leaves a background `serve` behind.
        m_engine = std::make_unique<QProcess>();
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        const auto vars = env();
        for (auto it = vars.begin(); it != vars.end(); ++it)
            e.insert(it.key(), it.value());
        m_engine->setProcessEnvironment(e);
        m_engine->setProcessChannelMode(QProcess::ForwardedChannels);
        m_engine->start(m_cli, {"serve", "--socket", path("rt/ctl.sock")});
        QVERIFY(m_engine->waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path("rt/ctl.sock")), 30000);
    }

    void cleanupTestCase()
    {
        if (m_engine) {
            m_engine->terminate();
            if (!m_engine->waitForFinished(10000))
                m_engine->kill();
        }
    }

    void createsOnlyWithTheFlag()
    {
        const auto r = run({"--create-cluster"}, env());
        const QString err = QString::fromUtf8(r.err);
        QCOMPARE(kindCalls(), expectedCall(qEnvironmentVariable("REPORUNNER_SOURCE_DIR") + "/infra"));
        QVERIFY2(err.contains("  kind | Creating cluster \"reporunner\" ..."), qPrintable(err));
        QVERIFY2(err.contains("kind cluster \"reporunner\" is ready"), qPrintable(err));
        QVERIFY2(err.contains("kind-cluster.sh create"), qPrintable(err)); // how to add the registry
        // The engine was already up: the user learns it has not switched runtimes.
        QVERIFY2(err.contains("an engine was already running"), qPrintable(err));
        // Then the run went on to the engine, which refused the missing folder.
        QVERIFY2(err.contains("There is no folder"), qPrintable(err));
        QCOMPARE(r.exitCode, 2);
    }

    void infraDirectoryCanBeNamed()
    {
        QVERIFY(QDir().mkpath(path("infra/kind")));
        QVERIFY(QFile::copy(qEnvironmentVariable("REPORUNNER_SOURCE_DIR") + "/infra/kind/cluster.yaml",
                            path("infra/kind/cluster.yaml")));
        auto environment = env();
        environment.insert("REPORUNNER_INFRA_DIR", path("infra"));
        run({"--create-cluster"}, environment);
        QCOMPARE(kindCalls(), expectedCall(path("infra")));
    }

    void neverSilently()
    {
        // No flag and no terminal to ask on: kind is not touched, the user is told how.
        const auto r = run({}, env());
        const QString err = QString::fromUtf8(r.err);
        QCOMPARE(kindCalls(), QString());
        QVERIFY2(err.contains("add --create-cluster"), qPrintable(err));
        QVERIFY2(err.contains("There is no folder"), qPrintable(err));
        // --runtime docker never even looks.
        const auto docker = run({"--runtime", "docker"}, env());
        QCOMPARE(kindCalls(), QString());
        QVERIFY(!QString::fromUtf8(docker.err).contains("--create-cluster"));
    }

    void asksOnATerminal_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("creates");
        QTest::newRow("yes") << QByteArray("y\n") << true;
        QTest::newRow("no") << QByteArray("n\n") << false;
        QTest::newRow("just enter") << QByteArray("\n") << false;
    }
    void asksOnATerminal()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, creates);
        // util-linux `script` gives the CLI a pseudo-terminal and types our answer into it.
        QFile::remove(path("kind.log"));
        const auto r = test::run("script", {"-qec", m_cli + " run " + m_missing, "/dev/null"}, {}, answer,
                                 120000, env());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains("Create the kind cluster \"reporunner\" now"), qPrintable(out));
        QCOMPARE(!kindCalls().isEmpty(), creates);
        if (!creates)
            QVERIFY2(out.contains("not creating a cluster"), qPrintable(out));
    }

    void kindFailureEndsTheRun()
    {
        const auto r = run({"--create-cluster"}, env(true, "1"));
        const QString err = QString::fromUtf8(r.err);
        QCOMPARE(r.exitCode, 6); // a runtime error
        QVERIFY2(
            err.contains("kind could not create the cluster \"reporunner\": failed to create cluster: could "
                         "not find a log line"),
            qPrintable(err));
        QVERIFY2(!err.contains("There is no folder"), qPrintable(err)); // the engine was never asked
    }

    void missingKindIsExplained()
    {
        const auto r = run({"--create-cluster"}, env(false));
        const QString err = QString::fromUtf8(r.err);
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(err.contains("The kind CLI is not installed"), qPrintable(err));
        // Without the flag a missing kind is not worth a word.
        const auto quiet = run({}, env(false));
        QVERIFY(!QString::fromUtf8(quiet.err).contains("kind"));
    }

    void existingClusterIsLeftAlone()
    {
        const QString name = "rr-test-cli-" + QString::number(QRandomGenerator::global()->generate(), 36);
        const QJsonObject config{{"Image", "busybox:1.36"},
                                 {"Cmd", QJsonArray{"sleep", "600"}},
                                 {"Labels", QJsonObject{{"io.x-k8s.kind.cluster", "reporunner"},
                                                        {"io.x-k8s.kind.role", "control-plane"}}}};
        auto id = await(m_docker->createContainer(name, config));
        QVERIFY2(id.has_value(), id ? "" : qPrintable(id.error().message));
        const auto r = run({"--create-cluster"}, env());
        QVERIFY(await(m_docker->removeContainer(*id, true)).has_value());
        QCOMPARE(kindCalls(), QString());
        QVERIFY2(QString::fromUtf8(r.err).contains("kind cluster \"reporunner\" already exists"),
                 r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliCluster)
#include "test_cli_cluster.moc"
