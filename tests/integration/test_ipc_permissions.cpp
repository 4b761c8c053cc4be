// The control socket is owner-only: another uid (nobody, via setpriv) is refused with EACCES,
// both by the private runtime directory and by the socket file's own mode. A world-accessible
// socket in the same place is reachable by that uid, which shows the probe really runs as it.
#include "ipc/controlserver.h"
#include "test_ipc_support.h"

#include <QFile>
#include <QLocalServer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

using namespace rr;

namespace {
constexpr uint kNobody = 65534;

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

    // Runs the probe; as `nobody` when asOther. Returns its exit code.
    int probe(const QString &socketPath, bool asOther)
    {
        QProcess p;
        if (asOther) {
            p.start(QStringLiteral("setpriv"),
                    {QStringLiteral("--reuid=%1").arg(kNobody), QStringLiteral("--regid=%1").arg(kNobody),
                     QStringLiteral("--clear-groups"), m_probe, socketPath});
        } else {
            p.start(m_probe, {socketPath});
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

        const QString loose = m_dir.filePath(QStringLiteral("loose"));
        QVERIFY(QDir().mkpath(loose));
        ::chmod(QFile::encodeName(loose).constData(), 0777);
        QVERIFY(ipc::ensurePrivateDirectory(loose));
        QCOMPARE(modeOf(loose), mode_t(0700));
    }
};

QTEST_GUILESS_MAIN(TestIpcPermissions)
#include "test_ipc_permissions.moc"
