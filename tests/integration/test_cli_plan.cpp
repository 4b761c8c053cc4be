// Drives the real `reporunner plan` binary on the bundled examples and on bad input.
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using rr::test::ProcessResult;
using Files = QMap<QString, QByteArray>;

namespace {

ProcessResult plan(const QStringList &args)
{
    // A throwaway cache/home so the test never touches the user's clone cache.
    static QTemporaryDir home;
    return rr::test::run(qEnvironmentVariable("REPORUNNER_CLI"), QStringList{QStringLiteral("plan")} + args,
                         {}, {}, 60000, {{QStringLiteral("XDG_CACHE_HOME"), home.path()}});
}

QList<QJsonObject> objectsOfKind(const QJsonArray &manifests, const QString &kind)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : manifests)
        if (v.toObject().value(QStringLiteral("kind")).toString() == kind)
            out << v.toObject();
    return out;
}

} // namespace

class TestCliPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void composeExample()
    {
        const ProcessResult r =
            plan({rr::test::sourcePath(QStringLiteral("examples/compose-app")), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc.value(QStringLiteral("mode")).toString(), QStringLiteral("compose"));
        const QJsonArray manifests = doc.value(QStringLiteral("manifests")).toArray();
        QCOMPARE(objectsOfKind(manifests, QStringLiteral("Namespace")).size(), 1);
        QCOMPARE(objectsOfKind(manifests, QStringLiteral("Deployment")).size(), 3);
        const auto services = objectsOfKind(manifests, QStringLiteral("Service"));
        QVERIFY(services.size() >= 3);
        bool webOn80 = false;
        for (const QJsonObject &s : services)
            if (s[QStringLiteral("metadata")][QStringLiteral("name")].toString() == QLatin1String("web"))
                webOn80 =
                    s[QStringLiteral("spec")][QStringLiteral("ports")][0][QStringLiteral("port")].toInt() ==
                    80;
        QVERIFY2(webOn80, "web's Service must use the container port 80, not the published 8080");
        QVERIFY(!doc.value(QStringLiteral("report")).toArray().isEmpty());
    }

    void yamlToStdoutReportToStderr()
    {
        const ProcessResult r = plan({rr::test::sourcePath(QStringLiteral("examples/compose-app"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("---") || r.out.startsWith("apiVersion") ||
                r.out.contains("\nkind: Namespace"));
        QVERIFY(r.out.contains("kind: Deployment"));
        QVERIFY2(r.err.contains("healthcheck"), r.err.constData());
    }

    void dockerfileExample()
    {
        const ProcessResult r =
            plan({rr::test::sourcePath(QStringLiteral("examples/dockerfile-app")), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(doc.value(QStringLiteral("mode")).toString(), QStringLiteral("dockerfile"));
        const QJsonArray manifests = doc.value(QStringLiteral("manifests")).toArray();
        QCOMPARE(objectsOfKind(manifests, QStringLiteral("Deployment")).size(), 1);
        const auto services = objectsOfKind(manifests, QStringLiteral("Service"));
        QCOMPARE(services.size(), 1);
        QCOMPARE(services.first()[QStringLiteral("spec")][QStringLiteral("ports")][0][QStringLiteral("port")]
                     .toInt(),
                 8000);
    }

    void everyObjectPassesTheRealSchema()
    {
        for (const QString &example : {QStringLiteral("compose-app"), QStringLiteral("dockerfile-app")}) {
            const ProcessResult r =
                plan({rr::test::sourcePath(QStringLiteral("examples/") + example), QStringLiteral("--json")});
            QCOMPARE(r.exitCode, 0);
            const QJsonArray manifests =
                QJsonDocument::fromJson(r.out).object().value(QStringLiteral("manifests")).toArray();
            const ProcessResult v =
                rr::test::run(QStringLiteral("/usr/bin/python3"),
                              {rr::test::sourcePath(QStringLiteral("tests/support/k8s_schema_validate.py"))},
                              {}, QJsonDocument(manifests).toJson());
            QVERIFY2(v.exitCode == 0, QByteArray(v.out + v.err).constData());
        }
    }

    void badInput_data()
    {
        QTest::addColumn<Files>("files");
        QTest::addColumn<QStringList>("extraArgs");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("malformed yaml") << QMap<QString, QByteArray>{{QStringLiteral("compose.yaml"),
                                                                      "services:\n  web:\n    image: [x\n"}}
                                        << QStringList{} << 5 << QStringLiteral("compose.yaml:");
        QTest::newRow("host bind mount")
            << QMap<QString,
                    QByteArray>{{QStringLiteral("compose.yaml"),
                                 "services:\n  web:\n    image: x\n    volumes:\n      - /etc:/host-etc\n"}}
            << QStringList{} << 3 << QStringLiteral("web");
        QTest::newRow("docker socket")
            << QMap<QString, QByteArray>{{QStringLiteral("compose.yaml"),
                                          "services:\n  ci:\n    image: x\n    volumes:\n"
                                          "      - /var/run/docker.sock:/var/run/docker.sock\n"}}
            << QStringList{QStringLiteral("--allow-unsafe")} << 3 << QStringLiteral("docker.sock");
        QTest::newRow("build context outside")
            << Files{{QStringLiteral("compose.yaml"), "services:\n  a:\n    build: ../\n"}} << QStringList{}
            << 3 << QStringLiteral("outside the repository");
        QTest::newRow("dockerfile outside")
            << Files{{QStringLiteral("compose.yaml"),
                      "services:\n  a:\n    build:\n      context: .\n      dockerfile: ../../etc/passwd\n"}}
            << QStringList{} << 3 << QStringLiteral("build.dockerfile");
        QTest::newRow("nothing to run") << QMap<QString, QByteArray>{{QStringLiteral("README"), "hi"}}
                                        << QStringList{} << 5 << QStringLiteral("no Dockerfile");
        QTest::newRow("bad mode") << QMap<QString, QByteArray>{{QStringLiteral("Dockerfile"), "FROM x\n"}}
                                  << QStringList{QStringLiteral("--mode"), QStringLiteral("helm")} << 2
                                  << QStringLiteral("--mode");
        QTest::newRow("missing required variable")
            << QMap<QString, QByteArray>{{QStringLiteral("compose.yaml"),
                                          "services:\n  web:\n    image: ${TAG:?set TAG to the image tag}\n"}}
            << QStringList{} << 5 << QStringLiteral("set TAG to the image tag");
    }

    void badInput()
    {
        QFETCH(Files, files);
        QFETCH(QStringList, extraArgs);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), files);
        const ProcessResult r = plan(QStringList{dir.path()} + extraArgs);
        QVERIFY2(r.exitCode == exitCode,
                 QByteArray(QByteArray::number(r.exitCode) + ": " + r.err).constData());
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
        QVERIFY(!r.err.contains("Segmentation") && !r.timedOut);
    }

    void dockerfileSymlinkLeavingTheRepoIsRefused()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(),
                            {{QStringLiteral("compose.yaml"), "services:\n  a:\n    build: ./app\n"},
                             {QStringLiteral("app/.keep"), ""}});
        QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), dir.filePath(QStringLiteral("app/Dockerfile"))));
        const ProcessResult r = plan({dir.path()});
        QVERIFY2(r.exitCode == 3, r.err.constData());
        QVERIFY(r.err.contains("outside the repository"));
        QVERIFY(!r.out.contains("root:")); // nothing of the target was read into the output
    }

    void setValuesReachInterpolation()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{QStringLiteral("compose.yaml"),
                                          "services:\n  web:\n    image: busybox:${TAG:?need TAG}\n"}});
        const ProcessResult r =
            plan({dir.path(), QStringLiteral("--set"), QStringLiteral("TAG=1.36"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("busybox:1.36"));
    }

    // -f picks compose files over detection, in order (the second overrides the first), even
    // under a name detection does not look for; a file outside the project is refused.
    void composeFilesChosenWithF()
    {
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(),
            {{QStringLiteral("compose.yaml"), "services:\n  detected:\n    image: busybox:1.36\n"},
             {QStringLiteral("ops/stack.yml"), "services:\n  chosen:\n    image: busybox:1.35\n"},
             {QStringLiteral("ops/stack.prod.yml"), "services:\n  chosen:\n    image: busybox:1.36\n"}});
        const ProcessResult r =
            plan({dir.path(), QStringLiteral("-f"), QStringLiteral("ops/stack.yml"), QStringLiteral("--file"),
                  QStringLiteral("ops/stack.prod.yml"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("busybox:1.36"));
        QVERIFY(!r.out.contains("busybox:1.35"));
        const QJsonArray manifests =
            QJsonDocument::fromJson(r.out).object().value(QStringLiteral("manifests")).toArray();
        QStringList deployments;
        for (const QJsonObject &d : objectsOfKind(manifests, QStringLiteral("Deployment")))
            deployments << d[QStringLiteral("metadata")][QStringLiteral("name")].toString();
        QCOMPARE(deployments, QStringList{QStringLiteral("chosen")});

        for (const QString &bad : {QStringLiteral("ops/missing.yml"), QStringLiteral("../outside.yml")}) {
            const ProcessResult missing = plan({dir.path(), QStringLiteral("-f"), bad});
            QCOMPARE(missing.exitCode, 2);
            QVERIFY2(missing.err.contains("is not a file in the project folder"), missing.err.constData());
        }
    }

    // Health checks run at the declared cadence unless --fast-probes asks; the report says which.
    void fastProbesIsAnExplicitChoice()
    {
        QTemporaryDir dir;
        rr::test::writeTree(dir.path(), {{QStringLiteral("compose.yaml"),
                                          "services:\n  db:\n    image: busybox:1.36\n    healthcheck:\n"
                                          "      test: [\"CMD\", \"true\"]\n      interval: 5s\n"}});
        const ProcessResult declared = plan({dir.path(), QStringLiteral("--json")});
        QVERIFY2(declared.exitCode == 0, declared.err.constData());
        QVERIFY2(declared.out.contains("declared cadence"), declared.out.constData());
        const ProcessResult fast =
            plan({dir.path(), QStringLiteral("--fast-probes"), QStringLiteral("--json")});
        QVERIFY2(fast.exitCode == 0, fast.err.constData());
        QVERIFY(!fast.out.contains("declared cadence"));
        QVERIFY(fast.out != declared.out);
    }

    void missingSourceIsAUsageError()
    {
        const ProcessResult r = plan({QStringLiteral("/nonexistent/folder/for/reporunner")});
        QVERIFY(r.exitCode != 0);
        QVERIFY(r.err.contains("reporunner: error:"));
        const ProcessResult none = plan({});
        QCOMPARE(none.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliPlan)
#include "test_cli_plan.moc"
