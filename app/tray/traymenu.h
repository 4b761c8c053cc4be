#pragma once

#include "traystate.h"

#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace rr::tray {

class RunListModel;

// The tray icon and its menu: the state icon, one submenu per active run (Open preview,
// Logs, Stop), Open window, Start at login and Quit. It only emits what was asked; the app
// acts on it.
class TrayMenu final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayMenu)
public:
    TrayMenu(RunListModel *runs, QObject *parent = nullptr);
    ~TrayMenu() override;

    bool isAvailable() const { return m_available; }
    TrayState state() const { return m_state; }
    QMenu *menu() const { return m_menu; }
    QAction *autostartAction() const { return m_autostart; }
    // Shows the "Start at login" setting as it is now.
    void setAutostart(bool enabled);

Q_SIGNALS:
    void openWindowRequested();
    void openPreviewRequested(const QString &runId);
    void logsRequested(const QString &runId);
    void stopRequested(const QString &runId);
    void quitRequested();
    void autostartToggled(bool enabled);

private:
    void rebuild();

    RunListModel *m_runs;
    QSystemTrayIcon *m_icon;
    QMenu *m_menu;
    TrayState m_state = TrayState::Idle;
    bool m_available = false;
    QAction *m_autostart;
    QList<QMenu *> m_runMenus; // the per-run submenus of the current menu
};

} // namespace rr::tray
