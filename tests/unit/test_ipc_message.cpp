// MessageCodec and ParamValidator: the strict wire format and per-method parameter schemas.
#include "ipc/messagecodec.h"
#include "ipc/paramvalidator.h"
#include "ipc/protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace rr::ipc;

namespace {
QJsonObject parse(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}
} // namespace

class TestIpcMessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decodesRequest()
    {
        QJsonValue id;
        auto r = MessageCodec::decodeRequest(R"({"v":2,"id":7,"method":"get","params":{"runId":"r1"}})", &id);
        QVERIFY(r);
        QCOMPARE(r->id.toInteger(), 7);
        QCOMPARE(id.toInteger(), 7);
        QCOMPARE(r->method, QStringLiteral("get"));
        QCOMPARE(r->params.value(QStringLiteral("runId")).toString(), QStringLiteral("r1"));

        auto s = MessageCodec::decodeRequest(R"({"v":2,"id":"abc","method":"list"})");
        QVERIFY(s);
        QCOMPARE(s->id.toString(), QStringLiteral("abc"));
        QVERIFY(s->params.isEmpty());
    }

    void rejectsBadRequests_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("idKnown");
        QTest::newRow("empty") << QByteArray() << QString(code::BadJson) << false;
        QTest::newRow("not json") << QByteArray("{\"v\":1,") << QString(code::BadJson) << false;
        QTest::newRow("array") << QByteArray("[1,2]") << QString(code::BadRequest) << false;
        QTest::newRow("string") << QByteArray("\"hello\"") << QString(code::BadRequest) << false;
        QTest::newRow("no id") << QByteArray(R"({"v":2,"method":"list"})") << QString(code::BadRequest)
                               << false;
        QTest::newRow("bool id") << QByteArray(R"({"v":2,"id":true,"method":"list"})")
                                 << QString(code::BadRequest) << false;
        QTest::newRow("fraction id") << QByteArray(R"({"v":2,"id":1.5,"method":"list"})")
                                     << QString(code::BadRequest) << false;
        QTest::newRow("empty id") << QByteArray(R"({"v":2,"id":"","method":"list"})")
                                  << QString(code::BadRequest) << false;
        QTest::newRow("object id") << QByteArray(R"({"v":2,"id":{},"method":"list"})")
                                   << QString(code::BadRequest) << false;
        QTest::newRow("no version") << QByteArray(R"({"id":3,"method":"list"})") << QString(code::BadRequest)
                                    << true;
        QTest::newRow("string version")
            << QByteArray(R"({"v":"1","id":3,"method":"list"})") << QString(code::BadRequest) << true;
        QTest::newRow("future version")
            << QByteArray(R"({"v":99,"id":3,"method":"list"})") << QString(code::VersionMismatch) << true;
        QTest::newRow("no method") << QByteArray(R"({"v":2,"id":3})") << QString(code::BadRequest) << true;
        QTest::newRow("numeric method")
            << QByteArray(R"({"v":2,"id":3,"method":5})") << QString(code::BadRequest) << true;
        QTest::newRow("array params") << QByteArray(R"({"v":2,"id":3,"method":"list","params":[]})")
                                      << QString(code::BadParams) << true;
        QTest::newRow("unknown field")
            << QByteArray(R"({"v":2,"id":3,"method":"list","extra":1})") << QString(code::BadRequest) << true;
    }
    void rejectsBadRequests()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QString, code);
        QFETCH(bool, idKnown);
        QJsonValue id = QJsonValue::Null;
        auto r = MessageCodec::decodeRequest(payload, &id);
        QVERIFY(!r);
        QCOMPARE(r.error().code, code);
        QVERIFY(!r.error().message.isEmpty());
        if (idKnown)
            QCOMPARE(id.toInteger(), 3);
        else
            QVERIFY(id.isNull());
    }

    void encodesWireFormat()
    {
        QCOMPARE(parse(MessageCodec::encodeRequest(
                     Request{QJsonValue(4), QStringLiteral("stop"),
                             QJsonObject{{QStringLiteral("runId"), QStringLiteral("x")}}})),
                 (QJsonObject{{QStringLiteral("v"), 2},
                              {QStringLiteral("id"), 4},
                              {QStringLiteral("method"), QStringLiteral("stop")},
                              {QStringLiteral("params"),
                               QJsonObject{{QStringLiteral("runId"), QStringLiteral("x")}}}}));
        QCOMPARE(parse(MessageCodec::encodeResult(QJsonValue(QStringLiteral("a")), QJsonValue())),
                 (QJsonObject{{QStringLiteral("v"), 2},
                              {QStringLiteral("id"), QStringLiteral("a")},
                              {QStringLiteral("result"), QJsonValue::Null}}));
        const QJsonObject event = parse(MessageCodec::encodeEvent(
            QStringLiteral("run.updated"), {{QStringLiteral("runId"), QStringLiteral("r")}}));
        QCOMPARE(event.value(QStringLiteral("event")).toString(), QStringLiteral("run.updated"));
        QVERIFY(!event.contains(QStringLiteral("id")));
    }

    void errorRoundTrip()
    {
        rr::core::Error e =
            rr::core::makeError(rr::core::ErrorCategory::Compose, QStringLiteral("compose.bad"),
                                QStringLiteral("Fix line 3."), {QStringLiteral("compose.yaml"), 3, 5});
        e.details = QStringLiteral("more");
        const QByteArray wire = MessageCodec::encodeError(QJsonValue(9), e);
        const QJsonObject obj = parse(wire);
        QCOMPARE(obj.value(QStringLiteral("error")).toObject().value(QStringLiteral("category")).toString(),
                 QStringLiteral("compose"));
        QVERIFY(!obj.contains(QStringLiteral("result")));
        auto in = MessageCodec::decodeIncoming(wire);
        QVERIFY(in);
        QCOMPARE(in->kind, Incoming::Kind::Reply);
        QCOMPARE(in->id.toInteger(), 9);
        QVERIFY(in->error);
        QCOMPARE(in->error->code, e.code);
        QCOMPARE(in->error->message, e.message);
        QCOMPARE(in->error->details, e.details);
        QCOMPARE(in->error->category, rr::core::ErrorCategory::Compose);
        QCOMPARE(in->error->where.toString(), QStringLiteral("compose.yaml:3:5"));
    }

    void incomingIsStrict()
    {
        QVERIFY(
            !MessageCodec::decodeIncoming(R"({"v":2,"id":1,"result":1,"error":{"code":"x","message":"y"}})"));
        QVERIFY(!MessageCodec::decodeIncoming(R"({"v":2,"id":1})"));
        QVERIFY(!MessageCodec::decodeIncoming(R"({"v":2,"id":1,"error":{"code":5,"message":"y"}})"));
        QVERIFY(!MessageCodec::decodeIncoming(R"({"v":2,"event":"","data":{}})"));
        QVERIFY(!MessageCodec::decodeIncoming(R"({"v":2,"event":"e","data":[]})"));
        QVERIFY(!MessageCodec::decodeIncoming(R"({"v":99,"event":"e"})"));
        auto ok = MessageCodec::decodeIncoming(R"({"v":2,"event":"run.log","data":{"lines":[]}})");
        QVERIFY(ok);
        QCOMPARE(ok->kind, Incoming::Kind::Event);
        auto nullId = MessageCodec::decodeIncoming(R"({"v":2,"id":null,"error":{"code":"c","message":"m"}})");
        QVERIFY(nullId);
        QVERIFY(nullId->id.isNull());
    }

    void everyMethodHasASchema()
    {
        const QStringList methods = knownMethods();
        QCOMPARE(methods.size(), 16);
        for (const QString &m : methods) {
            auto r = ParamValidator::validate(m, {});
            // Methods without required params accept {}; the others must say what is missing.
            if (!r) {
                QCOMPARE(r.error().code, QString(code::BadParams));
                QVERIFY2(r.error().message.contains(m), qPrintable(r.error().message));
            }
        }
        QVERIFY(ParamValidator::validate(QStringLiteral("list"), {}));
        QVERIFY(!ParamValidator::validate(QStringLiteral("get"), {}));
    }

    void validatesParams_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<QString>("code"); // empty: valid
        QTest::newRow("unknown method")
            << QStringLiteral("reboot") << QByteArray("{}") << QString(code::UnknownMethod);
        QTest::newRow("method case") << QStringLiteral("List") << QByteArray("{}")
                                     << QString(code::UnknownMethod);
        QTest::newRow("detect ok")
            << QStringLiteral("detect")
            << QByteArray(
                   "{\"source\":\"https://github.com/a/b\"}") /* not raw: moc reads // in R"() as a comment */
            << QString();
        QTest::newRow("detect int source")
            << QStringLiteral("detect") << QByteArray(R"({"source":5})") << QString(code::BadParams);
        QTest::newRow("detect empty source")
            << QStringLiteral("detect") << QByteArray(R"({"source":""})") << QString(code::BadParams);
        QTest::newRow("plan options")
            << QStringLiteral("plan") << QByteArray(R"({"source":"s","options":{"runtime":"docker"}})")
            << QString();
        QTest::newRow("plan options array")
            << QStringLiteral("plan") << QByteArray(R"({"source":"s","options":[]})")
            << QString(code::BadParams);
        QTest::newRow("start extra") << QStringLiteral("start")
                                     << QByteArray(R"({"source":"s","colour":"red"})")
                                     << QString(code::BadParams);
        QTest::newRow("stop remove") << QStringLiteral("stop") << QByteArray(R"({"runId":"r","remove":true})")
                                     << QString();
        QTest::newRow("stop remove string")
            << QStringLiteral("stop") << QByteArray(R"({"runId":"r","remove":"yes"})")
            << QString(code::BadParams);
        QTest::newRow("subscribe runs")
            << QStringLiteral("subscribe") << QByteArray(R"({"runs":["a","b"],"logs":true})") << QString();
        QTest::newRow("subscribe bad run")
            << QStringLiteral("subscribe") << QByteArray(R"({"runs":["a",2]})") << QString(code::BadParams);
        QTest::newRow("logs range") << QStringLiteral("logs")
                                    << QByteArray(R"({"runId":"r","from":10,"count":5,"follow":true})")
                                    << QString();
        QTest::newRow("logs negative")
            << QStringLiteral("logs") << QByteArray(R"({"runId":"r","from":-1})") << QString(code::BadParams);
        QTest::newRow("logs fraction") << QStringLiteral("logs") << QByteArray(R"({"runId":"r","count":1.5})")
                                       << QString(code::BadParams);
        QTest::newRow("preview port")
            << QStringLiteral("openPreview") << QByteArray(R"({"runId":"r","port":8080})") << QString();
        QTest::newRow("settings set") << QStringLiteral("settings")
                                      << QByteArray(R"({"set":{"defaultRuntime":"docker"}})") << QString();
        QTest::newRow("settings unknown")
            << QStringLiteral("settings") << QByteArray(R"({"set":{"runtime":"kube"}})")
            << QString(code::BadParams);
        QTest::newRow("start options unknown")
            << QStringLiteral("start") << QByteArray(R"({"source":"s","options":{"colour":"red"}})")
            << QString(code::BadParams);
        QTest::newRow("start options bad runtime")
            << QStringLiteral("start") << QByteArray(R"({"source":"s","options":{"runtime":"vm"}})")
            << QString(code::BadParams);
        QTest::newRow("start options services")
            << QStringLiteral("start")
            << QByteArray(R"({"source":"s","options":{"services":["web"],"profiles":["debug"],"primary":"",)"
                          R"("values":{"A":"1"},"runtime":"docker","idempotencyKey":"k","replace":false}})")
            << QString();
        QTest::newRow("plan values not strings")
            << QStringLiteral("plan") << QByteArray(R"({"source":"s","options":{"values":{"A":1}}})")
            << QString(code::BadParams);
        QTest::newRow("settings set string")
            << QStringLiteral("settings") << QByteArray(R"({"set":"x"})") << QString(code::BadParams);
        QTest::newRow("hello version")
            << QStringLiteral("hello") << QByteArray(R"({"client":"cli","version":1})") << QString();
    }
    void validatesParams()
    {
        QFETCH(QString, method);
        QFETCH(QByteArray, params);
        QFETCH(QString, code);
        auto r = ParamValidator::validate(method, QJsonDocument::fromJson(params).object());
        if (code.isEmpty()) {
            QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        } else {
            QVERIFY(!r);
            QCOMPARE(r.error().code, code);
        }
    }
};

QTEST_GUILESS_MAIN(TestIpcMessage)
#include "test_ipc_message.moc"
