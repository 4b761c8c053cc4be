// Control API over a real local socket against a fake handler: every method, the wire format,
// and bad input of every kind getting an error reply while the server keeps serving.
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"
#include "test_ipc_support.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace rr;
using namespace rr::test;
namespace code = rr::ipc::code;

class TestIpcServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path() const { return m_dir.filePath(QStringLiteral("control.sock")); }
    ipc::ServerOptions options() const
    {
        ipc::ServerOptions o;
        o.socketPath = path();
        return o;
    }

private Q_SLOTS:
    void everyMethodRoundTrips()
    {
        TestHandler handler;
        ipc::ControlServer server(&handler, options());
        QVERIFY(server.listen());
        ipc::ControlClient client;
        client.connectToServer(path());

        auto hello =
            await(client.call(QStringLiteral("hello"), {{QStringLiteral("client"), QStringLiteral("t")}}));
        QVERIFY(hello);
        QCOMPARE(hello->toObject().value(QStringLiteral("protocol")).toInt(), ipc::kProtocolVersion);
        QCOMPARE(hello->toObject().value(QStringLiteral("app")).toString(), QStringLiteral("test-handler"));
        QCOMPARE(hello->toObject().value(QStringLiteral("methods")).toArray().size(), 16);

        const QJsonObject src{{QStringLiteral("source"), QStringLiteral("https://github.com/o/r")}};
        auto detect = await(client.call(QStringLiteral("detect"), src));
        QVERIFY(detect);
        QCOMPARE(detect->toObject().value(QStringLiteral("source")).toString(),
                 QStringLiteral("https://github.com/o/r"));
        auto plan = await(client.call(QStringLiteral("plan"), src));
        QVERIFY(plan);
        QCOMPARE(plan->toObject().value(QStringLiteral("method")).toString(), QStringLiteral("plan"));

        handler.asyncDelayMs = 20; // the reply arrives later, through the future
        auto start = await(client.call(QStringLiteral("start"), src));
        QVERIFY(start);
        const QString runId = start->toObject().value(QStringLiteral("runId")).toString();
        QCOMPARE(runId, QStringLiteral("run1"));

        auto list = await(client.call(QStringLiteral("list")));
        QVERIFY(list);
        QCOMPARE(list->toObject().value(QStringLiteral("runs")).toArray().size(), 1);
        const QJsonObject run{{QStringLiteral("runId"), runId}};
        auto get = await(client.call(QStringLiteral("get"), run));
        QVERIFY(get);
        QCOMPARE(get->toObject().value(QStringLiteral("state")).toString(), QStringLiteral("starting"));

        // An engine error passes through with its own code and category.
        auto missing =
            await(client.call(QStringLiteral("get"), {{QStringLiteral("runId"), QStringLiteral("nope")}}));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, QStringLiteral("runs.not_found"));
        QCOMPARE(missing.error().category, core::ErrorCategory::Input);

        auto logs = await(client.call(
            QStringLiteral("logs"),
            {{QStringLiteral("runId"), runId}, {QStringLiteral("from"), 95}, {QStringLiteral("count"), 10}}));
        QVERIFY(logs);
        QCOMPARE(logs->toObject().value(QStringLiteral("lines")).toArray().size(), 5);
        auto preview = await(client.call(QStringLiteral("openPreview"),
                                         {{QStringLiteral("runId"), runId}, {QStringLiteral("port"), 8080}}));
        QVERIFY(preview);
        QCOMPARE(preview->toObject().value(QStringLiteral("url")).toString(),
                 QStringLiteral("http://127.0.0.1:8080/"));
        auto settings =
            await(client.call(QStringLiteral("settings"),
                              {{QStringLiteral("set"),
                                QJsonObject{{QStringLiteral("defaultRuntime"), QStringLiteral("docker")}}}}));
        QVERIFY(settings);
        QCOMPARE(settings->toObject().value(QStringLiteral("defaultRuntime")).toString(),
                 QStringLiteral("docker"));
        auto subscribe = await(client.call(QStringLiteral("subscribe"), {{QStringLiteral("logs"), true}}));
        QVERIFY(subscribe);
        QCOMPARE(subscribe->toObject().value(QStringLiteral("runs")).toString(), QStringLiteral("*"));
        auto stop = await(client.call(QStringLiteral("stop"), run));
        QVERIFY(stop);
        QVERIFY(await(client.call(QStringLiteral("remove"), {{QStringLiteral("allStopped"), true}})));
        QVERIFY(await(client.call(QStringLiteral("prune"), {{QStringLiteral("dryRun"), true}})));
        // The schema refuses a negative or non-numeric count before the handler sees it.
        QVERIFY(!await(client.call(QStringLiteral("prune"), {{QStringLiteral("keepImages"), -1}})));

        // subscribe is the server's own business; everything else reached the handler once.
        const QStringList expected = {
            QStringLiteral("hello"),    QStringLiteral("detect"), QStringLiteral("plan"),
            QStringLiteral("start"),    QStringLiteral("list"),   QStringLiteral("get"),
            QStringLiteral("get"),      QStringLiteral("logs"),   QStringLiteral("openPreview"),
            QStringLiteral("settings"), QStringLiteral("stop"),   QStringLiteral("remove"),
            QStringLiteral("prune")};
        QCOMPARE(handler.calls, expected);
    }

    void wireFormatOfReplies()
    {
        TestHandler handler;
        ipc::ControlServer server(&handler, options());
        QVERIFY(server.listen());
        RawClient raw(path());
        QVERIFY(raw.connected());
        raw.send(request(QStringLiteral("a-1"), QStringLiteral("list")));
        const QJsonObject reply = raw.next();
        QCOMPARE(reply, (QJsonObject{{QStringLiteral("v"), ipc::kProtocolVersion},
                                     {QStringLiteral("id"), QStringLiteral("a-1")},
                                     {QStringLiteral("result"),
                                      QJsonObject{{QStringLiteral("runs"), QJsonArray()}}}}));
        raw.send(request(5, QStringLiteral("stop")));
        const QJsonObject error = raw.next();
        QCOMPARE(error.value(QStringLiteral("id")).toInt(), 5);
        QVERIFY(!error.contains(QStringLiteral("result")));
        const QJsonObject e = error.value(QStringLiteral("error")).toObject();
        QCOMPARE(e.value(QStringLiteral("code")).toString(), QString(code::BadParams));
        QVERIFY(e.value(QStringLiteral("message")).toString().contains(QStringLiteral("runId")));
        QCOMPARE(e.value(QStringLiteral("category")).toString(), QStringLiteral("input"));
    }

    void badMessagesGetErrorsAndTheClientGoesOn_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QJsonValue>("id");
        const QJsonValue none(QJsonValue::Null);
        QTest::newRow("malformed json") << QByteArray("{\"v\":1,\"id\":") << QString(code::BadJson) << none;
        QTest::newRow("empty payload") << QByteArray() << QString(code::BadJson) << none;
        QTest::newRow("not an object") << QByteArray("[1]") << QString(code::BadRequest) << none;
        QTest::newRow("scalar") << QByteArray("42") << QString(code::BadRequest) << none;
        QTest::newRow("missing id") << QByteArray(R"({"v":2,"method":"list"})") << QString(code::BadRequest)
                                    << none;
        QTest::newRow("missing method")
            << QByteArray(R"({"v":2,"id":8})") << QString(code::BadRequest) << QJsonValue(8);
        QTest::newRow("method not string") << QByteArray(R"({"v":2,"id":8,"method":["list"]})")
                                           << QString(code::BadRequest) << QJsonValue(8);
        QTest::newRow("params not object") << QByteArray(R"({"v":2,"id":8,"method":"list","params":"x"})")
                                           << QString(code::BadParams) << QJsonValue(8);
        QTest::newRow("param wrong type")
            << QByteArray(R"({"v":2,"id":8,"method":"get","params":{"runId":1}})") << QString(code::BadParams)
            << QJsonValue(8);
        QTest::newRow("unknown method") << QByteArray(R"({"v":2,"id":"u","method":"selfDestruct"})")
                                        << QString(code::UnknownMethod) << QJsonValue(QStringLiteral("u"));
        QTest::newRow("wrong version") << QByteArray(R"({"v":99,"id":8,"method":"list"})")
                                       << QString(code::VersionMismatch) << QJsonValue(8);
        QTest::newRow("hello wrong version")
            << QByteArray(R"({"v":2,"id":8,"method":"hello","params":{"version":99}})")
            << QString(code::VersionMismatch) << QJsonValue(8);
        QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01", 4) << QString(code::BadJson) << none;
    }
    void badMessagesGetErrorsAndTheClientGoesOn()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, code);
        QFETCH(QJsonValue, id);
        TestHandler handler;
        ipc::ControlServer server(&handler, options());
        QVERIFY(server.listen());
        RawClient raw(path());
        QVERIFY(raw.connected());
        raw.sendPayload(payload);
        const QJsonObject reply = raw.next();
        QCOMPARE(errorCode(reply), code);
        QCOMPARE(reply.value(QStringLiteral("id")), id);
        QVERIFY(!reply.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .isEmpty());
        QVERIFY(handler.calls.isEmpty());
        // The stream is still in sync: the same connection gets a normal answer next.
        raw.send(request(100, QStringLiteral("list")));
        const QJsonObject ok = raw.next();
        QCOMPARE(ok.value(QStringLiteral("id")).toInt(), 100);
        QVERIFY(ok.contains(QStringLiteral("result")));
    }

    void oversizedFrameIsRefusedAndSkipped()
    {
        TestHandler handler;
        auto o = options();
        o.maxMessageSize = 1024;
        ipc::ControlServer server(&handler, o);
        QVERIFY(server.listen());
        RawClient raw(path());
        QVERIFY(raw.connected());
        const QByteArray big(512 * 1024, 'x');
        raw.sendPayload(big);
        const QJsonObject refused = raw.next();
        QCOMPARE(errorCode(refused), QString(code::TooLarge));
        QVERIFY(refused.value(QStringLiteral("id")).isNull());
        raw.send(request(2, QStringLiteral("list")));
        const QJsonObject ok = raw.next();
        QCOMPARE(ok.value(QStringLiteral("id")).toInt(), 2);
        QVERIFY(ok.contains(QStringLiteral("result")));
        QVERIFY(handler.calls == QStringList{QStringLiteral("list")});
    }

    void truncatedFrameThenDisconnect()
    {
        TestHandler handler;
        ipc::ControlServer server(&handler, options());
        QVERIFY(server.listen());
        {
            RawClient raw(path());
            QVERIFY(raw.connected());
            QTRY_COMPARE(server.connectionCount(), 1);
            const QByteArray frame =
                ipc::FrameDecoder::encode(QJsonDocument(request(1, QStringLiteral("list"))).toJson());
            raw.sendBytes(frame.left(frame.size() / 2));
            QTest::qWait(20);
        }
        QTRY_COMPARE(server.connectionCount(), 0);
        QVERIFY(handler.calls.isEmpty());
        ipc::ControlClient client;
        client.connectToServer(path());
        QVERIFY(await(client.call(QStringLiteral("list"))));
    }

    void stalledPartialFrameIsDropped()
    {
        TestHandler handler;
        auto o = options();
        o.partialFrameTimeout = std::chrono::milliseconds(100);
        ipc::ControlServer server(&handler, o);
        QVERIFY(server.listen());
        QSignalSpy dropped(&server, &ipc::ControlServer::clientDropped);
        RawClient raw(path());
        QVERIFY(raw.connected());
        raw.sendBytes(QByteArray("\x00\x00\x01\x00{\"v\"", 8));
        const QJsonObject event = raw.next();
        QCOMPARE(event.value(QStringLiteral("event")).toString(), QStringLiteral("error"));
        QCOMPARE(event.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
                 QString(code::BadFrame));
        QVERIFY(raw.waitForDisconnect());
        QCOMPARE(dropped.size(), 1);
    }

    // Unframed JSON reads as an absurd length: that client gets too_large; the other one is unaffected.
    void oneClientMisbehavesTheOtherIsServed()
    {
        TestHandler handler;
        ipc::ControlServer server(&handler, options());
        QVERIFY(server.listen());
        RawClient bad(path());
        QVERIFY(bad.connected());
        ipc::ControlClient good;
        good.connectToServer(path());
        bad.sendBytes(QJsonDocument(request(1, QStringLiteral("list"))).toJson(QJsonDocument::Compact));
        QCOMPARE(errorCode(bad.next()), QString(code::TooLarge));
        for (int i = 0; i < 20; ++i) {
            bad.sendBytes(QByteArray(1000, char(i)));
            QVERIFY(await(good.call(QStringLiteral("list"))));
        }
        QCOMPARE(handler.calls.size(), 20);
    }

    void pendingReplyToAGoneClient()
    {
        TestHandler handler;
        handler.asyncDelayMs = 50;
        ipc::ControlServer server(&handler, options());
        QVERIFY(server.listen());
        {
            RawClient raw(path());
            QVERIFY(raw.connected());
            raw.send(request(1, QStringLiteral("start"), {{QStringLiteral("source"), QStringLiteral("s")}}));
            QTRY_COMPARE(handler.calls.size(), 1);
        }
        QTRY_COMPARE(server.connectionCount(), 0);
        QTest::qWait(100); // the handler answers after the client is gone
        ipc::ControlClient client;
        client.connectToServer(path());
        auto list = await(client.call(QStringLiteral("list")));
        QVERIFY(list);
        QCOMPARE(list->toObject().value(QStringLiteral("runs")).toArray().size(), 1);
    }

    void clientTimesOutAndServerLimitsInFlight()
    {
        TestHandler handler;
        auto o = options();
        o.maxInFlight = 2;
        ipc::ControlServer server(&handler, o);
        QVERIFY(server.listen());
        ipc::ControlClient client;
        client.setCallTimeout(std::chrono::milliseconds(300));
        client.connectToServer(path());
        const QJsonObject hang{{QStringLiteral("runId"), QStringLiteral("hang")}};
        auto first = client.call(QStringLiteral("get"), hang);
        auto second = client.call(QStringLiteral("get"), hang);
        auto third = await(client.call(QStringLiteral("get"), hang));
        QVERIFY(!third);
        QCOMPARE(third.error().code, QString(code::Busy));
        auto timedOut = await(first);
        QVERIFY(!timedOut);
        QCOMPARE(timedOut.error().code, QString(code::Timeout));
        QVERIFY(!await(second));
        // A client giving up does not cancel the work: the slots free up when the handler answers.
        auto stillBusy = await(client.call(QStringLiteral("list")));
        QVERIFY(!stillBusy);
        QCOMPARE(stillBusy.error().code, QString(code::Busy));
        for (auto &promise : handler.hung) {
            promise->addResult(QJsonValue(QStringLiteral("late")));
            promise->finish();
        }
        QVERIFY(await(client.call(QStringLiteral("list"))));
    }

    void clientFailsCallsWhenTheServerGoes()
    {
        TestHandler handler;
        auto server = std::make_unique<ipc::ControlServer>(&handler, options());
        QVERIFY(server->listen());
        ipc::ControlClient client;
        client.connectToServer(path());
        auto pending =
            client.call(QStringLiteral("get"), {{QStringLiteral("runId"), QStringLiteral("hang")}});
        QTRY_COMPARE(handler.calls.size(), 1);
        server.reset();
        auto r = await(pending);
        QVERIFY(!r);
        QCOMPARE(r.error().code, QString(code::Disconnected));
    }

    void refusesALiveSocketAndReplacesAStaleOne()
    {
        TestHandler handler;
        {
            ipc::ControlServer first(&handler, options());
            QVERIFY(first.listen());
            ipc::ControlServer second(&handler, options());
            auto r = second.listen();
            QVERIFY(!r);
            QCOMPARE(r.error().code, QString(code::AddressInUse));
            QVERIFY(first.isListening());
        }
        // A socket file nobody listens on, as a crashed app leaves behind.
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(path());
        std::memcpy(addr.sun_path, p.constData(), size_t(p.size()));
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
        ::close(fd);
        QVERIFY(QFileInfo::exists(path()));
        ipc::ControlServer third(&handler, options());
        auto r = third.listen();
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        ipc::ControlClient client;
        client.connectToServer(path());
        QVERIFY(await(client.call(QStringLiteral("list"))));
    }
};

QTEST_GUILESS_MAIN(TestIpcServer)
#include "test_ipc_server.moc"
