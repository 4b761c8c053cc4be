// PreviewController without QML: the embedded view's origin rule, the run it shows and when it
// closes, and the browser path (the build without Qt WebEngine, and "Open in browser"), with a
// stub browser registered through QDesktopServices.
#include "previewcontroller.h"
#include "runlistmodel.h"

#include "runs/runrecord.h"

#include <QDesktopServices>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace rr;
using runs::RunState;

namespace {

runs::RunRecord readyRun(const QString &id, const QString &url)
{
    runs::RunRecord r;
    r.id = id;
    r.owner = QStringLiteral("octo");
    r.repo = QStringLiteral("site");
    r.state = RunState::Ready;
    r.createdAt = QDateTime::currentDateTime();
    r.details.insert(QStringLiteral("endpoints"),
                     QJsonArray{QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                                            {QStringLiteral("url"), url},
                                            {QStringLiteral("primary"), true}}});
    return r;
}

} // namespace

// Stands in for the user's browser.
class StubBrowser : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

class TestTrayPreview : public QObject
{
    Q_OBJECT

private:
    StubBrowser m_browser;

private Q_SLOTS:
    void init()
    {
        m_browser.opened.clear();
        for (const char *scheme : {"http", "https", "file"})
            QDesktopServices::setUrlHandler(QString::fromLatin1(scheme), &m_browser, "open");
    }
    void cleanup()
    {
        for (const char *scheme : {"http", "https", "file"})
            QDesktopServices::unsetUrlHandler(QString::fromLatin1(scheme));
    }

