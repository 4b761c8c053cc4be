// The real tray app under Xvfb with trayer (tray host) and dunst (notifications): it finds the
// tray, a second launch shows the first instance's window, shows a run the CLI starts on Docker
// through the control socket until READY, sends the READY notification, and stops the run
// through the window's Stop button, leaving no container behind; then plans a compose project
// in the new-run flow (a profile picked, a refused service shown with the consent's
// consequences, that service unpicked) and starts it to READY. The READY run's preview opens in
// the app's own Qt WebEngine window when the build has it (or goes to a stub browser when not).
// Screenshots go to $REPORUNNER_ARTIFACTS.
#include "logmodel.h"
#include "newruncontroller.h"
#include "previewcontroller.h"
#include "runcontroller.h"
#include "runlistmodel.h"
#include "settingscontroller.h"
#include "trayapplication.h"
#include "traymenu.h"

#include "test_dockerfixture.h"

#include "common/localengine.h"
#include "runs/orchestrator.h"

#include "source/tokenstore.h"

#include <QAction>
#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QMenu>
#include <QPainter>
#include <QProcess>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUuid>

using namespace rr;
using rr::test::await;

// Stands in for the user's browser: QDesktopServices hands it every http(s) address.
class StubBrowser : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

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
    QByteArray m_nonce;
    StubBrowser m_browser;

    void click(QQuickItem *item)
    {
        QVERIFY(item);
        QTRY_VERIFY(item->isVisible() && item->isEnabled());
        // A delegate made a moment ago may not be laid out yet (a loaded machine is slow to
        // polish): click only once its place has held still across a few frames.
        const auto centreOf = [item] {
            return item->mapToScene(QPointF(item->width() / 2, item->height() / 2)).toPoint();
        };
        QPoint centre = centreOf();
        for (int still = 0, frames = 0; still < 3 && frames < 100; ++frames) {
            QTest::qWait(20);
            const QPoint now = centreOf();
            still = now == centre && item->width() > 0 ? still + 1 : 0;
            centre = now;
        }
        QTest::mouseClick(item->window(), Qt::LeftButton, {}, centre);
    }

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
    // Scrolls the settings page so that `item` is on screen (a click lands where it is drawn).
    static void reveal(QQuickItem *item)
    {
        QVERIFY(item);
        for (QQuickItem *up = item->parentItem(); up; up = up->parentItem()) {
            if (!up->inherits("QQuickFlickable"))
                continue;
            auto *content = up->property("contentItem").value<QQuickItem *>();
            const qreal y = item->mapToItem(content, QPointF(0, 0)).y();
            const qreal most = qMax(0.0, up->property("contentHeight").toReal() - up->height());
            up->setProperty("contentY", qBound(0.0, y - 60, most));
            QTest::qWait(50);
            return;
        }
    }
    // Sets a SpinBox as a user editing it would (valueModified is what the page acts on).
    static void setSpin(QQuickItem *box, int value)
    {
        QVERIFY(box);
        QVERIFY(box->setProperty("value", value));
        QVERIFY(QMetaObject::invokeMethod(box, "valueModified"));
    }
    // This process's resident memory (the app runs in-process), for the log.
    static QString residentMemory()
    {
        QFile status(QStringLiteral("/proc/self/status"));
        if (!status.open(QIODevice::ReadOnly))
            return QString();
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                return QString::fromLatin1(line.mid(6).simplified());
        }
        return QString();
    }
    static QQuickWindow *previewWindow()
    {
        for (QWindow *w : QGuiApplication::topLevelWindows()) {
            if (w->objectName() == QLatin1String("previewWindow"))
                return qobject_cast<QQuickWindow *>(w);
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
        // A Chromium profile folder: the settings list Chromium as an installed browser.
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("home/.config/chromium"))));
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
        // The settings (tray.ini, the kube policy, the autostart entry) in the throwaway home.
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("home/.config"))));
        qunsetenv("REPORUNNER_KUBE_CONTEXT");
        // No usable cluster: two contexts the settings list, neither allowed (and their server is
        // a closed port), so the engine runs on Docker only and never reaches a real cluster.
        QFile kubeconfig(m_dir.filePath(QStringLiteral("kubeconfig")));
        QVERIFY(kubeconfig.open(QIODevice::WriteOnly));
        kubeconfig.write("clusters: [{name: nowhere, cluster: {server: 'https://127.0.0.1:1'}}]\n"
                         "contexts:\n"
                         "- {name: dev-cluster, context: {cluster: nowhere}}\n"
                         "- {name: prod, context: {cluster: nowhere}}\n"
                         "current-context: prod\n");
        kubeconfig.close();
        qputenv("KUBECONFIG", QFile::encodeName(kubeconfig.fileName()));
    }

    // A view that fails to bind (a role without a name, a type that does not load) fails the test.
    void init()
    {
        QTest::failOnWarning(QRegularExpression(QStringLiteral(
            "Required property|is not defined|unavailable|Cannot override|TypeError|ReferenceError")));
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
        // Not waitForFinished(): this process is the first instance and must answer the call.
        QTRY_VERIFY_WITH_TIMEOUT(second.state() == QProcess::NotRunning, 20000);
        const QByteArray said = second.readAllStandardError();
        // The second launch shows the first instance's window (over D-Bus) and ends.
        QVERIFY2(second.exitCode() == 0, said.constData());
        QVERIFY2(said.contains("showed the running RepoRunner window"), said.constData());
        QTRY_VERIFY(m_app->window()->isVisible());
    }

    void showsACliRunUntilReadyAndNotifies()
    {
        QVERIFY(m_app);
        const QString project = m_dir.filePath(QStringLiteral("site"));
        const QByteArray nonce = QUuid::createUuid().toByteArray(QUuid::Id128);
        m_nonce = nonce;
        rr::test::writeTree(
            project,
            {{QStringLiteral("index.html"),
              "<!doctype html><html><head><title>tray test " + nonce +
                  "</title></head><body><p>hello from the tray test " + nonce +
                  "</p><a id=\"away\" href=\"http://127.0.0.1:9/elsewhere\">elsewhere</a></body></html>\n"},
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
        // The build's steps reached the run (the run view's build bar shows the last one).
        QVERIFY2(!m_app->controller()->selectedRun().buildStep.isEmpty(),
                 "the build's steps should reach the run record");
        // The events pane lists the run's events, READY among them.
        QQuickItem *events = findItem(m_app->window()->contentItem(), QStringLiteral("eventsList"));
        QVERIFY(events);
        QTRY_VERIFY(events->property("count").toInt() > 0);
        bool readyEvent = false;
        for (int r = 0; r < m_app->controller()->events()->rowCount(); ++r)
            readyEvent = readyEvent ||
                         m_app->controller()->events()->index(r).data(tray::LogModel::TextRole).toString() ==
                             QLatin1String("READY");
        QVERIFY(readyEvent);
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
        shot(QStringLiteral("run-view"));
        dunstctl({QStringLiteral("close-all")});
        QTRY_VERIFY_WITH_TIMEOUT(dunstctl({QStringLiteral("history")}).contains(QLatin1String("is ready")),
                                 5000);
        QFile::remove(m_artifacts + QStringLiteral("/dunst-history.json"));
        QFile history(m_artifacts + QStringLiteral("/dunst-history.json"));
        const QString closed = dunstctl({QStringLiteral("history")});
        if (history.open(QIODevice::WriteOnly))
            history.write(closed.toUtf8());
        // The notification carried its actions: dunst keeps the default one (a click shows logs).
        QVERIFY2(closed.contains(QLatin1String("\"default_action_name\"")) &&
                     closed.contains(QLatin1String("\"default\"")),
                 qPrintable(closed));
    }

    // The build's RUN step echoed a nonce: searching the merged log finds that line, marks it
    // and says which line it is; the regex filter keeps only matching lines.
    void logSearchFindsTheBuildLine()
    {
        QVERIFY(!m_runId.isEmpty());
        QQuickWindow *window = m_app->window();
        QQuickItem *search = findItem(window->contentItem(), QStringLiteral("logSearchField"));
        QQuickItem *next = findItem(window->contentItem(), QStringLiteral("searchNextButton"));
        QQuickItem *status = findItem(window->contentItem(), QStringLiteral("searchStatus"));
        QVERIFY(search && next && status);
        QTRY_VERIFY_WITH_TIMEOUT(!m_app->controller()->logsLoading(), 10000);
        const QString wanted = QStringLiteral("build-") + QString::fromLatin1(m_nonce);
        QVERIFY(search->setProperty("text", wanted));
        QCOMPARE(m_app->logs()->search(), wanted);
        click(next);
        QTRY_VERIFY(status->property("text").toString().startsWith(QLatin1String("line ")));
        const int row = status->property("text").toString().mid(5).toInt() - 1;
        QVERIFY(m_app->logs()->index(row).data(tray::LogModel::TextRole).toString().contains(wanted));
        QVERIFY(m_app->logs()
                    ->index(row)
                    .data(tray::LogModel::StyledRole)
                    .toString()
                    .contains(QLatin1String("<u>")));
        QTest::qWait(200);
        shot(QStringLiteral("logs-search"));

        QQuickItem *filter = findItem(window->contentItem(), QStringLiteral("logFilterField"));
        QVERIFY(filter);
        QVERIFY(filter->setProperty("text", QStringLiteral("build-[0-9a-f]+")));
        QVERIFY(QMetaObject::invokeMethod(filter, "editingFinished"));
        QCOMPARE(m_app->controller()->logFilter(), QStringLiteral("build-[0-9a-f]+"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_app->controller()->logsLoading() && m_app->logs()->rowCount() > 0, 10000);
        for (int r = 0; r < m_app->logs()->rowCount(); ++r)
            QVERIFY(m_app->logs()
                        ->index(r)
                        .data(tray::LogModel::TextRole)
                        .toString()
                        .contains(QLatin1String("build-")));
        QVERIFY(filter->setProperty("text", QString()));
        QVERIFY(QMetaObject::invokeMethod(filter, "editingFinished"));
        QCOMPARE(m_app->controller()->logFilter(), QString());
        search->setProperty("text", QString());
    }

    // The READY run's preview. With Qt WebEngine in the build: the app's own window shows the
    // page (its title read back from the view) in an off-the-record profile, a link to another
    // origin is refused there and offered to the browser, and "Open in browser" hands the
    // preview to it. Without: the button hands the URL straight to the (stub) browser.
    void previewShowsTheRunsPage()
    {
        QVERIFY(!m_runId.isEmpty());
        QDesktopServices::setUrlHandler(QStringLiteral("http"), &m_browser, "open");
        m_browser.opened.clear();
        const QUrl url(m_app->runList()
                           ->index(m_app->runList()->indexOf(m_runId))
                           .data(tray::RunListModel::PreviewUrlRole)
                           .toString());
        QVERIFY2(url.host().startsWith(QLatin1String("127.77.")), qPrintable(url.toString()));
        QQuickWindow *window = m_app->window();
        const QString before = residentMemory();
        click(findItem(window->contentItem(), QStringLiteral("previewButton")));
        // The tray menu's Open preview takes the same way.
        QMenu *runMenu = m_app->trayMenu()->menu()->findChild<QMenu *>(QStringLiteral("run-") + m_runId);
        QVERIFY(runMenu);
        QAction *fromTray = runMenu->actions().constFirst();
        QCOMPARE(fromTray->text(), QStringLiteral("Open preview"));
        if (!tray::TrayApplication::embeddedPreview()) {
            QTRY_COMPARE(m_browser.opened, QList<QUrl>{url});
            fromTray->trigger();
            QTRY_COMPARE(m_browser.opened, (QList<QUrl>{url, url}));
            QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
            return;
        }
        QCOMPARE(m_app->preview()->runId(), m_runId);
        QQuickWindow *preview = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((preview = previewWindow()) && preview->isExposed(), 20000);
        QQuickItem *view = findItem(preview->contentItem(), QStringLiteral("previewView"));
        QVERIFY(view);
        const QString title = QStringLiteral("tray test ") + QString::fromLatin1(m_nonce);
        QTRY_COMPARE_WITH_TIMEOUT(view->property("title").toString(), title, 60000);
        QTRY_VERIFY(!view->property("loading").toBool());
        QCOMPARE(view->property("url").toUrl(), url);
        qInfo("resident memory: %s before the preview opened, %s with its page shown", qPrintable(before),
              qPrintable(residentMemory()));
        QObject *profile = view->property("profile").value<QObject *>();
        QVERIFY(profile);
        QVERIFY(profile->property("offTheRecord").toBool());
        QVERIFY(profile->property("storageName").toString().isEmpty());
        QVERIFY(m_browser.opened.isEmpty()); // nothing went to the browser by itself
        QTest::qWait(500);
        QDir().mkpath(m_artifacts);
        QVERIFY(preview->grabWindow().save(m_artifacts + QStringLiteral("/preview-window.png")));

        // The page's link to another origin: refused in the view, offered to the browser.
        QVERIFY(QMetaObject::invokeMethod(
            view, "runJavaScript",
            Q_ARG(QString, QStringLiteral("document.getElementById('away').click()"))));
        QQuickItem *blocked = findItem(preview->contentItem(), QStringLiteral("previewBlocked"));
        QVERIFY(blocked);
        QTRY_VERIFY_WITH_TIMEOUT(blocked->isVisible(), 10000);
        QCOMPARE(preview->property("blockedUrl").toUrl(),
                 QUrl(QStringLiteral("http://127.0.0.1:9/elsewhere")));
        QCOMPARE(view->property("url").toUrl(), url);
        QCOMPARE(view->property("title").toString(), title);
        QVERIFY(m_browser.opened.isEmpty());
        QTest::qWait(300);
        QVERIFY(preview->grabWindow().save(m_artifacts + QStringLiteral("/preview-blocked-window.png")));
        click(findItem(preview->contentItem(), QStringLiteral("previewOpenBlockedButton")));
        QTRY_COMPARE(m_browser.opened, QList<QUrl>{QUrl(QStringLiteral("http://127.0.0.1:9/elsewhere"))});
        // The fallback: the preview itself in the browser.
        click(findItem(preview->contentItem(), QStringLiteral("previewOpenInBrowserButton")));
        QTRY_COMPARE(m_browser.opened.size(), 2);
        QCOMPARE(m_browser.opened.constLast(), url);

        preview->close();
        QTRY_VERIFY(m_app->preview()->runId().isEmpty());
        QTRY_VERIFY(!previewWindow());

        fromTray->trigger();
        QTRY_VERIFY_WITH_TIMEOUT((preview = previewWindow()) && preview->isExposed(), 20000);
        QCOMPARE(m_app->preview()->runId(), m_runId);
        view = findItem(preview->contentItem(), QStringLiteral("previewView"));
        QVERIFY(view);
        QTRY_COMPARE_WITH_TIMEOUT(view->property("title").toString(), title, 60000);
        QCOMPARE(m_browser.opened.size(), 2); // the tray's way did not reach the browser
        preview->close();
        QTRY_VERIFY(!previewWindow());
        QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
    }

    // The tray menu lists the active run with its actions; shown as a screenshot.
    void trayMenuListsTheRun()
    {
        QMenu *menu = m_app->trayMenu()->menu();
        QMenu *run = menu->findChild<QMenu *>(QStringLiteral("run-") + m_runId);
        QVERIFY(run);
        // One submenu per active run, however many updates rebuilt the menu.
        QCOMPARE(menu->findChildren<QMenu *>().size(), 1);
        QStringList actions;
        for (QAction *a : run->actions())
            actions << a->text();
        QCOMPARE(actions, (QStringList{QStringLiteral("Open preview"), QStringLiteral("Logs"),
                                       QStringLiteral("Stop")}));
        QVERIFY(run->actions().constFirst()->isEnabled()); // READY: the preview URL is known
        menu->popup(QPoint(900, 500));
        QTRY_VERIFY(menu->isVisible());
        run->popup(menu->geometry().topRight());
        QTRY_VERIFY(run->isVisible());
        QTest::qWait(200);
        QDir().mkpath(m_artifacts);
        // Both popups side by side, as the user sees them.
        QPixmap both(menu->width() + run->width(), std::max(menu->height(), run->height()));
        both.fill(Qt::transparent);
        {
            QPainter p(&both);
            p.drawPixmap(0, 0, menu->grab());
            p.drawPixmap(menu->width(), 0, run->grab());
        }
        QVERIFY(both.save(m_artifacts + QStringLiteral("/tray-menu-window.png")));
        run->hide();
        menu->hide();
    }

    // The same window in a dark palette: the style follows the system's palette.
    void darkPaletteScreenshot()
    {
        const QPalette light = QGuiApplication::palette();
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x24, 0x27, 0x2e));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Base, QColor(0x1b, 0x1d, 0x23));
        dark.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2e, 0x36));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Button, QColor(0x33, 0x37, 0x40));
        dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd1));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::Mid, QColor(0x4a, 0x4f, 0x5a));
        dark.setColor(QPalette::Light, QColor(0x3a, 0x3f, 0x4a));
        dark.setColor(QPalette::Dark, QColor(0x15, 0x17, 0x1c));
        dark.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x94, 0x9e));
        dark.setColor(QPalette::Link, QColor(0x79, 0xc0, 0xff));
        QGuiApplication::setPalette(dark);
        QTest::qWait(300);
        shot(QStringLiteral("run-view-dark"));
        QGuiApplication::setPalette(light);
        QTest::qWait(100);
    }

    // Settings: the GitHub token saved and removed through the real Secret Service
    // (gnome-keyring in this test's private session), checked with a separate TokenStore.
    void settingsSetsAndRemovesTheToken()
    {
        QQuickWindow *window = m_app->window();
        click(findItem(window->contentItem(), QStringLiteral("settingsButton")));
        // A Dialog is a QObject (not an item) under the window; its items hang off the overlay.
        QObject *page = window->findChild<QObject *>(QStringLiteral("settingsPage"));
        QVERIFY(page);
        QTRY_VERIFY(page->property("opened").toBool());
        const auto item = [window](const QString &name) {
            QQuickItem *found = window->findChild<QQuickItem *>(name);
            return found ? found : findItem(window->contentItem(), name);
        };
        QQuickItem *field = item(QStringLiteral("tokenField"));
        QVERIFY(field);
        const QString token = QStringLiteral("ghp_test") + QUuid::createUuid().toString(QUuid::Id128);
        QVERIFY(field->setProperty("text", token));
        click(item(QStringLiteral("tokenSaveButton")));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->settings()->tokenState(), QStringLiteral("stored"), 15000);
        QVERIFY(field->property("text").toString().isEmpty()); // not left on screen

        source::TokenStore keychain;
        auto read = keychain.read(tray::SettingsController::githubHost());
        QTRY_VERIFY_WITH_TIMEOUT(read.isFinished(), 15000);
        QVERIFY2(read.result(), qPrintable(read.result() ? QString() : read.result().error().message));
        QCOMPARE(*read.result(), token);
        QTest::qWait(200);
        shot(QStringLiteral("settings"));

        click(item(QStringLiteral("tokenRemoveButton")));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->settings()->tokenState(), QStringLiteral("none"), 15000);
        auto gone = keychain.read(tray::SettingsController::githubHost());
        QTRY_VERIFY_WITH_TIMEOUT(gone.isFinished(), 15000);
        QVERIFY(gone.result());
        QVERIFY(gone.result()->isEmpty());
        click(item(QStringLiteral("tokenTestButton")));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->settings()->tokenMessage(),
                                  QStringLiteral("No token stored: public repositories only."), 15000);
        // Browser integration: Chromium's user manifest installed from the package's template,
        // then removed.
        QQuickItem *install = item(QStringLiteral("browserInstall-chromium"));
        QVERIFY2(install, "Chromium (its program or profile folder) should be listed");
        const QString manifest = m_dir.filePath(
            QStringLiteral("home/.config/chromium/NativeMessagingHosts/dev.reporunner.host.json"));
        click(install);
        QTRY_VERIFY(QFileInfo::exists(manifest));
        QQuickItem *state = item(QStringLiteral("browserState-chromium"));
        QTRY_COMPARE(state->property("value").toString(), QStringLiteral("installed"));
        QFile written(manifest);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.readAll().contains("\"dev.reporunner.host\""));
        QTest::qWait(200);
        shot(QStringLiteral("settings-browsers"));
        click(item(QStringLiteral("browserRemove-chromium")));
        QTRY_VERIFY(!QFileInfo::exists(manifest));
        QTRY_VERIFY(item(QStringLiteral("browserState-chromium"))->property("value").toString() !=
                    QLatin1String("installed"));
        QVERIFY(QMetaObject::invokeMethod(page, "close"));
        QTest::qWait(300);
    }

    // The rest of the settings: a context allowed (written where the engine's policy reads it),
    // the default runtime, container limits that the next run gets (checked in
    // restartThenRemove), start at login in the private XDG_CONFIG_HOME, and Clean up now.
    void settingsRuntimeLimitsAutostartAndCleanup()
    {
        QQuickWindow *window = m_app->window();
        click(findItem(window->contentItem(), QStringLiteral("settingsButton")));
        QObject *page = window->findChild<QObject *>(QStringLiteral("settingsPage"));
        QVERIFY(page);
        QTRY_VERIFY(page->property("opened").toBool());
        const auto item = [window](const QString &name) {
            QQuickItem *found = window->findChild<QQuickItem *>(name);
            return found ? found : findItem(window->contentItem(), name);
        };
        tray::SettingsController *settings = m_app->settings();
        const QString config = m_dir.filePath(QStringLiteral("home/.config"));

        // Contexts: both listed, neither allowed; allowing one writes the policy's allow-list.
        QTRY_VERIFY(item(QStringLiteral("contextState-dev-cluster")));
        QCOMPARE(settings->contexts()->rowCount(), 2);
        QCOMPARE(item(QStringLiteral("contextState-dev-cluster"))->property("value").toString(),
                 QStringLiteral("not allowed"));
        reveal(item(QStringLiteral("contextAllow-dev-cluster")));
        click(item(QStringLiteral("contextAllow-dev-cluster")));
        QTRY_COMPARE(item(QStringLiteral("contextState-dev-cluster"))->property("value").toString(),
                     QStringLiteral("allowed"));
        const QSettings policy(config + QStringLiteral("/reporunner/reporunner.conf"), QSettings::IniFormat);
        QCOMPARE(policy.value(QStringLiteral("kube/allowedContexts")).toStringList(),
                 QStringList{QStringLiteral("dev-cluster")});
        QCOMPARE(item(QStringLiteral("contextState-prod"))->property("value").toString(),
                 QStringLiteral("not allowed"));

        // The default runtime reaches the engine.
        click(item(QStringLiteral("runtimeDocker")));
        QTRY_COMPARE(m_app->engine()->orchestrator()->settings().defaultRuntime, QStringLiteral("docker"));
        QTest::qWait(200);
        shot(QStringLiteral("settings-runtime"));

        // Limits: 96 MiB per container, for runs that start from now on.
        QQuickItem *memory = item(QStringLiteral("containerMemoryBox"));
        reveal(memory);
        setSpin(memory, 96);
        QCOMPARE(settings->limits()->containerMemoryMiB(), 96);
        QCOMPARE(m_app->engine()->orchestrator()->settings().quota.defaultMemory, 96LL * 1024 * 1024);
        QVERIFY(settings->limits()->error().isEmpty());
        setSpin(item(QStringLiteral("containerCpuBox")), 250);
        setSpin(item(QStringLiteral("containerPidsBox")), 200);
        QCOMPARE(m_app->engine()->orchestrator()->settings().quota.defaultPids, 200);
        // A container above the run's limit is refused and said.
        setSpin(item(QStringLiteral("runMemoryBox")), 64);
        QTRY_VERIFY(item(QStringLiteral("limitsError"))->isVisible());
        QCOMPARE(settings->limits()->runMemoryMiB(), 2048);
        QCOMPARE(item(QStringLiteral("runMemoryBox"))->property("value").toInt(), 2048);
        const QSettings tray(config + QStringLiteral("/reporunner/tray.ini"), QSettings::IniFormat);
        QCOMPARE(tray.value(QStringLiteral("limits/containerMemoryMiB")).toInt(), 96);

        // Start at login: the entry appears in the private XDG_CONFIG_HOME, then goes.
        const QString entry = config + QStringLiteral("/autostart/dev.reporunner.RepoRunner.desktop");
        QVERIFY(!QFileInfo::exists(entry));
        QQuickItem *autostart = item(QStringLiteral("autostartBox"));
        reveal(autostart);
        click(autostart);
        QTRY_VERIFY(QFileInfo::exists(entry));
        QVERIFY(autostart->property("checked").toBool());
        QFile written(entry);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.readAll().contains("--hidden"));
        // The tray menu's item is the same setting: it shows it, and turning it off there
        // removes the entry and unticks the page's box.
        QAction *menuItem = m_app->trayMenu()->findChild<QAction *>(QStringLiteral("autostart"));
        QVERIFY(menuItem);
        QVERIFY(menuItem->isChecked());
        menuItem->trigger();
        QTRY_VERIFY(!QFileInfo::exists(entry));
        QTRY_VERIFY(!autostart->property("checked").toBool());
        click(autostart);
        QTRY_VERIFY(QFileInfo::exists(entry));
        QVERIFY(menuItem->isChecked());
        click(autostart);
        QTRY_VERIFY(!QFileInfo::exists(entry));
        QVERIFY(!menuItem->isChecked());

        // Clean up now: one retention pass, and what it removed.
        QQuickItem *cleanUp = item(QStringLiteral("cleanUpNowButton"));
        reveal(cleanUp);
        click(cleanUp);
        QTRY_VERIFY_WITH_TIMEOUT(item(QStringLiteral("cleanupMessage"))
                                     ->property("text")
                                     .toString()
                                     .startsWith(QLatin1String("Removed ")),
                                 60000);
        QVERIFY(cleanUp->isEnabled());
        QTest::qWait(200);
        shot(QStringLiteral("settings-limits"));

        click(item(QStringLiteral("runtimeAuto")));
        QTRY_COMPARE(m_app->engine()->orchestrator()->settings().defaultRuntime, QStringLiteral("auto"));
        QVERIFY(QMetaObject::invokeMethod(page, "close"));
        QTest::qWait(300);
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

    // Restart starts the same request as a new run; Remove stops it and deletes it from the list.
    void restartThenRemove()
    {
        QVERIFY(!m_runId.isEmpty());
        QQuickWindow *window = m_app->window();
        click(findItem(window->contentItem(), QStringLiteral("restartButton")));
        QTRY_VERIFY(m_app->controller()->selectedRunId() != m_runId);
        const QString again = m_app->controller()->selectedRunId();
        QVERIFY(!again.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_app->runList()->stateOf(again), QStringLiteral("READY"), 60000);
        QCOMPARE(m_app->runList()->rowCount(), 2);
        // Started after the settings set 96 MiB, 250 millicores and 200 processes per container:
        // Docker enforces exactly those.
        auto listed = await(m_docker->listContainers({QStringLiteral("reporunner.dev/run-id=") + again}));
        QVERIFY(listed && listed->size() == 1);
        auto inspected = await(
            m_docker->inspectContainer(listed->first().toObject().value(QStringLiteral("Id")).toString()));
        QVERIFY(inspected.has_value());
        const QJsonObject host = inspected->value(QStringLiteral("HostConfig")).toObject();
        QCOMPARE(host.value(QStringLiteral("Memory")).toInteger(), 96LL * 1024 * 1024);
        QCOMPARE(host.value(QStringLiteral("MemorySwap")).toInteger(), 96LL * 1024 * 1024);
        QCOMPARE(host.value(QStringLiteral("NanoCpus")).toInteger(), 250LL * 1000 * 1000);
        QCOMPARE(host.value(QStringLiteral("PidsLimit")).toInteger(), 200);
        click(findItem(window->contentItem(), QStringLiteral("removeButton")));
        QTRY_COMPARE_WITH_TIMEOUT(m_app->runList()->indexOf(again), -1, 30000);
        QCOMPARE(m_app->runList()->rowCount(), 1);
        QCOMPARE(containers(again), 0);
        QVERIFY(m_app->controller()->selectedRunId().isEmpty());
    }

    // The new-run flow on a compose project: the source step, detection, the plan with the
    // "tools" profile picked and its privileged service refused (the consent panel lists what
    // allowing it would change), that service unpicked, then Start → READY.
    void newRunFlowPlansAndStarts()
    {
        const QString project = m_dir.filePath(QStringLiteral("planned"));
        rr::test::writeTree(project,
                            {{QStringLiteral("www/index.html"), "planned by the tray test\n"},
                             {QStringLiteral("compose.yaml"),
                              "services:\n"
                              "  web:\n"
                              "    image: busybox:1.36\n"
                              "    command: [\"httpd\", \"-f\", \"-p\", \"8000\", \"-h\", \"/www\"]\n"
                              "    volumes: [\"./www:/www:ro\"]\n"
                              "    ports: [\"8000\"]\n"
                              "  worker:\n"
                              "    image: busybox:1.36\n"
                              "    profiles: [tools]\n"
                              "    command: [\"sleep\", \"3600\"]\n"
                              "  admin:\n"
                              "    image: busybox:1.36\n"
                              "    profiles: [tools]\n"
                              "    privileged: true\n"
                              "    command: [\"sleep\", \"3600\"]\n"}});
        QQuickWindow *window = m_app->window();
        // Room for the whole plan on screen, as a user would make it.
        window->resize(1240, 980);
        QTest::qWait(100);
        // Repeater delegates have no QObject parent: the visual tree (overlay included) finds them.
        const auto item = [window](const QString &name) {
            QQuickItem *found = window->findChild<QQuickItem *>(name);
            return found ? found : findItem(window->contentItem(), name);
        };
        click(findItem(window->contentItem(), QStringLiteral("startButton"))); // the source step, empty
        QObject *page = window->findChild<QObject *>(QStringLiteral("newRunPage"));
        QVERIFY(page);
        QTRY_VERIFY(page->property("opened").toBool());
        tray::NewRunController *flow = m_app->newRun();
        QVERIFY(flow);
        QQuickItem *source = item(QStringLiteral("newRunSource"));
        QVERIFY(source);
        source->forceActiveFocus();
        for (const QChar c : project)
            QTest::keyClick(window, c.toLatin1());
        QCOMPARE(flow->source(), project);
        QTest::qWait(200);
        shot(QStringLiteral("new-run"));
        click(item(QStringLiteral("newRunDetectButton")));
        QTRY_COMPARE_WITH_TIMEOUT(flow->stage(), tray::NewRunController::Planned, 20000);
        QVERIFY(item(QStringLiteral("detectionResult"))
                    ->property("text")
                    .toString()
                    .contains(QLatin1String("Compose: compose.yaml (3 services)")));
        QCOMPARE(flow->services()->plannedCount(), 1);

        click(item(QStringLiteral("profile-tools")));
        QTRY_COMPARE(flow->profiles()->checked(), QStringList{QStringLiteral("tools")});
        QTRY_VERIFY2_WITH_TIMEOUT(flow->stage() == tray::NewRunController::Planned, qPrintable(flow->error()),
                                  20000);
        QTRY_COMPARE_WITH_TIMEOUT(flow->services()->plannedCount(), 3, 20000);
        QCOMPARE(flow->summary().refused, 1);
        QTRY_COMPARE(flow->consequences()->rowCount(), 1);
        QVERIFY(item(QStringLiteral("consentPanel"))->isVisible());
        QVERIFY(!item(QStringLiteral("newRunStartButton"))->isEnabled());
        QVERIFY(!item(QStringLiteral("allowUnsafeButton"))->isEnabled()); // not before "I understand"
        QVERIFY(item(QStringLiteral("reportCounts"))
                    ->property("text")
                    .toString()
                    .contains(QLatin1String("1 refused")));
        QTest::qWait(300);
        shot(QStringLiteral("plan-refused"));

        click(item(QStringLiteral("service-admin")));
        QTRY_COMPARE_WITH_TIMEOUT(flow->stage(), tray::NewRunController::Planned, 20000);
        QTRY_COMPARE(flow->services()->plannedCount(), 2);
        QCOMPARE(flow->summary().refused, 0);
        QTRY_VERIFY(!item(QStringLiteral("consentPanel"))->isVisible());
        QTest::qWait(300);
        shot(QStringLiteral("plan"));

        QQuickItem *start = item(QStringLiteral("newRunStartButton"));
        QCOMPARE(start->property("text").toString(), QStringLiteral("Start 2 services"));
        QSignalSpy started(flow, &tray::NewRunController::started);
        click(start);
        QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 20000);
        QTRY_VERIFY(!page->property("opened").toBool());
        const QString runId = started.constFirst().constFirst().toString();
        QCOMPARE(m_app->controller()->selectedRunId(), runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->runList()->stateOf(runId), QStringLiteral("READY"), 60000);
        QCOMPARE(m_app->controller()->services()->names(),
                 (QStringList{QStringLiteral("web"), QStringLiteral("worker")}));
        QTest::qWait(300);
        shot(QStringLiteral("new-run-ready"));
        m_app->controller()->remove(runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_app->runList()->indexOf(runId), -1, 30000);
        QCOMPARE(containers(runId), 0);
        window->resize(1180, 720);
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
