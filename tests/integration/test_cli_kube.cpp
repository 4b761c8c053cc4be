// A compose project as users write them, run by `reporunner run` on the real local cluster
// (issue 10 on Kubernetes): `80:80` becomes a free port on the run's own loopback address, a
// repository file bind becomes a ConfigMap, `~/data` an empty volume, a folder too big for a
// ConfigMap is baked into the image, and a namespace deleted behind the engine's back fails the
// run with a diagnosis. Stop leaves no namespace.
#include "kubetestenv.h"
#include "testsupport.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

using rr::test::kubeapi::KubeTestEnv;

class TestCliKube : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    KubeTestEnv m_cluster;
    QString m_cli;

    QMap<QString, QString> env() const
    {
        return {{QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data"))},
                {QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cache"))},
                {QStringLiteral("XDG_RUNTIME_DIR"), m_dir.filePath(QStringLiteral("rt"))},
                {QStringLiteral("REPORUNNER_SOCKET"), m_dir.filePath(QStringLiteral("rt/ctl.sock"))},
                {QStringLiteral("KUBECONFIG"), m_cluster.kubeconfig()},
                {QStringLiteral("REPORUNNER_KUBE_CONTEXT"), m_cluster.allowedContexts().constFirst()}};
    }
    rr::test::ProcessResult cli(const QStringList &args, int timeoutMs = 60000) const
    {
        return rr::test::run(m_cli, args, {}, {}, timeoutMs, env());
    }
    QJsonObject runInfo(const QString &id) const
    {
        const auto ps = cli({QStringLiteral("ps"), QStringLiteral("--json")});
        for (const QJsonValue &v : QJsonDocument::fromJson(ps.out).array())
            if (v.toObject().value(QStringLiteral("id")).toString() == id)
                return v.toObject();
        return {};
    }
    int namespaceCode(const QString &name) const
    {
        return m_cluster.request("GET", QStringLiteral("/api/v1/namespaces/") + name).code;
    }
    static QByteArray httpGet(const QString &url)
    {
        QNetworkAccessManager http;
        std::unique_ptr<QNetworkReply> reply(http.get(QNetworkRequest(QUrl(url))));
        QEventLoop loop;
        connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(15000, &loop, &QEventLoop::quit);
        if (!reply->isFinished())
            loop.exec();
        return reply->isFinished() && reply->error() == QNetworkReply::NoError ? reply->readAll()
                                                                               : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_cli = qEnvironmentVariable("REPORUNNER_CLI");
        QVERIFY2(QFileInfo(m_cli).isExecutable(), "REPORUNNER_CLI must point at the reporunner binary");
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
        QVERIFY2(m_cluster.runsPods(), "this test needs the local cluster's real node (--node real)");
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("rt"))));
        QFile::setPermissions(m_dir.filePath(QStringLiteral("rt")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }

    // `run` started `reporunner serve` in the background; it must not outlive the test.
    void cleanupTestCase()
    {
        rr::test::stopBackgroundServe(m_dir.filePath(QStringLiteral("rt/reporunner/serve.pid")));
    }

    void composeAsWrittenRunsOnTheCluster()
    {
        const QString dir = m_dir.filePath(QStringLiteral("shop"));
        const QByteArray page = "hello " + QUuid::createUuid().toByteArray(QUuid::Id128) + "\n";
        QByteArray big; // incompressible text beyond the ConfigMap limit
        for (int i = 0; i < 700 * 1024 / 8; ++i)
            big += QByteArray::number(QRandomGenerator::global()->generate64(), 36).left(8);
        rr::test::writeTree(
            dir, {{QStringLiteral("site/index.html"), page},
                  {QStringLiteral("big/blob.txt"), big},
                  {QStringLiteral("Dockerfile"),
                   "FROM busybox:1.36\nCMD [\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/\"]\n"},
                  {QStringLiteral("compose.yaml"), "services:\n  web:\n    build: .\n    ports: [\"80:80\"]\n"
                                                   "    volumes:\n"
                                                   "      - ./site/index.html:/site/index.html:ro\n"
                                                   "      - ~/data:/data\n"
                                                   "      - ./big:/big:ro\n"}});

        const auto plan = cli({QStringLiteral("plan"), dir});
        QVERIFY2(plan.exitCode == 0, plan.err.constData());
        const QByteArray report = plan.out + plan.err;
        for (const char *line : {"host port 80 \u2192", "copied into ConfigMap", "'~/data' was not mounted",
                                 "too much for a ConfigMap"})
            QVERIFY2(report.contains(line), line);

        const auto run = cli(
            {QStringLiteral("run"), dir, QStringLiteral("--runtime"), QStringLiteral("kubernetes")}, 300000);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.startsWith("http://127.77."), run.out.constData());
        const QString url = QString::fromUtf8(run.out.split(' ').constFirst().trimmed());
        const QString id =
            QString::fromUtf8(run.err.mid(run.err.lastIndexOf("run ") + 4).split(' ').constFirst());
        const QJsonObject ready = runInfo(id);
        QCOMPARE(ready.value(QStringLiteral("state")).toString(), QStringLiteral("READY"));
        QCOMPARE(ready.value(QStringLiteral("runtime")).toString(), QStringLiteral("kubernetes"));

        QCOMPARE(httpGet(url + QStringLiteral("site/index.html")), page);
        QCOMPARE(httpGet(url + QStringLiteral("big/blob.txt")), big);
        const QUrl preview(url);
        QVERIFY(httpGet(QStringLiteral("http://127.0.0.1:%1/site/index.html").arg(preview.port())) != page);

        // The namespace is deleted behind the engine's back: the run says so.
        const QString ns = QStringLiteral("rr-local-shop-") + id;
        QCOMPARE(namespaceCode(ns), 200);
        QCOMPARE(m_cluster.request("DELETE", QStringLiteral("/api/v1/namespaces/") + ns).code, 200);
        QTRY_COMPARE_WITH_TIMEOUT(runInfo(id).value(QStringLiteral("state")).toString(),
                                  QStringLiteral("FAILED"), 60000);
        const QJsonObject diagnosis = runInfo(id).value(QStringLiteral("diagnosis")).toObject();
        QCOMPARE(diagnosis.value(QStringLiteral("code")).toString(), QStringLiteral("run.removed"));
        QVERIFY(diagnosis.value(QStringLiteral("summary")).toString().contains(ns));
        QVERIFY(httpGet(url + QStringLiteral("site/index.html")).isEmpty()); // the forward is closed

        const auto stop = cli({QStringLiteral("stop"), id}, 120000);
        QVERIFY2(stop.exitCode == 0, stop.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(namespaceCode(ns), 404, 120000);
    }
};

QTEST_MAIN(TestCliKube)
#include "test_cli_kube.moc"
