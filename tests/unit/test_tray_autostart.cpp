// The tray app's "Start at login" setting: the user's XDG autostart entry, made from the
// packaged template or, without one, written for the running executable; off removes it. And
// the tray menu's checkable item that asks for it.
#include "autostartentry.h"
#include "runlistmodel.h"
#include "testsupport.h"
#include "traymenu.h"

#include <QAction>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using rr::test::readFile;
using rr::tray::AutostartEntry;

class TestTrayAutostart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onCopiesThePackagedTemplateAndOffRemovesIt()
    {
        QTemporaryDir home;
        rr::test::writeTree(home.path(),
                            {{QStringLiteral("share/template.desktop"),
                              "[Desktop Entry]\nType=Application\nExec=reporunner-tray --hidden\n"}});
        const QString templatePath = home.filePath(QStringLiteral("share/template.desktop"));
        // The autostart folder does not exist yet: turning it on creates it.
        const QString entryPath =
            home.filePath(QStringLiteral("config/autostart/") + AutostartEntry::FileName);
        AutostartEntry entry(entryPath, templatePath, QStringLiteral("/unused"));

        QVERIFY(!entry.isEnabled());
        QVERIFY(entry.setEnabled(true).has_value());
        QVERIFY(entry.isEnabled());
        QCOMPARE(readFile(entryPath), readFile(templatePath));

        QVERIFY(entry.setEnabled(false).has_value());
        QVERIFY(!entry.isEnabled());
        QVERIFY(!QFile::exists(entryPath));
        QVERIFY(entry.setEnabled(false).has_value()); // already off is not an error
    }

    void withoutATemplateItWritesAnEntryForThisProgram()
    {
        QTemporaryDir home;
        const QString entryPath = home.filePath(QStringLiteral("autostart/x.desktop"));
        AutostartEntry entry(entryPath, home.filePath(QStringLiteral("missing.desktop")),
                             QStringLiteral("/opt/build dir/reporunner-tray"));
        QVERIFY(entry.setEnabled(true).has_value());
        const QByteArray written = readFile(entryPath);
        QVERIFY(written.startsWith("[Desktop Entry]\n"));
        QVERIFY2(written.contains("\nExec=\"/opt/build dir/reporunner-tray\" --hidden\n"),
                 written.constData());
        QVERIFY(written.contains("\nType=Application\n"));
    }

    void aFileInTheWayOfTheFolderIsAnError()
    {
        QTemporaryDir home;
        QFile blocker(home.filePath(QStringLiteral("autostart")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AutostartEntry entry(home.filePath(QStringLiteral("autostart/x.desktop")), {},
                             QStringLiteral("/bin/true"));
        const auto done = entry.setEnabled(true);
        QVERIFY(!done.has_value());
        QCOMPARE(done.error().code, QStringLiteral("tray.autostart.write"));
        QVERIFY(!entry.isEnabled());
    }

    void trayMenuAsksForItAndShowsItsState()
    {
        rr::tray::RunListModel runs;
        rr::tray::TrayMenu menu(&runs);
        QAction *item = menu.autostartAction();
        QVERIFY(menu.menu()->actions().contains(item));
        QVERIFY(item->isCheckable());
        QSignalSpy asked(&menu, &rr::tray::TrayMenu::autostartToggled);

        menu.setAutostart(true); // showing the state is not the user asking
        QVERIFY(item->isChecked());
        QCOMPARE(asked.size(), 0);

        // The menu is rebuilt whenever the runs change; the item survives with its state.
        runs.setRuns({});
        QVERIFY(menu.menu()->actions().contains(item));
        QVERIFY(item->isChecked());

        item->trigger(); // the user unticks it
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked.at(0).at(0).toBool(), false);
    }
};

QTEST_MAIN(TestTrayAutostart)
#include "test_tray_autostart.moc"
