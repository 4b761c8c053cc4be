#include "project/dockerfileparser.h"

#include <QTest>

using namespace rr::project;

class TestDockerfile : public QObject
{
    Q_OBJECT

    static DockerfileFacts parseOk(const char *text, const QString &target = {})
    {
        auto r = DockerfileParser::parse(QByteArray(text), QStringLiteral("Dockerfile"), target);
        if (!r)
            qFatal("unexpected parse error: %s", qPrintable(r.error().toString()));
        return *r;
    }

private Q_SLOTS:
    void exposesEveryPortOnTheLine()
    {
        const auto f = parseOk("FROM scratch\nEXPOSE 80 443/tcp 53/udp 8000-8002\n");
        QCOMPARE(f.exposes.size(), 4);
        QCOMPARE(f.exposes.at(0).target, 80);
        QCOMPARE(f.exposes.at(2).protocol, QStringLiteral("udp"));
        QCOMPARE(f.exposes.at(3).target, 8000);
        QCOMPARE(f.exposes.at(3).targetEnd, 8002);
    }
    void expandsArgsInExpose()
    {
        const auto f = parseOk("ARG PORT=3000\nFROM scratch\nARG PORT\nEXPOSE ${PORT}\n");
        QCOMPARE(f.exposes.size(), 1);
        QCOMPARE(f.exposes.first().target, 3000);
        QCOMPARE(f.args, QStringList{QStringLiteral("PORT")});
        QCOMPARE(f.argDefaults.value(QStringLiteral("PORT")), QStringLiteral("3000"));
    }
    void userHealthcheckAndStages()
    {
        const auto f =
            parseOk("# escape=\\\n"
                    "FROM golang AS build\nEXPOSE 9999\nUSER builder\n"
                    "FROM busybox AS run\nUSER 1000:1000\n"
                    "HEALTHCHECK --interval=10s --timeout=2s --retries=4 \\\n  CMD wget -q -O- localhost\n");
        QCOMPARE(f.stages, (QStringList{QStringLiteral("build"), QStringLiteral("run")}));
        QCOMPARE(f.baseImages, (QStringList{QStringLiteral("golang"), QStringLiteral("busybox")}));
        QCOMPARE(f.user, QStringLiteral("1000:1000"));
        QVERIFY(f.exposes.isEmpty()); // the build stage's EXPOSE does not leak
        QVERIFY(f.healthcheck.has_value());
        QCOMPARE(f.healthcheck->intervalMs, qint64(10000));
        QCOMPARE(f.healthcheck->retries, 4);
        QCOMPARE(f.healthcheck->test,
                 (QStringList{QStringLiteral("CMD-SHELL"), QStringLiteral("wget -q -O- localhost")}));
    }
    void targetPicksStageAndInherits()
    {
        const char *text = "FROM busybox AS base\nEXPOSE 80\nFROM base AS dev\nEXPOSE 9229\nFROM busybox\n";
        const auto dev = parseOk(text, QStringLiteral("dev"));
        QCOMPARE(dev.exposes.size(), 2);
        const auto last = parseOk(text);
        QVERIFY(last.exposes.isEmpty());
        QVERIFY(!DockerfileParser::parse(text, QStringLiteral("Dockerfile"), QStringLiteral("nope")));
    }
    void healthcheckNoneAndJsonCmd()
    {
        QVERIFY(parseOk("FROM x\nHEALTHCHECK NONE\n").healthcheck->disable);
        const auto f = parseOk("FROM x\nHEALTHCHECK CMD [\"/bin/check\", \"-q\"]\nCMD [\"serve\"]\n");
        QCOMPARE(f.healthcheck->test.first(), QStringLiteral("CMD"));
        QCOMPARE(f.healthcheck->test.size(), 3);
        QCOMPARE(f.cmd, QStringList{QStringLiteral("serve")});
    }
    void heredocBodiesAreNotInstructions()
    {
        const auto f = parseOk("FROM x\nRUN <<EOF\nEXPOSE 1234\nUSER evil\nEOF\nEXPOSE 80\n");
        QCOMPARE(f.exposes.size(), 1);
        QCOMPARE(f.user, QString());
    }
    void badInputGivesLocatedErrors()
    {
        auto r = DockerfileParser::parse("FROM x\n\nEXPOSE http\n", QStringLiteral("Dockerfile"));
        QVERIFY(!r);
        QCOMPARE(r.error().where.line, 3);
        QVERIFY(r.error().message.contains(QStringLiteral("http")));
        QVERIFY(!DockerfileParser::parse("EXPOSE 80\n", QStringLiteral("Dockerfile")));
        QVERIFY(!DockerfileParser::parse(QByteArray("FROM x\0\x01\x02", 9), QStringLiteral("Dockerfile")));
        QVERIFY(!DockerfileParser::parse(QByteArray(2 * 1024 * 1024, 'A'), QStringLiteral("Dockerfile")));
        QVERIFY(!DockerfileParser::parse("", QStringLiteral("Dockerfile")));
        QVERIFY(!DockerfileParser::parse("FROM x\nEXPOSE 70000\n", QStringLiteral("Dockerfile")));
    }
};

QTEST_GUILESS_MAIN(TestDockerfile)
#include "test_dockerfile.moc"
