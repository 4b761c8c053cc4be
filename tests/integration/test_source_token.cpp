// TokenStore against a real Secret Service: a private D-Bus session with gnome-keyring unlocked;
// through it `reporunner auth` and the control API's auth.* methods of a real `reporunner serve`.
#include "testsupport.h"

#include "ipc/controlclient.h"
#include "source/tokenstore.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using rr::source::TokenStore;

namespace {

template<class T> T await(QFuture<T> future)
{
    for (int i = 0; i < 600 && !future.isFinished(); ++i)
        QTest::qWait(50);
    return future.result();
}

} // namespace

class TestSourceToken : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    QProcess m_keyring;
    qint64 m_busPid = 0;

private Q_SLOTS:
    void initTestCase()
    {
        // Everything before the first D-Bus use: QtKeychain and libsecret read these at connect.
        qputenv("HOME", m_home.path().toUtf8());
        qputenv("XDG_DATA_HOME", (m_home.path() + QStringLiteral("/data")).toUtf8());
        qputenv("XDG_RUNTIME_DIR", m_home.path().toUtf8());
        qunsetenv("XDG_CURRENT_DESKTOP");
        const rr::test::ProcessResult bus =
            rr::test::run(QStringLiteral("dbus-daemon"),
                          {QStringLiteral("--session"), QStringLiteral("--fork"),
                           QStringLiteral("--print-address=1"), QStringLiteral("--print-pid=1")});
        QVERIFY2(bus.exitCode == 0, bus.err.constData());
        const QList<QByteArray> lines = bus.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        qputenv("DBUS_SESSION_BUS_ADDRESS", lines.at(0).trimmed());
        m_busPid = lines.at(1).trimmed().toLongLong();

        m_keyring.start(QStringLiteral("gnome-keyring-daemon"),
                        {QStringLiteral("--unlock"), QStringLiteral("--components=secrets"),
                         QStringLiteral("--foreground")});
        QVERIFY(m_keyring.waitForStarted());
        m_keyring.write("test-password");
        m_keyring.waitForBytesWritten(5000); // nothing else runs this QProcess's event loop below
        m_keyring.closeWriteChannel();
        // Wait until the Secret Service owns its bus name.
        bool up = false;
        for (int i = 0; i < 100 && !up; ++i) {
            const auto r = rr::test::run(QStringLiteral("dbus-send"),
                                         {QStringLiteral("--session"), QStringLiteral("--print-reply"),
                                          QStringLiteral("--dest=org.freedesktop.DBus"),
                                          QStringLiteral("/org/freedesktop/DBus"),
                                          QStringLiteral("org.freedesktop.DBus.NameHasOwner"),
                                          QStringLiteral("string:org.freedesktop.secrets")});
            up = r.out.contains("boolean true");
            if (!up)
                QThread::msleep(100);
        }
        QVERIFY2(up, qPrintable(QStringLiteral("gnome-keyring did not register org.freedesktop.secrets: ") +
                                QString::fromLocal8Bit(m_keyring.readAllStandardError())));
    }

    void cleanupTestCase()
    {
        m_keyring.terminate();
        m_keyring.waitForFinished(5000);
        if (m_busPid > 0)
            rr::test::run(QStringLiteral("kill"), {QString::number(m_busPid)});
    }

    void writeReadRemove()
    {
        TokenStore store;
        const QString host = QStringLiteral("github.com");
        auto missing = await(store.read(host));
        QVERIFY2(missing.has_value(), qPrintable(missing ? QString() : missing.error().message));
        QVERIFY(missing->isEmpty());

        const auto written = await(store.write(host, QStringLiteral("ghp_example_token_123")));
        QVERIFY2(written.has_value(), qPrintable(written ? QString() : written.error().message));
        const auto other = await(store.write(QStringLiteral("git.example.org"), QStringLiteral("other")));
        QVERIFY(other.has_value());

        auto read = await(store.read(host));
        QVERIFY(read.has_value());
        QCOMPARE(*read, QStringLiteral("ghp_example_token_123"));
        read = await(TokenStore().read(QStringLiteral("git.example.org"))); // persisted, not cached
        QVERIFY(read.has_value());
        QCOMPARE(*read, QStringLiteral("other"));

        const auto removed = await(store.remove(host));
        QVERIFY(removed.has_value() && *removed);
        const auto again = await(store.remove(host));
        QVERIFY(again.has_value()); // removing what is not there is not an error
        read = await(store.read(host));
        QVERIFY(read.has_value() && read->isEmpty());
    }

    // `reporunner auth`: the token comes from standard input into the keychain, status shows
    // only its length and last characters, logout removes it; it never appears in argv.
    void cliLoginStatusLogout()
    {
        const QString cli = qEnvironmentVariable("REPORUNNER_CLI");
        QVERIFY2(!cli.isEmpty(), "REPORUNNER_CLI is not set");
        const QString host = QStringLiteral("git.private.example");
        const QStringList at = {QStringLiteral("--host"), host};
        const auto login =
            rr::test::run(cli, QStringList{QStringLiteral("auth"), QStringLiteral("login")} + at, {},
                          "cli_token_value_9d2f\n");
        QVERIFY2(login.exitCode == 0, login.err.constData());
        QVERIFY(!login.out.contains("cli_token_value_9d2f"));
        auto read = await(TokenStore().read(host));
        QVERIFY(read.has_value());
        QCOMPARE(*read, QStringLiteral("cli_token_value_9d2f"));

        const auto status =
            rr::test::run(cli, QStringList{QStringLiteral("auth"), QStringLiteral("status")} + at);
        QCOMPARE(status.exitCode, 0);
        QVERIFY2(status.out.contains("a token is stored (20 characters"), status.out.constData());
        QVERIFY(!status.out.contains("cli_token_value"));

        const auto empty =
            rr::test::run(cli, QStringList{QStringLiteral("auth"), QStringLiteral("login")} + at);
        QCOMPARE(empty.exitCode, 2); // nothing on stdin: nothing stored, the old token kept
        QCOMPARE(*await(TokenStore().read(host)), QStringLiteral("cli_token_value_9d2f"));

        const auto logout =
            rr::test::run(cli, QStringList{QStringLiteral("auth"), QStringLiteral("logout")} + at);
        QVERIFY2(logout.exitCode == 0, logout.err.constData());
        read = await(TokenStore().read(host));
        QVERIFY(read.has_value() && read->isEmpty());
        const auto none =
            rr::test::run(cli, QStringList{QStringLiteral("auth"), QStringLiteral("status")} + at);
        QCOMPARE(none.exitCode, 1);
        QVERIFY(none.out.contains("no token stored"));
    }

    // What the tray's settings do: set, check and clear the token through the control API of a
    // real engine. The token is in the keychain afterwards and nowhere else: not in a reply, an
    // error, the engine's output (every reporunner log category on) or its database.
    void controlApiSetsAndClearsTheToken()
    {
        const QString cli = qEnvironmentVariable("REPORUNNER_CLI");
        QVERIFY2(!cli.isEmpty(), "REPORUNNER_CLI is not set");
        const QString host = QStringLiteral("git.api.example");
        const QString token = QStringLiteral("api_token_value_4c1e");
        const QString socket = m_home.path() + QStringLiteral("/engine/control.sock");
        QVERIFY(QDir().mkpath(QFileInfo(socket).path()));
        QVERIFY(QFile::setPermissions(QFileInfo(socket).path(), QFileDevice::ReadOwner |
                                                                    QFileDevice::WriteOwner |
                                                                    QFileDevice::ExeOwner));
        QProcess engine;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("reporunner.*=true"));
        env.insert(QStringLiteral("DOCKER_HOST"),
                   QStringLiteral("unix://") + m_home.path() + QStringLiteral("/no-docker.sock"));
        engine.setProcessEnvironment(env);
        engine.start(cli, {QStringLiteral("serve"), QStringLiteral("--socket"), socket});
        QVERIFY(engine.waitForStarted());
        QByteArray output;
        QTest::qWaitFor(
            [&] {
                output += engine.readAllStandardError();
                return output.contains("listening on") || engine.state() == QProcess::NotRunning;
            },
            30000);
        QVERIFY2(output.contains("listening on"), output.constData());

        rr::ipc::ControlClient api;
        api.connectToServer(socket);
        const auto call = [&api](const QString &method, const QJsonObject &params) {
            return await(api.call(method, params));
        };
        auto reply = call(QStringLiteral("auth.status"), {{QStringLiteral("host"), host}});
        QVERIFY2(reply.has_value(), qPrintable(reply ? QString() : reply.error().message));
        QCOMPARE(reply->toObject().value(QStringLiteral("stored")).toBool(), false);

        reply = call(QStringLiteral("auth.setToken"),
                     {{QStringLiteral("host"), host}, {QStringLiteral("token"), token}});
        QVERIFY2(reply.has_value(), qPrintable(reply ? QString() : reply.error().message));
        QVERIFY(reply->toObject().value(QStringLiteral("stored")).toBool());
        QVERIFY(!QJsonDocument(reply->toObject()).toJson().contains(token.toUtf8()));
        QCOMPARE(*await(TokenStore().read(host)), token);
        reply = call(QStringLiteral("auth.status"), {{QStringLiteral("host"), host}});
        QVERIFY(reply.has_value());
        QCOMPARE(reply->toObject().value(QStringLiteral("stored")).toBool(), true);
        QCOMPARE(reply->toObject().value(QStringLiteral("length")).toInt(), int(token.size()));
        QVERIFY(!QJsonDocument(reply->toObject()).toJson().contains(token.toUtf8()));

        // Something that is not a token is refused without being quoted back; the stored one stays.
        const QString bogus = QStringLiteral("not a token ") + token;
        reply = call(QStringLiteral("auth.setToken"),
                     {{QStringLiteral("host"), host}, {QStringLiteral("token"), bogus}});
        QVERIFY(!reply.has_value());
        QCOMPARE(reply.error().code, QStringLiteral("auth.bad_token"));
        QVERIFY(!reply.error().message.contains(token) && !reply.error().details.contains(token));
        QCOMPARE(*await(TokenStore().read(host)), token);
        // The default host is github.com.
        reply = call(QStringLiteral("auth.status"), {});
        QVERIFY(reply.has_value());
        QCOMPARE(reply->toObject().value(QStringLiteral("host")).toString(), QStringLiteral("github.com"));

        reply = call(QStringLiteral("auth.clearToken"), {{QStringLiteral("host"), host}});
        QVERIFY2(reply.has_value(), qPrintable(reply ? QString() : reply.error().message));
        QCOMPARE(reply->toObject().value(QStringLiteral("stored")).toBool(), false);
        QVERIFY(await(TokenStore().read(host))->isEmpty());

        engine.terminate();
        QVERIFY(engine.waitForFinished(15000));
        output += engine.readAllStandardError() + engine.readAllStandardOutput();
        QVERIFY(output.contains("control API listening")); // the debug output was really on
        QVERIFY2(!output.contains(token.toUtf8()), output.constData());
        // Nothing the engine wrote under its data directory (the run database and its journal).
        const QByteArray utf16(reinterpret_cast<const char *>(token.utf16()), token.size() * 2);
        int files = 0;
        QDirIterator it(m_home.path() + QStringLiteral("/data/reporunner"), QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(!bytes.contains(token.toUtf8()) && !bytes.contains(utf16), qPrintable(f.fileName()));
            ++files;
        }
        QVERIFY2(files > 0, "the engine wrote no database where it was expected");
    }

    void workerThreadRead()
    {
        TokenStore store;
        QVERIFY(await(store.write(QStringLiteral("h.example"), QStringLiteral("tok"))).has_value());
        // Fetcher calls its token provider on a pool thread; the keychain job still runs here.
        QString seen;
        QThread *worker = QThread::create([&] { seen = store.tokenForWorker(QStringLiteral("h.example")); });
        worker->start();
        QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 20000);
        delete worker;
        QCOMPARE(seen, QStringLiteral("tok"));
        QVERIFY(
            store.tokenForWorker(QStringLiteral("h.example")).isEmpty()); // own thread: refused, no deadlock
    }
};

QTEST_GUILESS_MAIN(TestSourceToken)
#include "test_source_token.moc"
