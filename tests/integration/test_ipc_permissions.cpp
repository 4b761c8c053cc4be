// The control socket is owner-only: another uid (nobody, via setpriv) is refused with EACCES,
// both by the private runtime directory and by the socket file's own mode. A world-accessible
// socket in the same place is reachable by that uid, which shows the probe really runs as it.
// Both ends check the other's uid (SO_PEERCRED). And a runtime directory another user squats
// (/tmp/reporunner-<uid> with XDG_RUNTIME_DIR unset) is refused by the real server, CLI and
// native host running as the victim uid.
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"
#include "ipc/protocol.h"
#include "test_ipc_support.h"

#include <QSignalSpy>
#include <QTest>
#include <cstring>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

using namespace rr;

namespace {
constexpr uint kNobody = 65534;
// The victim of the squatting cases: a uid no one else on a test machine uses.
constexpr uint kVictim = 47213;
const QString kOrigin = QStringLiteral("chrome-extension://oipbogiebnohngapaiaihdajnhlacfle/");

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}
} // namespace

class TestIpcPermissions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir{QStringLiteral("/tmp/ipcperm-XXXXXX")};
    QString m_probe;
    rr::test::TestHandler m_handler;

    static QStringList as(uint uid, const QString &program, const QStringList &args)
    {
        return QStringList{QStringLiteral("--reuid=%1").arg(uid), QStringLiteral("--regid=%1").arg(uid),
                           QStringLiteral("--clear-groups"), program} +
               args;
    }

    // Runs the probe; as `nobody` when asOther. Returns its exit code.
    int probe(const QString &socketPath, bool asOther, const QStringList &mode = {})
    {
        QProcess p;
        if (asOther) {
            p.start(QStringLiteral("setpriv"), as(kNobody, m_probe, mode + QStringList{socketPath}));
        } else {
            p.start(m_probe, mode + QStringList{socketPath});
        }
        if (!p.waitForFinished(10000))
            return -1;
        qInfo().noquote() << "probe:" << p.readAllStandardOutput().trimmed()
                          << p.readAllStandardError().trimmed();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("Creating a second uid's process needs root (CI runs this as root).");
        if (QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            QFAIL("setpriv (util-linux) is missing");
        QVERIFY(m_dir.isValid());
        // Parents traversable by nobody, so only our own modes can stop it.
        QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                        QFile::ReadGroup | QFile::ExeGroup |
                                                        QFile::ReadOther | QFile::ExeOther));
        m_probe = m_dir.filePath(QStringLiteral("test_ipc_probe"));
        QVERIFY(
            QFile::copy(QCoreApplication::applicationDirPath() + QStringLiteral("/test_ipc_probe"), m_probe));
        QVERIFY(QFile::setPermissions(m_probe, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                                   QFile::ReadOther | QFile::ExeOther));
    }

    // The path production uses: $XDG_RUNTIME_DIR/reporunner/control.sock.
    void defaultLocationIsPrivate()
    {
        const QString runtime = m_dir.filePath(QStringLiteral("xdg"));
        QVERIFY(QDir().mkpath(runtime));
        QVERIFY(QFile::setPermissions(runtime, QFile::permissions(m_dir.path())));
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
        ipc::ControlServer server(&m_handler);
        auto listening = server.listen();
        QVERIFY2(listening, listening ? "" : qPrintable(listening.error().message));
        QCOMPARE(server.socketPath(), runtime + QStringLiteral("/reporunner/control.sock"));
        QCOMPARE(modeOf(runtime + QStringLiteral("/reporunner")), mode_t(0700));
        QCOMPARE(modeOf(server.socketPath()) & 077, mode_t(0));

        QCOMPARE(probe(server.socketPath(), false), 0);
        QCOMPARE(probe(server.socketPath(), true), 13);
        qunsetenv("XDG_RUNTIME_DIR");
    }

    // Even in a directory others may enter, the socket file itself refuses them.
    void socketFileRefusesOtherUsers()
    {
        const QString path = m_dir.filePath(QStringLiteral("open.sock"));
        ipc::ServerOptions o;
        o.socketPath = path;
        ipc::ControlServer server(&m_handler, o);
        QVERIFY(server.listen());
        QVERIFY2((modeOf(path) & 077) == 0, qPrintable(QString::number(modeOf(path), 8)));
        QCOMPARE(probe(path, false), 0);
        QCOMPARE(probe(path, true), 13);
    }

    // Control: the same uid switch reaches a world-accessible socket in the same directory.
    void otherUserReachesAWorldSocket()
    {
        QLocalServer world;
        world.setSocketOptions(QLocalServer::WorldAccessOption);
        const QString path = m_dir.filePath(QStringLiteral("world.sock"));
        QVERIFY(world.listen(path));
        QCOMPARE(probe(path, true), 0);
    }

    void refusesARuntimeDirOfAnotherUser()
    {
        const QString dir = m_dir.filePath(QStringLiteral("taken"));
        QVERIFY(QDir().mkpath(dir));
        QCOMPARE(::chown(QFile::encodeName(dir).constData(), kNobody, kNobody), 0);
        auto r = ipc::ensurePrivateDirectory(dir);
        QVERIFY(!r);
        QCOMPARE(r.error().code, QString(ipc::code::UnsafeRuntimeDir));

        // Ours but opened up: someone may have put a socket in it already. Refused, not repaired.
        const QString loose = m_dir.filePath(QStringLiteral("loose"));
        QVERIFY(QDir().mkpath(loose));
        ::chmod(QFile::encodeName(loose).constData(), 0777);
        QVERIFY(!ipc::ensurePrivateDirectory(loose));
        QVERIFY(!ipc::checkPrivateDirectory(loose));

        const QString link = m_dir.filePath(QStringLiteral("link"));
        const QString target = m_dir.filePath(QStringLiteral("target"));
        QVERIFY(QDir().mkpath(target));
        ::chmod(QFile::encodeName(target).constData(), 0700);
        QVERIFY(QFile::link(target, link));
        QVERIFY(ipc::checkPrivateDirectory(target));
        QVERIFY(!ipc::checkPrivateDirectory(link));
    }

    // The socket file's mode keeps others out; if it did not, the server still serves them
    // nothing: it checks the client's uid and closes the connection.
    void serverRefusesAClientOfAnotherUser()
    {
        const QString path = m_dir.filePath(QStringLiteral("peer.sock"));
        ipc::ServerOptions o;
        o.socketPath = path;
        ipc::ControlServer server(&m_handler, o);
        QVERIFY(server.listen());
        // The server's event loop must run while a probe waits for its answer.
        auto hello = [&](bool asOther) {
            QProcess p;
            if (asOther)
                p.start(QStringLiteral("setpriv"), as(kNobody, m_probe, {QStringLiteral("--hello"), path}));
            else
                p.start(m_probe, {QStringLiteral("--hello"), path});
            if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 10000))
                return -1;
            qInfo().noquote() << "probe:" << p.readAllStandardOutput().trimmed();
            return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        };
        QCOMPARE(hello(false), 0); // our own uid gets an answer
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0777), 0);
        QCOMPARE(hello(true), 3); // connected, then closed without an answer
    }

    // A client does not talk to a server run by another user, even where it may connect.
    void clientRefusesAServerOfAnotherUser()
    {
        const QString shared = m_dir.filePath(QStringLiteral("shared"));
        QVERIFY(QDir().mkpath(shared));
        QCOMPARE(::chmod(QFile::encodeName(shared).constData(), 01777), 0); // like /tmp
        const QString path = shared + QStringLiteral("/control.sock");
        QProcess listener;
        listener.start(QStringLiteral("setpriv"), as(kNobody, m_probe, {QStringLiteral("--listen"), path}));
        QVERIFY(listener.waitForReadyRead(10000));
        QVERIFY(listener.readAllStandardOutput().contains("listening"));

        ipc::ControlClient client;
        QSignalSpy errors(&client, &ipc::ControlClient::errorOccurred);
        QSignalSpy connected(&client, &ipc::ControlClient::connected);
        client.connectToServer(path);
        auto reply =
            client.call(QStringLiteral("hello"), {{QStringLiteral("client"), QStringLiteral("test")}});
        QTRY_VERIFY_WITH_TIMEOUT(reply.isFinished(), 10000);
        QVERIFY(!reply.result());
        QCOMPARE(reply.result().error().code, QString(ipc::code::UntrustedPeer));
        QVERIFY(!errors.isEmpty());
        QCOMPARE(connected.count(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(listener.state() == QProcess::NotRunning, 10000);
    }

    // XDG_RUNTIME_DIR unset: the socket lives in /tmp/reporunner-<uid>, which any local user
    // can create first. The server, the CLI and the native host, run as the victim, all refuse
    // a squatted one (another owner, or a symlink to somewhere of the victim's) and touch
    // nothing in it.
    void squattedRuntimeDirIsRefusedByServerCliAndHost_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<QString>("why");
        QTest::newRow("owned by another user") << QStringLiteral("owned") << QStringLiteral("another user");
        QTest::newRow("a symlink") << QStringLiteral("symlink") << QStringLiteral("symbolic link");
        QTest::newRow("opened to others") << QStringLiteral("loose") << QStringLiteral("open to other users");
    }

    void squattedRuntimeDirIsRefusedByServerCliAndHost()
    {
        QFETCH(QString, how);
        QFETCH(QString, why);
        const QString cli = qEnvironmentVariable("REPORUNNER_CLI");
        const QString host = qEnvironmentVariable("REPORUNNER_NATIVEHOST");
        if (cli.isEmpty() || host.isEmpty())
            QFAIL("REPORUNNER_CLI and REPORUNNER_NATIVEHOST must name the built binaries (ctest sets them)");
        const QString squatted = QStringLiteral("/tmp/reporunner-%1").arg(kVictim);
        const QByteArray squattedPath = QFile::encodeName(squatted);
        ::unlink(squattedPath.constData());
        QDir(squatted).removeRecursively();
        // The victim's own home and data, so only the socket directory can be wrong.
        const QString home = m_dir.filePath(QStringLiteral("victim-") + how);
        QVERIFY(QDir().mkpath(home));
        QCOMPARE(::chown(QFile::encodeName(home).constData(), kVictim, kVictim), 0);
        const QString elsewhere = home + QStringLiteral("/elsewhere");
        if (how == QLatin1String("owned")) {
            QCOMPARE(::mkdir(squattedPath.constData(), 0700), 0);
            QCOMPARE(::chown(squattedPath.constData(), kNobody, kNobody), 0);
        } else if (how == QLatin1String("symlink")) {
            QCOMPARE(::mkdir(QFile::encodeName(elsewhere).constData(), 0700), 0);
            QCOMPARE(::chown(QFile::encodeName(elsewhere).constData(), kVictim, kVictim), 0);
            QCOMPARE(::symlink(QFile::encodeName(elsewhere).constData(), squattedPath.constData()), 0);
            QCOMPARE(::lchown(squattedPath.constData(), kNobody, kNobody), 0);
        } else {
            QCOMPARE(::mkdir(squattedPath.constData(), 0700), 0);
            QCOMPARE(::chmod(squattedPath.constData(), 0777), 0);
            QCOMPARE(::chown(squattedPath.constData(), kVictim, kVictim), 0);
        }
        auto cleanup = qScopeGuard([&] {
            ::unlink(squattedPath.constData());
            QDir(squatted).removeRecursively();
        });

        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        env.insert(QStringLiteral("DOCKER_HOST"),
                   QStringLiteral("unix://") + home + QStringLiteral("/no-docker.sock"));
        auto run = [&](const QString &program, const QStringList &args, const QByteArray &input = {}) {
            auto p = std::make_unique<QProcess>();
            p->setProcessEnvironment(env);
            p->start(QStringLiteral("setpriv"), as(kVictim, program, args));
            if (!input.isEmpty())
                p->write(input);
            return p;
        };

        // The server.
        auto serve = run(cli, {QStringLiteral("serve")});
        QVERIFY(serve->waitForFinished(30000));
        const QByteArray serveErr = serve->readAllStandardError();
        qInfo().noquote() << "serve:" << serveErr.trimmed();
        QVERIFY(serve->exitCode() != 0);
        QVERIFY2(serveErr.contains(why.toUtf8()), serveErr.constData());

        // The CLI: refuses, and starts no engine of its own either.
        auto list = run(cli, {QStringLiteral("ps")});
        QVERIFY(list->waitForFinished(30000));
        const QByteArray listErr = list->readAllStandardError();
        qInfo().noquote() << "ps:" << listErr.trimmed();
        QVERIFY(list->exitCode() != 0);
        QVERIFY2(listErr.contains(why.toUtf8()), listErr.constData());

        // The native host: every request gets the refusal, and no app is started.
        const QByteArray json = R"({"id":1,"method":"list"})";
        const auto length = std::uint32_t(json.size());
        QByteArray frame(4, Qt::Uninitialized);
        std::memcpy(frame.data(), &length, 4);
        auto relay = run(host, {kOrigin}, frame + json);
        QByteArray out;
        auto oneFrame = [&] {
            out += relay->readAllStandardOutput();
            std::uint32_t n = 0;
            if (out.size() >= 4)
                std::memcpy(&n, out.constData(), 4);
            return out.size() >= 4 && out.size() >= 4 + qsizetype(n);
        };
        QTRY_VERIFY_WITH_TIMEOUT(oneFrame(), 15000);
        const QJsonObject reply = QJsonDocument::fromJson(out.mid(4)).object();
        qInfo().noquote() << "host:" << out.mid(4);
        QCOMPARE(reply.value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(reply[QStringLiteral("error")][QStringLiteral("code")].toString(),
                 QString(ipc::code::UnsafeRuntimeDir));
        relay->closeWriteChannel();
        QVERIFY(relay->waitForFinished(10000));

        // Nothing of the victim's went into the squatted place.
        QVERIFY(!QFileInfo::exists(squatted + QStringLiteral("/control.sock")));
        QVERIFY(!QFileInfo::exists(squatted + QStringLiteral("/serve.pid")));
        QVERIFY(!QFileInfo::exists(elsewhere + QStringLiteral("/control.sock")));
    }
};

QTEST_GUILESS_MAIN(TestIpcPermissions)
#include "test_ipc_permissions.moc"
