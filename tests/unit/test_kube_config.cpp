// Kubeconfig loading and merging, credential sources, the local-only rule and exec plugins.
#include "kube/execcredentials.h"
#include "kube/kubeconfig.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using namespace rr::kube;

class TestKubeConfig : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &relative, const QByteArray &content)
    {
        const QString path = m_dir.filePath(relative);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(content);
        f.close();
        f.setPermissions(f.permissions() | QFile::ExeOwner);
        return path;
    }

private Q_SLOTS:
    void mergesFirstDefinitionWins()
    {
        const QString a = write(QStringLiteral("a/config"), R"(
apiVersion: v1
kind: Config
current-context: kind-one
clusters:
- name: one
  cluster: {server: https://127.0.0.1:6443, certificate-authority-data: Q0EtT05F}
contexts:
- name: kind-one
  context: {cluster: one, user: u, namespace: team}
users:
- name: u
  user: {token: first-token}
)");
        const QString b = write(QStringLiteral("b/config"), R"(
current-context: other
clusters:
- name: one
  cluster: {server: https://127.0.0.1:9999}
- name: two
  cluster: {server: https://localhost:7000}
contexts:
- name: other
  context: {cluster: two, user: u}
users:
- name: u
  user: {token: second-token}
)");
        auto config = Kubeconfig::load({a, QStringLiteral("/nonexistent/config"), b});
        QVERIFY2(config.has_value(), qPrintable(config ? QString() : config.error().message));
        QCOMPARE(config->currentContext(), QStringLiteral("kind-one"));
        QCOMPARE(config->contextNames(), (QStringList{QStringLiteral("kind-one"), QStringLiteral("other")}));
        auto one = config->resolve();
        QVERIFY(one.has_value());
        QCOMPARE(one->server, QStringLiteral("https://127.0.0.1:6443"));
        QCOMPARE(one->caPem, QByteArray("CA-ONE"));
        QCOMPARE(one->token, QStringLiteral("first-token"));
        QCOMPARE(one->namespaceName, QStringLiteral("team"));
        auto other = config->resolve(QStringLiteral("other"));
        QVERIFY(other.has_value());
        QCOMPARE(other->server, QStringLiteral("https://localhost:7000"));
        QCOMPARE(other->token, QStringLiteral("first-token")); // user "u" from the first file

        auto missing = config->resolve(QStringLiteral("nope"));
        QVERIFY(!missing.has_value());
        QCOMPARE(missing.error().code, QStringLiteral("kube.config.context"));
    }

    void kubeconfigEnvironmentIsSplit()
    {
        qputenv("KUBECONFIG", "/x/one::/y/two");
        QCOMPARE(Kubeconfig::defaultFiles(),
                 (QStringList{QStringLiteral("/x/one"), QStringLiteral("/y/two")}));
        qunsetenv("KUBECONFIG");
        QCOMPARE(Kubeconfig::defaultFiles(), QStringList{QDir::homePath() + QStringLiteral("/.kube/config")});
    }

    void dataWinsAndPathsAreRelativeToTheFile()
    {
        write(QStringLiteral("c/certs/ca.pem"), "CA-FROM-FILE");
        write(QStringLiteral("c/certs/client.pem"), "CERT-FROM-FILE");
        write(QStringLiteral("c/certs/client.key"), "KEY-FROM-FILE");
        write(QStringLiteral("c/token"), "file-token\n");
        const QString c = write(QStringLiteral("c/config"), R"(
current-context: ctx
clusters:
- name: cl
  cluster:
    server: https://[::1]:6443
    certificate-authority: certs/ca.pem
    tls-server-name: kubernetes
    insecure-skip-tls-verify: true
users:
- name: files
  user:
    client-certificate: certs/client.pem
    client-key: certs/client.key
    client-key-data: S0VZLURBVEE=
    tokenFile: token
contexts:
- name: ctx
  context: {cluster: cl, user: files}
)");
        auto config = Kubeconfig::load({c});
        QVERIFY(config.has_value());
        auto ctx = config->resolve();
        QVERIFY2(ctx.has_value(), qPrintable(ctx ? QString() : ctx.error().message));
        QCOMPARE(ctx->caPem, QByteArray("CA-FROM-FILE"));
        QCOMPARE(ctx->clientCertPem, QByteArray("CERT-FROM-FILE"));
        QCOMPARE(ctx->clientKeyPem, QByteArray("KEY-DATA")); // data wins over the path
        QCOMPARE(ctx->token, QStringLiteral("file-token"));
        QCOMPARE(ctx->tlsServerName, QStringLiteral("kubernetes"));
        QVERIFY(ctx->insecureSkipTlsVerify);
        // A loopback server alone does not make a context eligible (it may be a tunnel).
        QCOMPARE(Kubeconfig::checkAllowed(*ctx, {}).error().code, QStringLiteral("kube.context.not_allowed"));
        QVERIFY(Kubeconfig::checkAllowed(*ctx, {ctx->name}).has_value());
    }

    void missingFileIsAnError()
    {
        const QString c = write(QStringLiteral("d/config"), R"(
current-context: ctx
clusters: [{name: cl, cluster: {server: https://127.0.0.1:1, certificate-authority: nothere.pem}}]
contexts: [{name: ctx, context: {cluster: cl}}]
)");
        auto ctx = Kubeconfig::load({c})->resolve();
        QVERIFY(!ctx.has_value());
        QCOMPARE(ctx.error().code, QStringLiteral("kube.config.file"));
        QVERIFY(ctx.error().message.contains(m_dir.filePath(QStringLiteral("d/nothere.pem"))));
    }

    void brokenYamlNamesTheFile()
    {
        const QString c = write(QStringLiteral("e/config"), "clusters: [\n  - {name: x\n");
        auto config = Kubeconfig::load({c});
        QVERIFY(!config.has_value());
        QCOMPARE(config.error().code, QStringLiteral("kube.config.yaml"));
        QCOMPARE(config.error().where.file, c);
    }

    void onlyNamedContextsAreAllowedWhereverTheyAre_data()
    {
        QTest::addColumn<QString>("server");
        QTest::addColumn<bool>("local");
        QTest::newRow("ipv4 loopback") << QStringLiteral("https://127.0.0.1:40000") << true;
        QTest::newRow("localhost") << QStringLiteral("https://LOCALHOST:6443") << true;
        QTest::newRow("ipv6 loopback") << QStringLiteral("https://[::1]:6443") << true;
        QTest::newRow("remote name") << QStringLiteral("https://k8s.example.com:6443") << false;
        QTest::newRow("lan address") << QStringLiteral("https://192.168.1.20:6443") << false;
        QTest::newRow("localhost lookalike") << QStringLiteral("https://localhost.evil.com") << false;
    }
    void onlyNamedContextsAreAllowedWhereverTheyAre()
    {
        QFETCH(QString, server);
        QFETCH(bool, local);
        QCOMPARE(Kubeconfig::isLocalServer(server), local);
        KubeContext ctx;
        ctx.name = QStringLiteral("prod");
        ctx.server = server;
        const auto refused = Kubeconfig::checkAllowed(ctx, {QStringLiteral("staging")});
        QVERIFY(!refused.has_value()); // loopback or not
        QCOMPARE(refused.error().code, QStringLiteral("kube.context.not_allowed"));
        QVERIFY(refused.error().message.contains(QStringLiteral("prod")));
        QVERIFY(Kubeconfig::checkAllowed(ctx, {QStringLiteral("prod")}).has_value());
        ctx.name = QStringLiteral("kind-reporunner");
        QVERIFY(Kubeconfig::checkAllowed(ctx, {}).has_value());
    }

    void execPluginRunsAndCaches()
    {
        // The plugin counts its runs in a file and sees our env and args.
        const QString counter = m_dir.filePath(QStringLiteral("exec-count"));
        const QString expiry = QDateTime::currentDateTimeUtc().addSecs(3600).toString(Qt::ISODate);
        write(QStringLiteral("f/bin/cred"),
              QStringLiteral(
                  "#!/bin/sh\necho run >> %1\n"
                  "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                  "\"status\":{\"token\":\"%s-%s\",\"expirationTimestamp\":\"%2\"}}' \"$PREFIX\" \"$1\"\n")
                  .arg(counter, expiry)
                  .toUtf8());
        const QString c = write(QStringLiteral("f/config"), R"(
current-context: ctx
clusters: [{name: cl, cluster: {server: https://127.0.0.1:1}}]
contexts: [{name: ctx, context: {cluster: cl, user: ex}}]
users:
- name: ex
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/cred
      args: [arg1]
      env: [{name: PREFIX, value: tok}]
)");
        auto ctx = Kubeconfig::load({c})->resolve();
        QVERIFY(ctx.has_value());
        QVERIFY(ctx->exec.has_value());
        QCOMPARE(ctx->exec->command, m_dir.filePath(QStringLiteral("f/bin/cred")));

        ExecCredentials creds(*ctx->exec);
        std::optional<core::Result<ExecCredential>> first, second, third;
        creds.fetch([&](const core::Result<ExecCredential> &r) { first = r; });
        creds.fetch([&](const core::Result<ExecCredential> &r) { second = r; }); // shares the run
        QTRY_VERIFY(first.has_value() && second.has_value());
        QVERIFY2(first->has_value(), qPrintable(first->has_value() ? QString() : first->error().message));
        QCOMPARE((*first)->token, QStringLiteral("tok-arg1"));
        QCOMPARE((*second)->token, QStringLiteral("tok-arg1"));
        creds.fetch([&](const core::Result<ExecCredential> &r) { third = r; }); // cached: answers at once
        QVERIFY(third.has_value() && third->has_value());
        QCOMPARE(creds.runs(), 1);
        QFile count(counter);
        QVERIFY(count.open(QIODevice::ReadOnly));
        QCOMPARE(count.readAll().count('\n'), 1);
    }

    void expiredCredentialRunsAgain()
    {
        const QString past = QDateTime::currentDateTimeUtc().addSecs(-10).toString(Qt::ISODate);
        const QString script =
            write(QStringLiteral("g/cred"),
                  QStringLiteral("#!/bin/sh\nprintf '{\"kind\":\"ExecCredential\",\"status\":"
                                 "{\"clientCertificateData\":\"C\",\"clientKeyData\":\"K\","
                                 "\"expirationTimestamp\":\"%1\"}}'\n")
                      .arg(past)
                      .toUtf8());
        ExecConfig config;
        config.command = script;
        ExecCredentials creds(config);
        int answers = 0;
        creds.fetch([&](const core::Result<ExecCredential> &r) {
            QVERIFY(r.has_value());
            QCOMPARE(r->clientCertPem, QByteArray("C"));
            ++answers;
        });
        QTRY_COMPARE(answers, 1);
        creds.fetch([&](const core::Result<ExecCredential> &) { ++answers; });
        QTRY_COMPARE(answers, 2);
        QCOMPARE(creds.runs(), 2);
    }

    void execFailuresAreExplained()
    {
        ExecConfig missing;
        missing.command = m_dir.filePath(QStringLiteral("no-such-plugin"));
        ExecCredentials a(missing);
        std::optional<core::Result<ExecCredential>> r;
        a.fetch([&](const core::Result<ExecCredential> &x) { r = x; });
        QTRY_VERIFY(r.has_value());
        QVERIFY(!r->has_value());
        QCOMPARE(r->error().code, QStringLiteral("kube.exec.missing"));

        ExecConfig failing;
        failing.command = write(QStringLiteral("h/fail"), "#!/bin/sh\necho 'login required' >&2\nexit 3\n");
        ExecCredentials b(failing);
        r.reset();
        b.fetch([&](const core::Result<ExecCredential> &x) { r = x; });
        QTRY_VERIFY(r.has_value());
        QVERIFY(!r->has_value());
        QCOMPARE(r->error().code, QStringLiteral("kube.exec.failed"));
        QVERIFY(r->error().message.contains(QStringLiteral("login required")));

        QCOMPARE(ExecCredentials::parse("{\"kind\":\"ExecCredential\",\"status\":{}}").error().code,
                 QStringLiteral("kube.exec.output"));
        QVERIFY(!ExecCredentials::parse("not json").has_value());
    }
};

QTEST_GUILESS_MAIN(TestKubeConfig)
#include "test_kube_config.moc"
