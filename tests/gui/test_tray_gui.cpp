// The real tray app under Xvfb with trayer (tray host) and dunst (notifications): it finds the
// tray, refuses a second engine on the same socket, shows a run the CLI starts on Docker
// through the control socket until READY, sends the READY notification, and stops the run
// through the window's Stop button, leaving no container behind. Screenshots go to
// $REPORUNNER_ARTIFACTS.
#include "logmodel.h"
#include "runcontroller.h"
#include "runlistmodel.h"
#include "trayapplication.h"
#include "traymenu.h"

#include "test_dockerfixture.h"

#include <QApplication>
#include <QDir>
#include <QProcess>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QUuid>

using namespace rr;
using rr::test::await;

class TestTrayGui : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_socket;
    QString m_artifacts;
    std::unique_ptr<docker::DockerClient> m_docker;
    std::unique_ptr<tray::TrayApplication> m_app;
    QString m_runId;

    QString dunstctl(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral("dunstctl"), args);
        p.waitForFinished(10000);
        return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }
    void shot(const QString &name)
    {
        QDir().mkpath(m_artifacts);
        if (QQuickWindow *w = m_app->window())
            QVERIFY(
                w->grabWindow().save(m_artifacts + QLatin1Char('/') + name + QStringLiteral("-window.png")));
        QProcess::execute(QStringLiteral("/usr/bin/import"),
                          {QStringLiteral("-window"), QStringLiteral("root"),
                           m_artifacts + QLatin1Char('/') + name + QStringLiteral("-screen.png")});
    }
    // QML items are found through the visual tree: their QObject parents vary by container.
    static QQuickItem *findItem(QQuickItem *root, const QString &name)
    {
        if (root->objectName() == name)
            return root;
        for (QQuickItem *child : root->childItems()) {
            if (QQuickItem *found = findItem(child, name))
                return found;
        }
        return nullptr;
    }
    int containers(const QString &runId)
    {
        const QStringList filter{QStringLiteral("reporunner.dev/run-id=") + runId};
        auto listed = await(m_docker->listContainers(filter));
        return listed ? int(listed->size()) : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Everything the app writes stays in the temporary dir.
        for (const char *sub : {"rt", "data", "home", "cache"})
            QVERIFY(QDir().mkpath(m_dir.filePath(QString::fromLatin1(sub))));
        QFile::setPermissions(m_dir.filePath(QStringLiteral("rt")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(m_dir.filePath(QStringLiteral("rt"))));
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("data"))));
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("cache"))));
        m_socket = m_dir.filePath(QStringLiteral("rt/ctl.sock"));
        qputenv("REPORUNNER_SOCKET", QFile::encodeName(m_socket));
        m_artifacts =
            qEnvironmentVariable("REPORUNNER_ARTIFACTS", m_dir.filePath(QStringLiteral("artifacts")));

        auto host = docker::DockerHost::fromEnvironment();
        QVERIFY(host.has_value());
        m_docker = std::make_unique<docker::DockerClient>(*host);
        RR_REQUIRE_DOCKER(*m_docker);
        // Docker's CLI config lookups must not see the throwaway HOME before this point.
        qputenv("HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("home"))));
    }

    void startsWithTrayAndRefusesASecondEngine()
    {
        m_app = std::make_unique<tray::TrayApplication>();
        auto started = m_app->start(m_socket, true);
        QTRY_VERIFY_WITH_TIMEOUT(started.isFinished(), 30000);
        QVERIFY2(started.result(),
                 qPrintable(started.result() ? QString() : started.result().error().message));
        QVERIFY2(m_app->trayMenu()->isAvailable(), "trayer should provide a system tray");
        QVERIFY(m_app->window());
        QTRY_VERIFY(m_app->window()->isExposed());

        // The installed binary, second instance: one engine per user.
        QProcess second;
        second.start(qEnvironmentVariable("REPORUNNER_TRAY"), {QStringLiteral("--hidden")});
        QVERIFY(second.waitForFinished(20000));
        QCOMPARE(second.exitCode(), 3);
        QVERIFY2(second.readAllStandardError().contains("already answers on"), "the refusal must say why");
    }

    void showsACliRunUntilReadyAndNotifies()
    {
        QVERIFY(m_app);
        const QString project = m_dir.filePath(QStringLiteral("site"));
        const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::Id128);
        rr::test::writeTree(
            project,
            {{QStringLiteral("index.html"), "hello from the tray test " + nonce + "\n"},
             {QStringLiteral("Dockerfile"),
              "FROM busybox:1.36\nRUN echo build-" + nonce +
                  "\nCOPY index.html /site/\n"
                  "EXPOSE 8000\nCMD [\"httpd\", \"-f\", \"-v\", \"-p\", \"8000\", \"-h\", \"/site\"]\n"}});
        QProcess cli;
        cli.start(qEnvironmentVariable("REPORUNNER_CLI"),
                  {QStringLiteral("run"), project, QStringLiteral("--runtime"), QStringLiteral("docker"),
                   QStringLiteral("--detach"), QStringLiteral("--json")});
        QTRY_VERIFY_WITH_TIMEOUT(cli.state() == QProcess::NotRunning, 60000);
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        tray::RunListModel *runs = m_app->runList();
        QTRY_COMPARE_WITH_TIMEOUT(runs->rowCount(), 1, 10000);
        m_runId = runs->index(0).data(tray::RunListModel::RunIdRole).toString();
        m_app->controller()->select(m_runId);
        QTRY_COMPARE_WITH_TIMEOUT(runs->stateOf(m_runId), QStringLiteral("READY"), 60000);
        QVERIFY(!runs->index(0).data(tray::RunListModel::PortsRole).toString().isEmpty());
        QCOMPARE(m_app->trayMenu()->state(), tray::TrayState::Ready);
        QTRY_VERIFY_WITH_TIMEOUT(m_app->logs()->rowCount() > 0, 10000);
        QQuickItem *list = findItem(m_app->window()->contentItem(), QStringLiteral("runList"));
        QVERIFY(list);
        QCOMPARE(list->property("count").toInt(), 1);

        // dunst got the READY notification (history only holds closed ones).
        QTRY_VERIFY_WITH_TIMEOUT(
            dunstctl({QStringLiteral("count"), QStringLiteral("displayed")}).toInt() +
                    dunstctl({QStringLiteral("count"), QStringLiteral("history")}).toInt() >
                0,
            10000);
        QTest::qWait(300); // let the list and views settle before the screenshot
        shot(QStringLiteral("ready"));
        dunstctl({QStringLiteral("close-all")});
        QTRY_VERIFY_WITH_TIMEOUT(dunstctl({QStringLiteral("history")}).contains(QLatin1String("is ready")),
                                 5000);
    }

    void stopButtonRemovesTheRun()
    {
        QVERIFY(!m_runId.isEmpty());
        QQuickWindow *window = m_app->window();
        auto *stop = findItem(window->contentItem(), QStringLiteral("stopButton"));
        QVERIFY(stop);
        QTRY_VERIFY(stop->isVisible() && stop->isEnabled());
        const QPointF centre = stop->mapToScene(QPointF(stop->width() / 2, stop->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, {}, centre.toPoint());
        QTRY_COMPARE_WITH_TIMEOUT(m_app->runList()->stateOf(m_runId), QStringLiteral("STOPPED"), 30000);
        QCOMPARE(containers(m_runId), 0);
        QTest::qWait(200);
        shot(QStringLiteral("stopped"));
    }

    void cleanupTestCase()
    {
        // Whatever failed above, no run outlives the test.
        if (m_app && m_app->runList()->activeCount() > 0) {
            bool done = false;
            connect(m_app.get(), &tray::TrayApplication::quitting, this, [&done] { done = true; });
            m_app->quit(true);
            QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        }
        m_app.reset();
    }
};

QTEST_MAIN(TestTrayGui)
#include "test_tray_gui.moc"
