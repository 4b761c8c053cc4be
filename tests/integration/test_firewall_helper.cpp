// reporunner-firewall, the root helper that makes Docker runs' iptables rules for engines that
// are not root: root is served and its rules come and go; requests outside the gate (another
// interface, unknown operations, names no engine makes, garbage) are refused; a process without
// the allowed group is refused, by the socket's mode and by the helper itself; one with it is
// served; and the engine's client refuses a "helper" that is not root.
#include "dockerruntime/firewallhelperclient.h"
#include "dockerruntime/firewallrequest.h"
#include "dockerruntime/runfirewall.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <grp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using rr::dockerruntime::FirewallHelperClient;
using rr::dockerruntime::FirewallRequest;
using rr::dockerruntime::RunFirewall;

namespace {

// Sends `bytes` as they are and returns the whole answer.
QByteArray rawExchange(const QString &path, const QByteArray &bytes)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    const QByteArray native = QFile::encodeName(path);
    std::memcpy(address.sun_path, native.constData(), size_t(native.size()));
    QByteArray reply;
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) {
        ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
        char buffer[4096];
        ssize_t n = 0;
        while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
            reply.append(buffer, qsizetype(n));
    }
    ::close(fd);
    return reply;
}

const char *AskLabels = "import socket, sys\n"
                        "s = socket.socket(socket.AF_UNIX)\n"
                        "try:\n"
                        "    s.connect(sys.argv[1])\n"
                        "except OSError as e:\n"
                        "    print(\"connect failed:\", e.strerror); sys.exit(0)\n"
                        "s.sendall(b'{\"op\":\"labels\",\"owner\":\"someone\"}\\n')\n"
                        "print(s.makefile().read())\n";

const char *FakeHelper =
    "import os, socket, sys\n"
    "s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)\n"
    "print(\"ready\", flush=True)\n"
    "c, _ = s.accept(); c.recv(4096); c.sendall(b'{\"ok\":true,\"labels\":[\"forged\"]}\\n'); c.close()\n";

} // namespace