    void sameOrigin_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("same");
        QTest::newRow("other path") << "http://127.77.0.5:8000/"
                                    << "http://127.77.0.5:8000/a/b?c#d" << true;
        QTest::newRow("default port") << "http://127.77.0.5/"
                                      << "http://127.77.0.5:80/x" << true;
        QTest::newRow("other port") << "http://127.77.0.5:8000/"
                                    << "http://127.77.0.5:8001/" << false;
        QTest::newRow("other host") << "http://127.77.0.5:8000/"
                                    << "http://127.77.0.6:8000/" << false;
        QTest::newRow("localhost") << "http://127.77.0.5:8000/"
                                   << "http://localhost:8000/" << false;
        QTest::newRow("other scheme") << "http://127.77.0.5:8000/"
                                      << "https://127.77.0.5:8000/" << false;
        QTest::newRow("file") << "http://127.77.0.5:8000/"
                              << "file:///etc/passwd" << false;
        QTest::newRow("no host") << "about:blank"
                                 << "about:blank" << false;
    }
    void sameOrigin()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, same);
        QCOMPARE(tray::PreviewController::sameOrigin(QUrl(a), QUrl(b)), same);
        QCOMPARE(tray::PreviewController::sameOrigin(QUrl(b), QUrl(a)), same);
    }

    // The build without Qt WebEngine: the preview goes to the browser, the view never opens.
    void withoutWebEngineTheBrowserOpensIt()
    {
        tray::RunListModel runs;
        runs.setRuns({readyRun(QStringLiteral("r1"), QStringLiteral("http://127.77.0.5:8000/"))});
        tray::PreviewController preview(&runs, false);
        QSignalSpy changed(&preview, &tray::PreviewController::previewChanged);
        preview.open(QStringLiteral("r1"));
        QCOMPARE(m_browser.opened, QList<QUrl>{QUrl(QStringLiteral("http://127.77.0.5:8000/"))});
        QVERIFY(preview.runId().isEmpty());
        QCOMPARE(changed.size(), 0);
    }

    void aRunWithoutAddressOpensNothing()
    {
        tray::RunListModel runs;
        runs::RunRecord building = readyRun(QStringLiteral("r1"), QString());
        building.state = RunState::Building;
        runs.setRuns({building});
        for (const bool embedded : {false, true}) {
            tray::PreviewController preview(&runs, embedded);
            QSignalSpy said(&preview, &tray::PreviewController::message);
            preview.open(QStringLiteral("r1"));
            preview.open(QStringLiteral("no-such-run"));
            QCOMPARE(said.size(), 2);
            QVERIFY(preview.runId().isEmpty());
        }
        QVERIFY(m_browser.opened.isEmpty());
    }

    // The embedded view: one run at a time, held to its origin, closed when the run stops.
    void embeddedShowsOneRunOnItsOrigin()
    {
        tray::RunListModel runs;
        runs.setRuns({readyRun(QStringLiteral("r1"), QStringLiteral("http://127.77.0.5:8000/")),
                      readyRun(QStringLiteral("r2"), QStringLiteral("http://127.77.0.9:3000/app"))});
        tray::PreviewController preview(&runs, true);
        QSignalSpy changed(&preview, &tray::PreviewController::previewChanged);
        QSignalSpy raised(&preview, &tray::PreviewController::raiseRequested);
        preview.open(QStringLiteral("r1"));
        QCOMPARE(preview.runId(), QStringLiteral("r1"));
        QCOMPARE(preview.url(), QUrl(QStringLiteral("http://127.77.0.5:8000/")));
        QCOMPARE(preview.origin(), QStringLiteral("http://127.77.0.5:8000"));
        QCOMPARE(preview.title(), QStringLiteral("octo/site"));
        QVERIFY(preview.allows(QUrl(QStringLiteral("http://127.77.0.5:8000/login?next=/"))));
        QVERIFY(!preview.allows(QUrl(QStringLiteral("http://127.77.0.9:3000/app"))));
        QVERIFY(!preview.allows(QUrl(QStringLiteral("https://example.com/"))));
        QCOMPARE(changed.size(), 1);
        QVERIFY(m_browser.opened.isEmpty());

        preview.open(QStringLiteral("r1")); // again: the same view comes to the front
        QCOMPARE(raised.size(), 1);
        QCOMPARE(changed.size(), 1);

        // Another run: the old view closes first (its profile goes with it), then the new one.
        preview.open(QStringLiteral("r2"));
        QCOMPARE(changed.size(), 3);
        QCOMPARE(preview.runId(), QStringLiteral("r2"));
        QVERIFY(preview.allows(QUrl(QStringLiteral("http://127.77.0.9:3000/other"))));
        QVERIFY(!preview.allows(QUrl(QStringLiteral("http://127.77.0.5:8000/"))));

        runs::RunRecord stopped = runs.records().at(runs.indexOf(QStringLiteral("r2")));
        stopped.state = RunState::Stopped;
        runs.upsert(stopped);
        QVERIFY(preview.runId().isEmpty());
        QVERIFY(preview.url().isEmpty());
        QVERIFY(!preview.allows(QUrl(QStringLiteral("http://127.77.0.9:3000/other"))));
        QVERIFY(m_browser.opened.isEmpty());
    }

    void removedRunClosesTheView()
    {
        tray::RunListModel runs;
        runs.setRuns({readyRun(QStringLiteral("r1"), QStringLiteral("http://127.77.0.5:8000/"))});
        tray::PreviewController preview(&runs, true);
        preview.open(QStringLiteral("r1"));
        QCOMPARE(preview.runId(), QStringLiteral("r1"));
        runs.remove(QStringLiteral("r1"));
        QVERIFY(preview.runId().isEmpty());
    }

    // "Open in browser" hands over web addresses only.
    void openInBrowserTakesWebAddressesOnly()
    {
        tray::RunListModel runs;
        tray::PreviewController preview(&runs, true);
        QSignalSpy said(&preview, &tray::PreviewController::message);
        preview.openInBrowser(QUrl(QStringLiteral("file:///etc/passwd")));
        preview.openInBrowser(QUrl(QStringLiteral("javascript:alert(1)")));
        QVERIFY(m_browser.opened.isEmpty());
        QCOMPARE(said.size(), 2);
        preview.openInBrowser(QUrl(QStringLiteral("https://example.com/docs")));
        QCOMPARE(m_browser.opened, QList<QUrl>{QUrl(QStringLiteral("https://example.com/docs"))});
    }
};

QTEST_MAIN(TestTrayPreview)
#include "test_tray_preview.moc"
