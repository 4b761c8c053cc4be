// `reporunner logs` against a stand-in engine on a private socket whose service printed
// terminal escape sequences: by default they never reach the terminal, with --raw they do.
#include "ipc/controlhandler.h"
#include "ipc/controlserver.h"

#include <QJsonArray>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

// What a hostile container printed: a colour, a cursor move with erase, a window title and a
// clipboard write (OSC 52).
const QString Hostile = QStringLiteral("\x1b[31mred\x1b[0m \x1b[2A\x1b[2Kmoved \x1b]0;pwned\x07titled "
                                       "\x1b]52;c;ZWNobyBoaQ==\x1b\\done");

class LogsHandler final : public rr::ipc::ControlHandler
{
public:
    QFuture<rr::ipc::HandlerResult> handle(const QString &method, const QJsonObject &params) override
    {
        Q_UNUSED(params)
        if (method == QLatin1String("hello"))
            return ready(QJsonValue(QJsonObject{{QStringLiteral("protocol"), 2}}));
        if (method == QLatin1String("logs"))
            return ready(QJsonValue(
                QJsonObject{{QStringLiteral("lines"),
                             QJsonArray{QJsonObject{{QStringLiteral("id"), 1},
                                                    {QStringLiteral("service"), QStringLiteral("web\x1b[8m")},
                                                    {QStringLiteral("stream"), QStringLiteral("stdout")},
                                                    {QStringLiteral("text"), Hostile}}}}}));
        return ready(
            rr::core::fail(rr::core::ErrorCategory::Input, QStringLiteral("test.unsupported"), method));
    }
};

} // namespace

class TestCliLogs : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    LogsHandler m_handler;

    QByteArray logs(const QStringList &extra)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REPORUNNER_SOCKET"), m_dir.filePath(QStringLiteral("control.sock")));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("REPORUNNER_CLI"),
                QStringList{QStringLiteral("logs"), QStringLiteral("r1")} + extra);
        // The stand-in answers from this thread's event loop while the CLI waits.
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 20000))
            return "timeout";
        const QByteArray err = p.readAllStandardError();
        if (p.exitCode() != 0)
            qWarning().noquote() << "reporunner logs:" << err;
        return p.readAllStandardOutput();
    }

private Q_SLOTS:
    void initTestCase()
    {
        rr::ipc::ServerOptions options;
        options.socketPath = m_dir.filePath(QStringLiteral("control.sock"));
        auto *server = new rr::ipc::ControlServer(&m_handler, options, this);
        auto listening = server->listen();
        QVERIFY2(listening, listening ? "" : qPrintable(listening.error().message));
    }

    void stripsEscapeSequencesByDefault()
    {
        const QByteArray out = logs({});
        QCOMPARE(out, QByteArray("[web] red moved titled done\n"));
        QVERIFY(!out.contains('\x1b'));
    }

    void rawKeepsThem()
    {
        const QByteArray out = logs({QStringLiteral("--raw")});
        QCOMPARE(out, (QStringLiteral("[web\x1b[8m] ") + Hostile + QLatin1Char('\n')).toUtf8());
    }
};

QTEST_GUILESS_MAIN(TestCliLogs)
#include "test_cli_logs.moc"
