#include "traymenu.h"

#include "runlistmodel.h"
#include "traylog.h"

#include "runs/runjson.h"

#include <QAction>
#include <QMenu>
#include <QSignalBlocker>
#include <QSystemTrayIcon>

namespace rr::tray {

TrayMenu::TrayMenu(RunListModel *runs, QObject *parent)
    : QObject(parent)
    , m_runs(runs)
    , m_icon(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_autostart(new QAction(QStringLiteral("Start at login"), this))
{
    // Owned by this object, not the menu, so rebuild()'s clear() keeps it.
    m_autostart->setObjectName(QStringLiteral("autostart"));
    m_autostart->setCheckable(true);
    connect(m_autostart, &QAction::triggered, this, &TrayMenu::autostartToggled);
    m_available = QSystemTrayIcon::isSystemTrayAvailable();
    // Greppable: the GUI test and users can tell whether a tray host was found.
    qCInfo(lcTray) << "system tray available:" << m_available;
    m_icon->setContextMenu(m_menu);
    connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT openWindowRequested();
    });
    connect(m_runs, &RunListModel::runsChanged, this, &TrayMenu::rebuild);
    rebuild();
    if (m_available) {
        m_icon->show();
        // Greppable: bench_tray times launch to this line.
        qCInfo(lcTray) << "tray icon shown";
    }
}

TrayMenu::~TrayMenu()
{
    delete m_menu; // a QMenu cannot have a QObject parent that is not a widget
}

void TrayMenu::rebuild()
{
    const TrayState state = trayStateFor(m_runs->records());
    if (state != m_state || m_icon->icon().isNull()) {
        m_state = state;
        m_icon->setIcon(trayIcon(state));
        qCInfo(lcTray) << "tray state:" << trayStateName(state);
    }
    const int active = m_runs->activeCount();
    m_icon->setToolTip(
        active == 0
            ? QStringLiteral("RepoRunner: no active runs")
            : QStringLiteral("RepoRunner: %1 active run(s), %2").arg(active).arg(trayStateName(state)));

    m_menu->clear();
    // clear() drops the actions but not the submenus addMenu() parented to the menu: without
    // this, every run update left a stale submenu behind.
    for (QMenu *stale : std::exchange(m_runMenus, {}))
        stale->deleteLater(); // later: one of its actions may be the one running now
    for (const runs::RunRecord &r : m_runs->records()) {
        if (!runs::isActive(r.state))
            continue;
        QMenu *sub = m_menu->addMenu(
            QStringLiteral("%1 — %2").arg(RunListModel::displayName(r), runs::stateName(r.state)));
        sub->setObjectName(QStringLiteral("run-") + r.id);
        m_runMenus.append(sub);
        const QString id = r.id;
        QAction *preview = sub->addAction(QStringLiteral("Open preview"), this,
                                          [this, id] { Q_EMIT openPreviewRequested(id); });
        preview->setEnabled(!runs::RunJson::primaryUrl(r).isEmpty());
        sub->addAction(QStringLiteral("Logs"), this, [this, id] { Q_EMIT logsRequested(id); });
        sub->addAction(QStringLiteral("Stop"), this, [this, id] { Q_EMIT stopRequested(id); });
    }
    if (active == 0)
        m_menu->addAction(QStringLiteral("No active runs"))->setEnabled(false);
    // The newest finished run, if it failed: one click from its logs and diagnosis.
    for (const runs::RunRecord &r : m_runs->records()) {
        if (!runs::isTerminal(r.state))
            continue;
        if (r.state == runs::RunState::Failed) {
            const QString id = r.id;
            QAction *failed = m_menu->addAction(
                QStringLiteral("Last failed: %1 — %2")
                    .arg(RunListModel::displayName(r),
                         r.diagnosis ? r.diagnosis->summary.left(60) : QStringLiteral("no diagnosis")),
                this, [this, id] { Q_EMIT logsRequested(id); });
            failed->setObjectName(QStringLiteral("lastFailed"));
        }
        break;
    }
    m_menu->addSeparator();
    m_menu->addAction(QStringLiteral("Open window"), this, &TrayMenu::openWindowRequested);
    m_menu->addAction(m_autostart);
    m_menu->addAction(QStringLiteral("Quit"), this, &TrayMenu::quitRequested);
}

void TrayMenu::setAutostart(bool enabled)
{
    const QSignalBlocker quiet(m_autostart); // showing the state is not the user toggling it
    m_autostart->setChecked(enabled);
}

} // namespace rr::tray
