#pragma once

#include "consentstore.h"
#include "logmodel.h"
#include "newruncontroller.h"
#include "previewcontroller.h"
#include "runcontroller.h"
#include "runlistmodel.h"
#include "settingscontroller.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

class QJSEngine;
class QQmlEngine;

namespace rr::tray {

// What every view reaches by name (`TrayUi.controller`, `TrayUi.runs`, ...): a singleton, so
// delegates need no ids from outside their component and qmllint can check every access.
// Small formatting helpers live here too, in C++ where they are unit-tested.
// Not final: QML registration derives from it.
class TrayUi : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_DISABLE_COPY_MOVE(TrayUi)
    Q_PROPERTY(rr::tray::RunListModel *runs READ runs CONSTANT)
    Q_PROPERTY(rr::tray::LogModel *logs READ logs CONSTANT)
    Q_PROPERTY(rr::tray::RunController *controller READ controller CONSTANT)
    Q_PROPERTY(rr::tray::SettingsController *settings READ settings CONSTANT)
    Q_PROPERTY(rr::tray::NewRunController *newRun READ newRun CONSTANT)
    Q_PROPERTY(rr::tray::ConsentStore *consent READ consent CONSTANT)
    Q_PROPERTY(rr::tray::PreviewController *preview READ preview CONSTANT)
    Q_PROPERTY(bool trayAvailable READ trayAvailable CONSTANT)
    // Ages are relative to this; the window ticks it while visible.
    Q_PROPERTY(QDateTime now READ now WRITE setNow NOTIFY nowChanged)
    // The log view's timestamp column.
    Q_PROPERTY(bool showTimestamps MEMBER m_showTimestamps NOTIFY showTimestampsChanged)

public:
    TrayUi(RunListModel *runs, LogModel *logs, RunController *controller, SettingsController *settings,
           NewRunController *newRun, ConsentStore *consent, PreviewController *preview, bool trayAvailable,
           QObject *parent = nullptr);
    ~TrayUi() override;

    // The QML engine's factory: the one instance the app made (owned by the app).
    static TrayUi *create(QQmlEngine *qml, QJSEngine *js);

    RunListModel *runs() const { return m_runs; }
    LogModel *logs() const { return m_logs; }
    RunController *controller() const { return m_controller; }
    SettingsController *settings() const { return m_settings; }
    NewRunController *newRun() const { return m_newRun; }
    ConsentStore *consent() const { return m_consent; }
    PreviewController *preview() const { return m_preview; }
    bool trayAvailable() const { return m_trayAvailable; }
    QDateTime now() const { return m_now; }
    void setNow(const QDateTime &now);

    // "…" while running, "850 ms", "12.3 s", "2 min 5 s".
    Q_INVOKABLE static QString duration(double ms);
    // "12 s ago", "3 min ago", "2 h ago", "4 d ago".
    Q_INVOKABLE static QString age(const QDateTime &created, const QDateTime &now);

Q_SIGNALS:
    void nowChanged();
    void showTimestampsChanged();

private:
    RunListModel *m_runs;
    LogModel *m_logs;
    RunController *m_controller;
    SettingsController *m_settings;
    NewRunController *m_newRun;
    ConsentStore *m_consent;
    PreviewController *m_preview;
    bool m_trayAvailable;
    QDateTime m_now = QDateTime::currentDateTime();
    bool m_showTimestamps = false;
};

} // namespace rr::tray
