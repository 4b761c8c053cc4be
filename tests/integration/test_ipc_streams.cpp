// Pushed events: subscriptions and their filters, batched log lines, follow, a subscriber that
// never reads (dropped with slow_consumer while others are served) and a client leaving mid-stream.
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"
#include "test_ipc_support.h"

#include <QSignalSpy>
#include <QTemporaryDir>

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace rr;
using namespace rr::test;
namespace code = rr::ipc::code;

namespace {
struct Received
{
    QStringList names;
    QList<QJsonObject> data;
};
Received *record(ipc::ControlClient &client)
{
    auto *r = new Received;
    QObject::connect(&client, &ipc::ControlClient::eventReceived, &client,
                     [r](const QString &name, const QJsonObject &data) {
                         r->names << name;
                         r->data << data;
                     });
    QObject::connect(&client, &QObject::destroyed, [r] { delete r; });
    return r;
}
QJsonArray lines(int from, int count)
{
    QJsonArray out;
    for (int i = from; i < from + count; ++i)
        out.append(QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                               {QStringLiteral("text"), QString::number(i)}});
    return out;
}
} // namespace

class TestIpcStreams : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    TestHandler m_handler;
    ipc::ServerOptions options() const
    {
        ipc::ServerOptions o;
        o.socketPath = m_dir.filePath(QStringLiteral("control.sock"));
        return o;
    }

