// Runs the real reporunner-nativehost binary the way Chrome does (origin in argv[1],
// framed JSON on stdin/stdout) against a real control server on a private socket.
#include "ipc/controlhandler.h"
#include "ipc/controlserver.h"
#include "ipc/protocol.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

namespace {

const QString Origin = QStringLiteral("chrome-extension://oipbogiebnohngapaiaihdajnhlacfle/");

class EchoHandler final : public rr::ipc::ControlHandler
{
public:
    QStringList seen; // every method that reached the app

    QFuture<rr::ipc::HandlerResult> handle(const QString &method, const QJsonObject &params) override
    {
        seen << method;
        if (method == QLatin1String("hello"))
            return ready(QJsonValue(QJsonObject{{QStringLiteral("app"), QStringLiteral("test-engine")}}));
        if (method == QLatin1String("list"))
            return ready(QJsonValue(QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("r1")}}}));
        return ready(
            rr::core::fail(rr::core::ErrorCategory::Input, QStringLiteral("test.unsupported"), method));
        Q_UNUSED(params)
    }
};

QByteArray frame(const QByteArray &json)
{
    const auto n = std::uint32_t(json.size());
    QByteArray out(4, Qt::Uninitialized);
    std::memcpy(out.data(), &n, 4);
    return out + json;
}

// Reads framed messages from the host's stdout as they arrive.
struct HostOutput
{
    QByteArray buffer;
    QList<QJsonObject> messages;
    void take(QProcess &p)
    {
        buffer += p.readAllStandardOutput();
        while (buffer.size() >= 4) {
            std::uint32_t n = 0;
            std::memcpy(&n, buffer.constData(), 4);
            if (buffer.size() < qsizetype(4 + n))
                return;
            messages << QJsonDocument::fromJson(buffer.mid(4, n)).object();
            buffer.remove(0, 4 + n);
        }
    }
};

} // namespace

class TestNativehost : public QObject
{
    Q_OBJECT

    QTemporaryDir m_runtime;
    EchoHandler m_handler;
    rr::ipc::ControlServer *m_server = nullptr;

