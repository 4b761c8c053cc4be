#pragma once

#include "core/result.h"

#include <QFuture>
#include <QObject>

class QMessageBox;
class QQmlApplicationEngine;
class QQuickWindow;

namespace rr::app {
class LocalEngine;
}

namespace rr::tray {

class LogModel;
class Notifier;
class ConsentStore;
class NewRunController;
class PreviewController;
class RunController;
class RunListModel;
class TrayMenu;
class TrayUi;
class SettingsController;

// The tray app's composition root: the in-process engine (the same LocalEngine as
// `reporunner serve`, so the CLI, native host and extension reach it on the control socket),
// the models the window binds to, the tray icon and the notifier.
class TrayApplication final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayApplication)
public:
    explicit TrayApplication(QObject *parent = nullptr);
    ~TrayApplication() override;

    // Whether this build shows previews in an embedded Qt WebEngine view (REPORUNNER_WEBENGINE).
    static bool embeddedPreview();

    // Refuses when another engine answers on `socketPath` (one engine per user).
    QFuture<core::Result<void>> start(const QString &socketPath, bool showWindow);

    void showWindow();
    void showLogs(const QString &runId);
    // The embedded view (the window comes up with it), or the browser.
    void openPreview(const QString &runId);
    // Asks whether to stop active runs or leave them running, then quits.
    void requestQuit();

    RunListModel *runList() const { return m_runList; }
    LogModel *logs() const { return m_logs; }
    RunController *controller() const { return m_controller; }
    TrayMenu *trayMenu() const { return m_tray; }
    SettingsController *settings() const { return m_settings; }
    // Null until the window was first shown, like the QML engine.
    NewRunController *newRun() const { return m_newRun; }
    ConsentStore *consent() const { return m_consent; }
    PreviewController *preview() const { return m_preview; }
    Notifier *notifier() const { return m_notifier; }
    // Null until the window was first shown: the QML engine is created on demand.
    QQuickWindow *window() const;
    app::LocalEngine *engine() const { return m_engine; }
    QMessageBox *quitDialog() const { return m_quitDialog; }

    // Stops every active run, then emits quit(); `false` leaves them to the next engine.
    void quit(bool stopRuns);

Q_SIGNALS:
    void quitting();

private:
    void wire();
    QQuickWindow *ensureWindow();

    app::LocalEngine *m_engine;
    RunListModel *m_runList;
    LogModel *m_logs;
    RunController *m_controller = nullptr;
    Notifier *m_notifier;
    TrayMenu *m_tray = nullptr;
    TrayUi *m_ui = nullptr;
    SettingsController *m_settings = nullptr;
    ConsentStore *m_consent = nullptr;
    PreviewController *m_preview = nullptr;
    NewRunController *m_newRun = nullptr;
    QQmlApplicationEngine *m_qml = nullptr;
    QMessageBox *m_quitDialog = nullptr;
};

} // namespace rr::tray
