#include "trayapplication.h"

#include "autostartentry.h"
#include "logmodel.h"
#include "notifier.h"
#include "runcontroller.h"
#include "runlistmodel.h"
#include "traylog.h"
#include "traymenu.h"

#include "common/engineprobe.h"
#include "common/localengine.h"
#include "core/error.h"
#include "ipc/protocol.h"
#include "runs/orchestrator.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QQmlApplicationEngine>
#include <QQuickWindow>

Q_LOGGING_CATEGORY(lcTray, "reporunner.tray")

namespace rr::tray {

TrayApplication::TrayApplication(QObject *parent)
    : QObject(parent)
    , m_engine(new app::LocalEngine(this))
    , m_runList(new RunListModel(this))
    , m_logs(new LogModel(LogModel::DefaultCapacity, this))
    , m_notifier(new Notifier(this))
{}

TrayApplication::~TrayApplication()
{
    // QML bindings refer to the models and the controller: the views go first.
    delete m_qml;
    delete m_tray;
}

QFuture<core::Result<void>> TrayApplication::start(const QString &socketPath, bool showWindow)
{
    // Checked before the store opens: a second engine must not reconcile the first one's runs.
    if (app::engineAnswers(socketPath)) {
        return QtFuture::makeReadyFuture(core::Result<void>(core::fail(
            core::ErrorCategory::Io, QStringLiteral("engine.running"),
            QStringLiteral(
                "Another RepoRunner engine (the tray app or `reporunner serve`) already answers on "
                "%1. Quit it first, or use the CLI against it.")
                .arg(socketPath))));
    }
    // The default path goes in empty so the server creates its private directory itself.
    const bool isDefault = socketPath == ipc::defaultSocketPath();
    if (!isDefault)
        QDir().mkpath(QFileInfo(socketPath).absolutePath());
    return m_engine->start(isDefault ? QString() : socketPath)
        .then(this, [this, showWindow](const core::Result<void> &started) {
            if (!started)
                return started;
            wire();
            if (showWindow)
                this->showWindow();
            return core::Result<void>();
        });
}

void TrayApplication::wire()
{
    runs::Orchestrator *orchestrator = m_engine->orchestrator();
    const QList<runs::RunRecord> history = orchestrator->runs();
    for (const runs::RunRecord &r : history)
        m_notifier->remember(r);
    m_runList->setRuns(history);
    connect(orchestrator, &runs::Orchestrator::runUpdated, m_runList, &RunListModel::upsert);
    connect(orchestrator, &runs::Orchestrator::runUpdated, m_notifier, &Notifier::onRunUpdated);

    m_controller = new RunController(orchestrator, m_logs, this);
    m_tray = new TrayMenu(m_runList);
    connect(m_tray, &TrayMenu::openWindowRequested, this, &TrayApplication::showWindow);
    connect(m_tray, &TrayMenu::openPreviewRequested, m_controller, &RunController::openPreview);
    connect(m_tray, &TrayMenu::logsRequested, this, &TrayApplication::showLogs);
    connect(m_tray, &TrayMenu::stopRequested, m_controller, &RunController::stop);
    connect(m_tray, &TrayMenu::quitRequested, this, &TrayApplication::requestQuit);
    m_tray->setAutostart(AutostartEntry::forCurrentUser().isEnabled());
    connect(m_tray, &TrayMenu::autostartToggled, this, [this](bool enabled) {
        AutostartEntry entry = AutostartEntry::forCurrentUser();
        if (const core::Result<void> done = entry.setEnabled(enabled); !done)
            qCWarning(lcTray) << done.error().message;
        else
            qCInfo(lcTray) << "start at login:" << enabled << entry.entryPath();
        m_tray->setAutostart(entry.isEnabled());
    });

    m_qml = new QQmlApplicationEngine;
    m_qml->setInitialProperties({{QStringLiteral("runs"), QVariant::fromValue(m_runList)},
                                 {QStringLiteral("logs"), QVariant::fromValue(m_logs)},
                                 {QStringLiteral("controller"), QVariant::fromValue(m_controller)},
                                 {QStringLiteral("trayAvailable"), m_tray->isAvailable()}});
    m_qml->load(QUrl(QStringLiteral("qrc:/qt/qml/RepoRunner/Tray/Main.qml")));
    if (!window())
        qCWarning(lcTray) << "the main window did not load";
    // Without a tray host the window is the only way in, so it must show.
    if (!m_tray->isAvailable())
        showWindow();
}

QQuickWindow *TrayApplication::window() const
{
    if (!m_qml || m_qml->rootObjects().isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(m_qml->rootObjects().constFirst());
}

void TrayApplication::showWindow()
{
    if (QQuickWindow *w = window()) {
        w->show();
        w->raise();
        w->requestActivate();
    }
}

void TrayApplication::showLogs(const QString &runId)
{
    m_controller->select(runId);
    showWindow();
}

void TrayApplication::requestQuit()
{
    if (m_runList->activeCount() == 0) {
        quit(false);
        return;
    }
    if (m_quitDialog) {
        m_quitDialog->raise();
        return;
    }
    // Non-modal with open(): no nested event loop.
    m_quitDialog =
        new QMessageBox(QMessageBox::Question, QStringLiteral("Quit RepoRunner"),
                        QStringLiteral("%1 run(s) are active. Stop them before quitting, or leave them "
                                       "running for the next engine to pick up?")
                            .arg(m_runList->activeCount()));
    m_quitDialog->setObjectName(QStringLiteral("quitDialog"));
    QPushButton *stop =
        m_quitDialog->addButton(QStringLiteral("Stop runs and quit"), QMessageBox::DestructiveRole);
    QPushButton *leave =
        m_quitDialog->addButton(QStringLiteral("Leave running and quit"), QMessageBox::AcceptRole);
    m_quitDialog->addButton(QMessageBox::Cancel);
    m_quitDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_quitDialog, &QMessageBox::buttonClicked, this, [this, stop, leave](QAbstractButton *button) {
        if (button == stop)
            quit(true);
        else if (button == leave)
            quit(false);
    });
    connect(m_quitDialog, &QObject::destroyed, this, [this] { m_quitDialog = nullptr; });
    m_quitDialog->open();
}

void TrayApplication::quit(bool stopRuns)
{
    runs::Orchestrator *orchestrator = m_engine->orchestrator();
    QList<QFuture<core::Result<runs::RunRecord>>> stops;
    if (stopRuns && orchestrator) {
        for (const runs::RunRecord &r : m_runList->records()) {
            if (runs::isActive(r.state))
                stops.append(orchestrator->stop(r.id));
        }
    }
    qCInfo(lcTray) << "quitting;" << stops.size() << "run(s) to stop first";
    if (stops.isEmpty()) {
        Q_EMIT quitting();
        return;
    }
    QtFuture::whenAll(stops.begin(), stops.end()).then(this, [this](const auto &) { Q_EMIT quitting(); });
}

} // namespace rr::tray