    void startHost(QProcess &host, const QStringList &args = {Origin}, const QString &runtimeDir = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtimeDir.isEmpty() ? m_runtime.path() : runtimeDir);
        host.setProcessEnvironment(env);
        host.start(qEnvironmentVariable("REPORUNNER_NATIVEHOST"), args);
        QVERIFY(host.waitForStarted());
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_RUNTIME_DIR", m_runtime.path().toUtf8());
        m_server = new rr::ipc::ControlServer(&m_handler, {}, this);
        const auto listening = m_server->listen();
        QVERIFY2(listening.has_value(), qPrintable(listening ? QString() : listening.error().message));
        QVERIFY(rr::ipc::defaultSocketPath().startsWith(m_runtime.path()));
    }

    void relaysRequestsAndReplies()
    {
        QProcess host;
        startHost(host);
        HostOutput out;
        connect(&host, &QProcess::readyReadStandardOutput, this, [&] { out.take(host); });
        host.write(frame(R"({"id":1,"method":"hello","params":{"client":"extension"}})"));
        host.write(frame(R"({"id":"two","method":"list"})"));
        QTRY_COMPARE_WITH_TIMEOUT(out.messages.size(), 2, 10000);
        QCOMPARE(out.messages.at(0).value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(out.messages.at(0)[QStringLiteral("result")][QStringLiteral("app")].toString(),
                 QStringLiteral("test-engine"));
        QCOMPARE(out.messages.at(1).value(QStringLiteral("id")).toString(), QStringLiteral("two"));
        QVERIFY(out.messages.at(1).value(QStringLiteral("result")).isArray());
        host.closeWriteChannel();
        QVERIFY(host.waitForFinished(5000)); // stdin closed: the host exits by itself
        QCOMPARE(host.exitCode(), 0);
    }

    void badMessagesGetErrorsAndTheHostKeepsServing()
    {
        QProcess host;
        startHost(host);
        HostOutput out;
        connect(&host, &QProcess::readyReadStandardOutput, this, [&] { out.take(host); });
        host.write(frame("not json at all"));
        host.write(frame(R"({"id":3})"));
        // A frame announcing 2 MiB, really sent, must be dropped without being relayed.
        host.write(frame(QByteArray(2 * 1024 * 1024, 'x')));
        host.write(frame(R"({"id":4,"method":"hello"})"));
        QTRY_COMPARE_WITH_TIMEOUT(out.messages.size(), 4, 10000);
        QCOMPARE(out.messages.at(0)[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QStringLiteral("nativehost.bad_message"));
        QCOMPARE(out.messages.at(1).value(QStringLiteral("id")).toInt(), 3);
        QCOMPARE(out.messages.at(2)[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QStringLiteral("nativehost.too_large"));
        QCOMPARE(out.messages.at(3).value(QStringLiteral("id")).toInt(), 4);
        QVERIFY(out.messages.at(3).contains(QStringLiteral("result")));
        host.closeWriteChannel();
        QVERIFY(host.waitForFinished(5000));
    }

    void engineErrorsPassThrough()
    {
        QProcess host;
        startHost(host);
        HostOutput out;
        connect(&host, &QProcess::readyReadStandardOutput, this, [&] { out.take(host); });
        host.write(frame(R"({"id":5,"method":"get","params":{"runId":"nope"}})"));
        QTRY_COMPARE_WITH_TIMEOUT(out.messages.size(), 1, 10000);
        QVERIFY(out.messages.first().contains(QStringLiteral("error")));
        host.closeWriteChannel();
        QVERIFY(host.waitForFinished(5000));
    }

    void reportsItsStatusWithoutStartingTheApp()
    {
        QTemporaryDir empty; // no app listens here, and asking must not start one
        QVERIFY(QFile::setPermissions(empty.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        for (const QString &dir : {empty.path(), m_runtime.path()}) {
            QProcess host;
            startHost(host, {Origin}, dir);
            HostOutput out;
            connect(&host, &QProcess::readyReadStandardOutput, this, [&] { out.take(host); });
            host.write(frame(R"({"id":1,"method":"host.status"})"));
            host.write(frame(R"({"id":2,"method":"reboot"})"));
            QTRY_COMPARE_WITH_TIMEOUT(out.messages.size(), 2, 10000);
            const QJsonObject status = out.messages.at(0).value(QStringLiteral("result")).toObject();
            QCOMPARE(status.value(QStringLiteral("protocol")).toInt(), rr::ipc::kProtocolVersion);
            QVERIFY(!status.value(QStringLiteral("version")).toString().isEmpty());
            QCOMPARE(status.value(QStringLiteral("appRunning")).toBool(), dir == m_runtime.path());
            QCOMPARE(out.messages.at(1).value(QStringLiteral("id")).toInt(), 2);
            QCOMPARE(out.messages.at(1)[QStringLiteral("error")][QStringLiteral("code")].toString(),
                     QString(rr::ipc::code::UnknownMethod));
            host.closeWriteChannel();
            QVERIFY(host.waitForFinished(5000));
        }
        QVERIFY(!QFile::exists(empty.path() + QStringLiteral("/reporunner/control.sock")));
        QVERIFY(!QFile::exists(empty.path() + QStringLiteral("/reporunner/serve.pid")));
    }

    // The host's own allow-list, behind the extension's: methods no page needs, local paths,
    // credentials in a source and options that are the CLI's never reach the app.
    void refusesWhatTheBrowserMayNotAsk()
    {
        QProcess host;
        startHost(host);
        HostOutput out;
        connect(&host, &QProcess::readyReadStandardOutput, this, [&] { out.take(host); });
        const QList<QByteArray> refused{
            R"({"id":1,"method":"settings","params":{"set":{"defaultRuntime":"docker"}}})",
            R"({"id":2,"method":"openPreview","params":{"runId":"r1"}})",
            R"({"id":3,"method":"start","params":{"source":"/home/me/project"}})",
            R"({"id":4,"method":"detect","params":{"source":"file:///etc"}})",
            R"({"id":5,"method":"plan","params":{"source":"https://github.com/o/r","path":"/tmp"}})",
            R"({"id":6,"method":"start","params":{"source":"https://github.com/o/r","options":{"values":{"A":"1"}}}})",
            R"({"id":7,"method":"start","params":{"source":"https://github.com/o/r","options":{"dockerfile":"x"}}})",
            R"({"id":8,"method":"detect","params":{"source":"https://u:token@github.com/o/r"}})",
            R"({"id":9,"method":"stop","params":{"runId":"r1","remove":true}})",
            R"({"id":10,"method":"logs","params":{"runId":"r1","follow":true}})",
            // The token methods are the tray's and the CLI's, never a browser's.
            R"({"id":11,"method":"auth.setToken","params":{"token":"ghp_browser_must_not_set"}})",
            R"({"id":12,"method":"auth.clearToken","params":{}})",
            R"({"id":13,"method":"auth.status","params":{}})",
            R"({"id":14,"method":"start","params":{"source":"https://github.com/o/r","options":{"keepOnFailure":true}}})",
            // Deleting history and pruning the machine's images are the user's, never a page's.
            R"({"id":15,"method":"remove","params":{"runId":"r1"}})",
            R"({"id":16,"method":"prune","params":{"dryRun":false}})",
        };
        m_handler.seen.clear();
        for (const QByteArray &r : refused)
            host.write(frame(r));
        host.write(frame(R"({"id":17,"method":"list"})"));
        QTRY_COMPARE_WITH_TIMEOUT(out.messages.size(), refused.size() + 1, 10000);
        for (int i = 0; i < refused.size(); ++i) {
            const QJsonObject m = out.messages.at(i);
            QCOMPARE(m.value(QStringLiteral("id")).toInt(), i + 1);
            QCOMPARE(m[QStringLiteral("error")][QStringLiteral("code")].toString(),
                     QStringLiteral("nativehost.refused"));
            QVERIFY(!QJsonDocument(m).toJson().contains("ghp_browser_must_not_set")); // not echoed
        }
        QCOMPARE(m_handler.seen, QStringList{QStringLiteral("list")}); // only the allowed one reached the app
        host.closeWriteChannel();
        QVERIFY(host.waitForFinished(5000));
    }

    void refusesOtherOrigins()
    {
        for (const QStringList &args :
             {QStringList{QStringLiteral("chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/")},
              QStringList{}}) {
            QProcess host;
            startHost(host, args);
            host.write(frame(R"({"id":1,"method":"hello"})"));
            QVERIFY(host.waitForFinished(5000));
            QCOMPARE(host.exitCode(), 1);
            QVERIFY(host.readAllStandardOutput().isEmpty()); // nothing relayed, nothing answered
            QVERIFY(host.readAllStandardError().contains("refusing caller"));
        }
    }
};

QTEST_GUILESS_MAIN(TestNativehost)
#include "test_nativehost.moc"