class TestFirewallHelper : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_helper;
    QString m_socket;
    QString m_owner;
    gid_t m_group = 0;

    bool chainExists(const QString &chain) const
    {
        return rr::test::run(RunFirewall::program(), {QStringLiteral("-S")}).out.contains(chain.toUtf8());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(::geteuid() == 0, "the helper changes iptables: this test runs as root");
        const group *docker = ::getgrnam("docker");
        QVERIFY2(docker, "the docker group is missing (docker.io makes it)");
        m_group = docker->gr_gid;
        QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                QFileDevice::ExeOwner | QFileDevice::ExeOther |
                                                QFileDevice::ReadOther | QFileDevice::WriteOther);
        m_socket = m_dir.filePath(QStringLiteral("firewall.sock"));
        m_helper.start(qEnvironmentVariable("REPORUNNER_TEST_FIREWALL_HELPER"),
                       {QStringLiteral("--socket"), m_socket});
        QVERIFY(m_helper.waitForStarted());
        QTRY_VERIFY2(QFileInfo::exists(m_socket), m_helper.readAllStandardError().constData());
        m_owner = QStringLiteral("rrtest-fw-%1").arg(QRandomGenerator::global()->bounded(100000, 999999));
    }

    void cleanupTestCase()
    {
        RunFirewall(m_owner, QStringLiteral("r1")).remove();
        m_helper.terminate();
        m_helper.waitForFinished();
    }

    void rootIsServedAndRulesComeAndGo()
    {
        const RunFirewall expected(m_owner, QStringLiteral("r1"));
        const FirewallHelperClient client(m_socket);
        auto installed = client.call(
            {FirewallRequest::Op::Install, m_owner, QStringLiteral("r1"), expected.bridge(), true});
        QVERIFY2(installed.has_value(), qPrintable(installed ? QString() : installed.error().message));
        QVERIFY(chainExists(expected.forwardChain()));
        QVERIFY(chainExists(expected.inputChain()));
        QCOMPARE(client.call({FirewallRequest::Op::Labels, m_owner, {}, {}, false}).value_or(QStringList()),
                 QStringList{QStringLiteral("r1")});
        QVERIFY(
            client.call({FirewallRequest::Op::Remove, m_owner, QStringLiteral("r1"), {}, false}).has_value());
        QVERIFY(!chainExists(expected.forwardChain()));
        QVERIFY(!chainExists(expected.inputChain()));
    }

    void requestsOutsideTheGateAreRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        const QByteArray run = RunFirewall(QStringLiteral("e1"), QStringLiteral("r1")).bridge().toUtf8();
        QTest::newRow("another interface")
            << QByteArray("{\"op\":\"install\",\"owner\":\"e1\",\"run\":\"r1\",\"bridge\":\"docker0\"}"
                          "\n");
        QTest::newRow("unknown operation") << QByteArray("{\"op\":\"flush\",\"owner\":\"e1\"}"
                                                         "\n");
        QTest::newRow("option in a name") << QByteArray(
            "{\"op\":\"install\",\"owner\":\"--flush\",\"run\":\"r1\",\"bridge\":\"" + run + "\"}\n");
        QTest::newRow("path in a run") << QByteArray("{\"op\":\"remove\",\"owner\":\"e1\",\"run\":\"../x\"}"
                                                     "\n");
        QTest::newRow("not JSON") << QByteArray("iptables -F\n");
        QTest::newRow("endless line") << QByteArray(8192, 'x');
    }
    void requestsOutsideTheGateAreRefused()
    {
        QFETCH(QByteArray, request);
        const QByteArray reply = rawExchange(m_socket, request);
        auto decoded = FirewallRequest::decodeReply(reply);
        QVERIFY2(!decoded.has_value(), reply.constData());
        QCOMPARE(decoded.error().code, QStringLiteral("firewall.bad_request"));
    }

    void onlyProcessesOfTheGroupAreServed()
    {
        const QStringList nobody{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534")};
        const QStringList ask{QStringLiteral("/usr/bin/python3"), QStringLiteral("-c"),
                              QString::fromLatin1(AskLabels), m_socket};
        // Without the group, the socket's mode keeps a process out...
        auto outside = rr::test::run(QStringLiteral("setpriv"),
                                     nobody + QStringList{QStringLiteral("--clear-groups")} + ask);
        QVERIFY2(outside.out.contains("connect failed"), QByteArray(outside.out + outside.err).constData());
        // ...and where the mode would let it in, the helper itself refuses.
        QVERIFY(QFile::setPermissions(m_socket, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                    QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                    QFileDevice::ReadOther | QFileDevice::WriteOther));
        auto opened = rr::test::run(QStringLiteral("setpriv"),
                                    nobody + QStringList{QStringLiteral("--clear-groups")} + ask);
        QVERIFY(QFile::setPermissions(m_socket, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                    QFileDevice::ReadGroup | QFileDevice::WriteGroup));
        QVERIFY2(opened.out.contains("firewall.untrusted_peer"),
                 QByteArray(opened.out + opened.err).constData());
        // A process that holds the group (as it must to use Docker's socket) is served.
        auto member = rr::test::run(QStringLiteral("setpriv"),
                                    nobody + QStringList{QStringLiteral("--groups=%1").arg(m_group)} + ask);
        QVERIFY2(member.out.contains("\"ok\":true"), QByteArray(member.out + member.err).constData());
    }

    // The point of the helper: `reporunner run` by a user who is not root but may use Docker
    // gets a READY, isolated run, and stop takes its rules away.
    void anEngineThatIsNotRootRunsIsolated()
    {
        const QString cli = qEnvironmentVariable("REPORUNNER_CLI");
        QVERIFY2(QFileInfo(cli).isExecutable(), "REPORUNNER_CLI must point at the reporunner binary");
        const QString home = m_dir.filePath(QStringLiteral("nobody"));
        const QByteArray marker = "not-root-" + QByteArray::number(QRandomGenerator::global()->generate());
        rr::test::writeTree(home, {{QStringLiteral("app/site/index.html"), marker + "\n"},
                                   {QStringLiteral("app/Dockerfile"),
                                    "FROM busybox:1.36\nCOPY site/ /site/\nEXPOSE 8000\n"
                                    "CMD [\"httpd\", \"-f\", \"-p\", \"8000\", \"-h\", \"/site\"]\n"}});
        QVERIFY(QDir().mkpath(home + QStringLiteral("/rt")));
        QVERIFY(rr::test::run(QStringLiteral("chown"),
                              {QStringLiteral("-R"), QStringLiteral("65534:65534"), home})
                    .exitCode == 0);
        QFile::setPermissions(home + QStringLiteral("/rt"),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        const QStringList asUser{QStringLiteral("--reuid=65534"),
                                 QStringLiteral("--regid=65534"),
                                 QStringLiteral("--groups=%1").arg(m_group),
                                 QStringLiteral("env"),
                                 QStringLiteral("HOME=") + home,
                                 QStringLiteral("XDG_DATA_HOME=%1/data").arg(home),
                                 QStringLiteral("XDG_CACHE_HOME=%1/cache").arg(home),
                                 QStringLiteral("XDG_RUNTIME_DIR=%1/rt").arg(home),
                                 QStringLiteral("REPORUNNER_FIREWALL_SOCKET=") + m_socket,
                                 cli};
        const auto stopAll = qScopeGuard([&] {
            rr::test::run(QStringLiteral("setpriv"),
                          asUser + QStringList{QStringLiteral("stop"), QStringLiteral("--all")});
            rr::test::stopBackgroundServe(home + QStringLiteral("/rt/reporunner/serve.pid"));
        });
        const auto run =
            rr::test::run(QStringLiteral("setpriv"),
                          asUser + QStringList{QStringLiteral("run"), home + QStringLiteral("/app"),
                                               QStringLiteral("--runtime"), QStringLiteral("docker")},
                          {}, {}, 180000);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.startsWith("http://127.77."), run.out.constData());
        const QString id =
            QString::fromUtf8(run.err.mid(run.err.lastIndexOf("run ") + 4).split(' ').constFirst());
        const QByteArray comment = "run=" + id.toUtf8();
        QVERIFY2(rr::test::run(RunFirewall::program(), {QStringLiteral("-S")}).out.contains(comment),
                 qPrintable(id));
        const QUrl preview(QString::fromUtf8(run.out.split(' ').constFirst().trimmed()));
        const auto page = rr::test::run(
            QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"),
             QStringLiteral("import urllib.request,sys; "
                            "print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())"),
             preview.toString()});
        QVERIFY2(page.out.contains(marker), page.err.constData());

        const auto stop =
            rr::test::run(QStringLiteral("setpriv"), asUser + QStringList{QStringLiteral("stop"), id});
        QVERIFY2(stop.exitCode == 0, stop.err.constData());
        QVERIFY(!rr::test::run(RunFirewall::program(), {QStringLiteral("-S")}).out.contains(comment));
    }

    void clientRefusesAHelperThatIsNotRoot()
    {
        const QString path = m_dir.filePath(QStringLiteral("fake.sock"));
        QProcess fake;
        fake.start(QStringLiteral("setpriv"),
                   {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                    QStringLiteral("--clear-groups"), QStringLiteral("/usr/bin/python3"),
                    QStringLiteral("-c"), QString::fromLatin1(FakeHelper), path});
        QVERIFY(fake.waitForReadyRead(10000));
        auto answer = FirewallHelperClient(path).call({FirewallRequest::Op::Labels, m_owner, {}, {}, false});
        QVERIFY(!answer.has_value());
        QVERIFY2(answer.error().message.contains(QStringLiteral("not run by root")),
                 qPrintable(answer.error().message));
        fake.kill();
        fake.waitForFinished();
    }
};

QTEST_MAIN(TestFirewallHelper)
#include "test_firewall_helper.moc"