private Q_SLOTS:
    void subscriptionsFilterByRun()
    {
        ipc::ControlServer server(&m_handler, options());
        QVERIFY(server.listen());
        ipc::ControlClient all, onlyB, none;
        Received *gotAll = record(all), *gotB = record(onlyB), *gotNone = record(none);
        for (auto *c : {&all, &onlyB, &none})
            c->connectToServer(server.socketPath());
        QVERIFY(await(all.call(QStringLiteral("subscribe"))));
        auto sub = await(onlyB.call(QStringLiteral("subscribe"),
                                    {{QStringLiteral("runs"), QJsonArray{QStringLiteral("b")}}}));
        QVERIFY(sub);
        QCOMPARE(sub->toObject().value(QStringLiteral("runs")).toArray(), QJsonArray{QStringLiteral("b")});
        QVERIFY(await(none.call(QStringLiteral("list"))));

        server.publish(QStringLiteral("run.updated"), {{QStringLiteral("state"), QStringLiteral("ready")}},
                       QStringLiteral("a"));
        server.publish(QStringLiteral("run.updated"), {{QStringLiteral("state"), QStringLiteral("failed")}},
                       QStringLiteral("b"));
        server.publish(QStringLiteral("run.phase"), {{QStringLiteral("phase"), QStringLiteral("build")}},
                       QStringLiteral("b"));
        QTRY_COMPARE(gotAll->names.size(), 3);
        QTRY_COMPARE(gotB->names.size(), 2);
        QCOMPARE(gotB->data.at(0).value(QStringLiteral("runId")).toString(), QStringLiteral("b"));
        QCOMPARE(gotB->data.at(0).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(gotAll->names, (QStringList{QStringLiteral("run.updated"), QStringLiteral("run.updated"),
                                             QStringLiteral("run.phase")}));
        QVERIFY(await(none.call(QStringLiteral("list")))); // anything pushed to it would have arrived first
        QVERIFY(gotNone->names.isEmpty());
    }

    void logLinesAreBatched()
    {
        auto o = options();
        o.logBatchInterval = std::chrono::milliseconds(20);
        ipc::ControlServer server(&m_handler, o);
        QVERIFY(server.listen());
        ipc::ControlClient withLogs, withoutLogs;
        Received *got = record(withLogs), *gotNoLogs = record(withoutLogs);
        withLogs.connectToServer(server.socketPath());
        withoutLogs.connectToServer(server.socketPath());
        QVERIFY(await(withLogs.call(QStringLiteral("subscribe"), {{QStringLiteral("logs"), true}})));
        QVERIFY(await(withoutLogs.call(QStringLiteral("subscribe"))));

        for (int i = 0; i < 1200; ++i)
            server.publishLogLines(QStringLiteral("r1"), lines(i, 1));
        QTRY_COMPARE(got->names.size(), 3); // 500 + 500 at the line limit, 200 when the interval passes
        QJsonArray all;
        for (int i = 0; i < got->names.size(); ++i) {
            QCOMPARE(got->names.at(i), QStringLiteral("run.log"));
            QCOMPARE(got->data.at(i).value(QStringLiteral("runId")).toString(), QStringLiteral("r1"));
            const QJsonArray batch = got->data.at(i).value(QStringLiteral("lines")).toArray();
            QVERIFY(batch.size() <= 500);
            for (const QJsonValue &l : batch)
                all.append(l);
        }
        QCOMPARE(all, lines(0, 1200));
        server.publish(QStringLiteral("run.updated"), {}, QStringLiteral("r1"));
        QTRY_COMPARE(gotNoLogs->names.size(), 1);
        QCOMPARE(gotNoLogs->names.first(), QStringLiteral("run.updated"));
    }

    void logsFollowStreamsOneRun()
    {
        ipc::ControlServer server(&m_handler, options());
        QVERIFY(server.listen());
        ipc::ControlClient client;
        Received *got = record(client);
        client.connectToServer(server.socketPath());
        auto range =
            await(client.call(QStringLiteral("logs"), {{QStringLiteral("runId"), QStringLiteral("r1")},
                                                       {QStringLiteral("follow"), true}}));
        QVERIFY(range);
        QCOMPARE(range->toObject().value(QStringLiteral("lines")).toArray().size(), 10);
        server.publishLogLines(QStringLiteral("r2"), lines(0, 3));
        server.publishLogLines(QStringLiteral("r1"), lines(7, 2));
        server.publish(QStringLiteral("run.updated"), {}, QStringLiteral("r1")); // not subscribed
        server.flushLogs();
        QTRY_COMPARE(got->names.size(), 1);
        QVERIFY(await(client.call(QStringLiteral("list"))));
        QCOMPARE(got->names, QStringList{QStringLiteral("run.log")});
        QCOMPARE(got->data.first().value(QStringLiteral("lines")).toArray(), lines(7, 2));
    }

    // A raw socket subscribes and never reads. It must be cut off with slow_consumer once its
    // backlog passes the budget, while another client's calls keep being answered.
    void slowSubscriberIsDropped()
    {
        auto o = options();
        o.outgoingBudget = 256 * 1024;
        ipc::ControlServer server(&m_handler, o);
        QVERIFY(server.listen());
        QSignalSpy dropped(&server, &ipc::ControlServer::clientDropped);

        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(server.socketPath());
        std::memcpy(addr.sun_path, p.constData(), size_t(p.size()));
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
        const QByteArray sub = ipc::FrameDecoder::encode(
            QJsonDocument(request(1, QStringLiteral("subscribe"))).toJson(QJsonDocument::Compact));
        QCOMPARE(::write(fd, sub.constData(), size_t(sub.size())), ssize_t(sub.size()));
        QTRY_COMPARE(server.connectionCount(), 1);

        ipc::ControlClient other;
        other.connectToServer(server.socketPath());
        QVERIFY(await(other.call(QStringLiteral("list"))));

        const QJsonObject payload{{QStringLiteral("blob"), QString(4000, QLatin1Char('x'))}};
        int published = 0;
        while (dropped.isEmpty() && published < 20000) {
            for (int i = 0; i < 50; ++i, ++published)
                server.publish(QStringLiteral("run.updated"), payload, QStringLiteral("r1"));
            QCoreApplication::processEvents();
            if (published % 1000 == 0)
                QVERIFY(await(other.call(QStringLiteral("list")))); // answered while the other lags
        }
        QCOMPARE(dropped.size(), 1);
        QCOMPARE(dropped.first().first().value<core::Error>().code, QString(code::SlowConsumer));
        QVERIFY(published > 60); // it really fell behind first
        QVERIFY(await(other.call(QStringLiteral("list"))));

        // Reading now, the dropped client finds events, then the slow_consumer error, then EOF.
        ::fcntl(fd, F_SETFL, O_NONBLOCK);
        ipc::FrameDecoder decoder(8 * 1024 * 1024);
        QList<QJsonObject> messages;
        bool eof = false;
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     char buf[65536];
                                     for (;;) {
                                         const ssize_t n = ::read(fd, buf, sizeof(buf));
                                         if (n == 0)
                                             eof = true;
                                         if (n <= 0)
                                             break;
                                         decoder.feed(QByteArrayView(buf, n));
                                     }
                                     while (auto item = decoder.next())
                                         messages << QJsonDocument::fromJson(item->payload).object();
                                     return eof;
                                 }()),
                                 10000);
        ::close(fd);
        QVERIFY(messages.size() >= 2);
        QCOMPARE(messages.first().value(QStringLiteral("id")).toInt(), 1); // the subscribe reply
        const QJsonObject last = messages.last();
        QCOMPARE(last.value(QStringLiteral("event")).toString(), QStringLiteral("error"));
        QCOMPARE(last.value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString(),
                 QString(code::SlowConsumer));
        QTRY_COMPARE(server.connectionCount(), 1);
    }

    void clientLeavesMidStream()
    {
        ipc::ControlServer server(&m_handler, options());
        QVERIFY(server.listen());
        QTimer pump;
        int sent = 0;
        connect(&pump, &QTimer::timeout, &server, [&] {
            for (int i = 0; i < 20; ++i, ++sent) {
                server.publish(QStringLiteral("run.updated"), {{QStringLiteral("n"), sent}},
                               QStringLiteral("r"));
                server.publishLogLines(QStringLiteral("r"), lines(sent, 5));
            }
        });
        pump.start(1);
        {
            auto leaving = std::make_unique<ipc::ControlClient>();
            Received *got = record(*leaving);
            leaving->connectToServer(server.socketPath());
            QVERIFY(await(leaving->call(QStringLiteral("subscribe"), {{QStringLiteral("logs"), true}})));
            QTRY_VERIFY(got->names.size() > 20);
            leaving.reset(); // gone in the middle of the stream
        }
        QTRY_COMPARE(server.connectionCount(), 0);
        const int before = sent;
        QTRY_VERIFY(sent > before + 200); // the server keeps publishing into the void
        ipc::ControlClient next;
        Received *got = record(next);
        next.connectToServer(server.socketPath());
        QVERIFY(await(next.call(QStringLiteral("subscribe"))));
        QTRY_VERIFY(got->names.size() > 10);
        pump.stop();
    }
};

QTEST_GUILESS_MAIN(TestIpcStreams)
#include "test_ipc_streams.moc"
