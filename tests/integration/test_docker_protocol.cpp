// Docker wire formats without a daemon: DOCKER_HOST, log frames, BuildKit's protobuf
// progress, build output in both builders' shapes, error bodies and version negotiation.
// Test tables read better with plain string literals than with QStringLiteral everywhere.
#undef QT_NO_CAST_FROM_ASCII

#include "docker/apiresponse.h"
#include "docker/buildkitdecoder.h"
#include "docker/buildoutputparser.h"
#include "docker/dockerclient.h"
#include "docker/dockerconnection.h"
#include "docker/dockerhost.h"
#include "docker/logdemuxer.h"

#include <QTest>

using namespace rr::docker;

namespace {

// A minimal protobuf writer, independent of the decoder under test.
QByteArray varint(quint64 v)
{
    QByteArray out;
    do {
        char b = char(v & 0x7f);
        v >>= 7;
        if (v)
            b = char(b | 0x80);
        out.append(b);
    } while (v);
    return out;
}
QByteArray field(int number, const QByteArray &bytes)
{
    return varint(quint64(number) << 3 | 2) + varint(quint64(bytes.size())) + bytes;
}
QByteArray intField(int number, quint64 v)
{
    return varint(quint64(number) << 3) + varint(v);
}
QByteArray timestamp()
{
    return intField(1, 1700000000) + intField(2, 5);
}
QByteArray frame(int stream, const QByteArray &data)
{
    QByteArray h(8, '\0');
    h[0] = char(stream);
    const quint32 n = quint32(data.size());
    h[4] = char(n >> 24);
    h[5] = char(n >> 16);
    h[6] = char(n >> 8);
    h[7] = char(n);
    return h + data;
}
QByteArray trace(const QByteArray &status)
{
    return "{\"id\":\"moby.buildkit.trace\",\"aux\":\"" + status.toBase64() + "\"}\n";
}

} // namespace

class TestDockerProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dockerHost()
    {
        auto def = DockerHost::parse(QString());
        QVERIFY(def.has_value());
        QCOMPARE(def->socketPath, QStringLiteral("/var/run/docker.sock"));
        auto sock = DockerHost::parse(QStringLiteral("unix:///run/user/1000/docker.sock"));
        QVERIFY(sock.has_value());
        QCOMPARE(sock->kind, DockerHost::Kind::Unix);
        QCOMPARE(sock->socketPath, QStringLiteral("/run/user/1000/docker.sock"));
        QCOMPARE(sock->baseUrl(), QStringLiteral("http://localhost"));
        auto tcp = DockerHost::parse(QStringLiteral("tcp://10.0.0.5:2376"));
        QVERIFY(tcp.has_value());
        QCOMPARE(tcp->kind, DockerHost::Kind::Tcp);
        QCOMPARE(tcp->baseUrl(), QStringLiteral("http://10.0.0.5:2376"));
        QCOMPARE(DockerHost::parse(QStringLiteral("tcp://dockerhost"))->port, 2375);
        QVERIFY(!DockerHost::parse(QStringLiteral("ssh://me@host")).has_value());
        QVERIFY(!DockerHost::parse(QStringLiteral("unix://relative.sock")).has_value());
        QVERIFY(!DockerHost::parse(QStringLiteral("banana")).has_value());
    }

    void demuxSplitAnywhere()
    {
        const QByteArray stream = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, QByteArray(70000, 'x'));
        // Every split point, including inside headers, gives the same frames.
        for (qsizetype cut = 0; cut <= stream.size(); cut += (cut < 40 ? 1 : 997)) {
            LogDemuxer demuxer;
            QList<LogFrame> frames = demuxer.feed(stream.left(cut));
            frames += demuxer.feed(stream.mid(cut));
            QCOMPARE(frames.size(), 3);
            QCOMPARE(frames[0], (LogFrame{LogFrame::Stream::Stdout, "hello\n"}));
            QCOMPARE(frames[1], (LogFrame{LogFrame::Stream::Stderr, "oops\n"}));
            QCOMPARE(frames[2].data.size(), 70000);
            QCOMPARE(demuxer.pendingBytes(), 0);
        }
        LogDemuxer partial;
        QVERIFY(partial.feed(frame(1, "abc").left(9)).isEmpty());
        QCOMPARE(partial.pendingBytes(), 9);
    }

    void demuxTtyAndGarbage()
    {
        LogDemuxer tty(true);
        const auto raw = tty.feed("plain text\n");
        QCOMPARE(raw.size(), 1);
        QCOMPARE(raw[0].data, QByteArray("plain text\n"));
        LogDemuxer wrong;
        const auto passed = wrong.feed("not a frame header at all");
        QVERIFY(wrong.isCorrupt());
        QCOMPARE(passed.size(), 1);
        QCOMPARE(passed[0].data, QByteArray("not a frame header at all"));
    }

    void buildKitDecode()
    {
        const QByteArray vertex = field(1, "sha256:aaa") + field(2, "sha256:in1") + field(2, "sha256:in2") +
                                  field(3, "[2/3] RUN make") + intField(4, 1) + field(5, timestamp()) +
                                  field(7, "exit code: 2") + field(8, "ignored future field");
        const QByteArray status = field(1, "sha256:aaa") + field(2, "sha256:aaa") + intField(4, 10) +
                                  intField(5, 100) + field(8, timestamp());
        const QByteArray log =
            field(1, "sha256:aaa") + field(2, timestamp()) + intField(3, 2) + field(4, "boom\n");
        const QByteArray response = field(1, vertex) + field(2, status) + field(3, log) + field(4, "warning");
        auto decoded = BuildKitDecoder::decode(response);
        QVERIFY(decoded.has_value());
        QCOMPARE(decoded->vertexes.size(), 1);
        const BuildKitVertex &v = decoded->vertexes[0];
        QCOMPARE(v.digest, QStringLiteral("sha256:aaa"));
        QCOMPARE(v.inputs, QStringList({"sha256:in1", "sha256:in2"}));
        QCOMPARE(v.name, QStringLiteral("[2/3] RUN make"));
        QVERIFY(v.cached);
        QVERIFY(v.started);
        QVERIFY(!v.completed);
        QCOMPARE(v.error, QStringLiteral("exit code: 2"));
        QCOMPARE(decoded->statuses.size(), 1);
        QCOMPARE(decoded->statuses[0].current, 10);
        QCOMPARE(decoded->statuses[0].total, 100);
        QVERIFY(decoded->statuses[0].completed);
        QCOMPARE(decoded->logs.size(), 1);
        QCOMPARE(decoded->logs[0].stream, 2);
        QCOMPARE(decoded->logs[0].message, QByteArray("boom\n"));
        // Truncated input is an error, not a crash.
        QVERIFY(!BuildKitDecoder::decode(response.left(response.size() - 3)).has_value());
        QVERIFY(!BuildKitDecoder::decodeBase64("!!!not base64").has_value());
    }

    void buildKitOutputToStepsAndError()
    {
        BuildOutputParser parser;
        QList<BuildStep> steps;
        QStringList lines;
        parser.onStep = [&steps](const BuildStep &s) { steps << s; };
        parser.onLog = [&lines](const QString &step, const QString &line) {
            lines << step + QLatin1Char('|') + line;
        };
        const QByteArray v1 =
            field(1, "d1") + field(3, "[1/2] FROM busybox") + intField(4, 1) + field(5, timestamp());
        const QByteArray v2 = field(1, "d2") + field(3, "[2/2] RUN make") + field(5, timestamp());
        const QByteArray v2err = field(1, "d2") + field(3, "[2/2] RUN make") + field(5, timestamp()) +
                                 field(6, timestamp()) + field(7, "exit code: 2");
        QByteArray out = trace(field(1, v1) + field(1, v2));
        out += trace(field(3, field(1, "d2") + field(4, "cc main.c\nmain.c:1: er")));
        out += trace(field(3, field(1, "d2") + field(4, "ror\n")) + field(1, v2err));
        out += "{\"errorDetail\":{\"message\":\"executor failed running [make]: exit code: "
               "2\"},\"error\":\"x\"}\n";
        // Fed in awkward pieces: lines split across chunks.
        for (qsizetype i = 0; i < out.size(); i += 7)
            parser.feed(out.mid(i, 7));
        parser.finish();
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps[0].index, 1);
        QVERIFY(steps[0].cached);
        QCOMPARE(steps[1].name, QStringLiteral("[2/2] RUN make"));
        QCOMPARE(steps[1].total, 2);
        QCOMPARE(lines, QStringList({"[2/2] RUN make|cc main.c", "[2/2] RUN make|main.c:1: error"}));
        QVERIFY(parser.hasFailed());
        const auto error = parser.error();
        QVERIFY2(error.message.contains(QLatin1String("[2/2] RUN make")), qPrintable(error.message));
        QVERIFY(error.message.contains(QLatin1String("exit code: 2")));
        QVERIFY(error.details.contains(QLatin1String("main.c:1: error")));
    }

    void classicOutput()
    {
        BuildOutputParser parser;
        QList<BuildStep> steps;
        parser.onStep = [&steps](const BuildStep &s) { steps << s; };
        parser.feed(
            "{\"stream\":\"Step 1/2 : FROM busybox:1.36\\n\"}\n{\"stream\":\" ---\\u003e 787d\\n\"}\n"
            "{\"stream\":\"Step 2/2 : RUN false\\n\"}\n{\"stream\":\"something broke\\n\"}\n"
            "{\"errorDetail\":{\"code\":1,\"message\":\"The command '/bin/sh -c false' returned a non-zero "
            "code: 1\"},\"error\":\"x\"}\n");
        parser.finish();
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps[1].name, QStringLiteral("RUN false"));
        QCOMPARE(steps[1].index, 2);
        QVERIFY(parser.hasFailed());
        QVERIFY(parser.error().message.contains(QLatin1String("Step 2/2 : RUN false")));
        QCOMPARE(parser.error().details, QStringLiteral("something broke"));

        BuildOutputParser ok;
        ok.feed("{\"aux\":{\"ID\":\"sha256:abc\"}}\n{\"stream\":\"Successfully built abc\\n\"}\n");
        QVERIFY(!ok.hasFailed());
        QCOMPARE(ok.imageId(), QStringLiteral("sha256:abc"));
    }

    void errorBodies()
    {
        ApiResponse r;
        r.status = 404;
        r.body = "{\"message\":\"No such image: nope:1\"}";
        const auto e = r.toError(QStringLiteral("Inspecting nope:1"));
        QCOMPARE(e.category, rr::core::ErrorCategory::Docker);
        QCOMPARE(e.code, QStringLiteral("docker.not_found"));
        QVERIFY(e.message.contains(QLatin1String("No such image: nope:1")));
        QVERIFY(e.details.contains(QLatin1String("404")));
        r.status = 500;
        r.body = "plain";
        QCOMPARE(r.toError(QStringLiteral("x")).code, QStringLiteral("docker.server_error"));
    }

    void versionNegotiation()
    {
        QCOMPARE(DockerConnection::negotiateVersion(QStringLiteral("1.41")), QStringLiteral("1.41"));
        QCOMPARE(DockerConnection::negotiateVersion(QStringLiteral("1.47")), QStringLiteral("1.43"));
        QCOMPARE(DockerConnection::negotiateVersion(QStringLiteral("2.0")), QStringLiteral("1.43"));
        QVERIFY(DockerConnection::negotiateVersion(QStringLiteral("garbage")).isEmpty());
    }

    void noDaemonSaysHowToStartDocker()
    {
        auto host = DockerHost::parse(QStringLiteral("unix:///nonexistent/docker.sock"));
        QVERIFY(host.has_value());
        DockerClient client(*host);
        auto future = client.daemonInfo();
        QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 30000);
        const auto result = future.result();
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().code, QStringLiteral("docker.unavailable"));
        QVERIFY(result.error().message.contains(QLatin1String("Start Docker")));
        QVERIFY(result.error().message.contains(QLatin1String("/nonexistent/docker.sock")));
    }
};

QTEST_GUILESS_MAIN(TestDockerProtocol)
#include "test_docker_protocol.moc"
