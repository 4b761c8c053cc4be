#pragma once

#include "phaselistmodel.h"
#include "runsummary.h"
#include "servicelistmodel.h"

#include "runs/runrecord.h"

#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace rr::runs {
class Orchestrator;
}

namespace rr::tray {

class LogModel;
class RunEvents;

// What the window does with runs: starts them from a URL or folder, stops them, and shows one
// selected run (phases, services, logs). The log view is filled from the store once, then
// follows the orchestrator's live lines. Previews are PreviewController's.
// Not final: QML registration derives from it.
class RunController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(RunController)
    Q_PROPERTY(QString selectedRunId READ selectedRunId NOTIFY selectionChanged)
    Q_PROPERTY(rr::tray::RunSummary selectedRun READ selectedRun NOTIFY selectedRunChanged)
    Q_PROPERTY(rr::tray::PhaseListModel *phases READ phases CONSTANT)
    Q_PROPERTY(rr::tray::ServiceListModel *services READ services CONSTANT)
    // The selected run's events (phases, builds, pulls, probes, restarts, OOM), newest last.
    Q_PROPERTY(rr::tray::LogModel *events READ events CONSTANT)
    Q_PROPERTY(QStringList logSources READ logSources NOTIFY selectedRunChanged)
    Q_PROPERTY(QString logSource READ logSource WRITE setLogSource NOTIFY logSourceChanged)
    Q_PROPERTY(int logSourceIndex READ logSourceIndex NOTIFY logSourceChanged)
    Q_PROPERTY(bool logsLoading READ logsLoading NOTIFY logsLoadingChanged)
    // A case-insensitive regular expression lines must match ("error|warn"); empty: all lines.
    Q_PROPERTY(QString logFilter READ logFilter WRITE setLogFilter NOTIFY logFilterChanged)
    Q_PROPERTY(QString logFilterError READ logFilterError NOTIFY logFilterChanged)

public:
    RunController(runs::Orchestrator *orchestrator, LogModel *logs, QObject *parent = nullptr);

    QString selectedRunId() const { return m_selected; }
    RunSummary selectedRun() const { return m_summary; }
    PhaseListModel *phases() const { return m_phases; }
    ServiceListModel *services() const { return m_services; }
    LogModel *events() const;
    // "All services", "Run (build, events)", then each service.
    QStringList logSources() const;
    QString logSource() const { return m_logSource; }
    void setLogSource(const QString &source);
    int logSourceIndex() const { return int(std::max<qsizetype>(0, logSources().indexOf(m_logSource))); }
    bool logsLoading() const { return m_loading; }
    QString logFilter() const { return m_logFilter; }
    QString logFilterError() const { return m_logFilterError; }
    void setLogFilter(const QString &pattern);

    // The lines the log view holds (filtered), as plain text.
    Q_INVOKABLE void copyLogs();
    // Writes them to `path`; returns an error for humans, empty on success.
    Q_INVOKABLE QString exportLogs(const QString &path);
    // Asks for a file (a non-modal dialog), then exports.
    Q_INVOKABLE void chooseExportFile();

    Q_INVOKABLE void select(const QString &runId);
    // Returns an error for humans, empty when the run started (or an identical one exists).
    Q_INVOKABLE QString start(const QString &source, const QString &runtime);
    Q_INVOKABLE void stop(const QString &runId);
    // Starts the same request again as a new run (an identical active one is replaced).
    Q_INVOKABLE QString restart(const QString &runId);
    // Stops the run if needed and deletes it with its history.
    Q_INVOKABLE void remove(const QString &runId);

    static constexpr int LiveBatchMs = 100;

    static QString allSources() { return QStringLiteral("All services"); }
    static QString runLogSource() { return QStringLiteral("Run (build, events)"); }

Q_SIGNALS:
    void selectionChanged();
    void selectedRunChanged();
    void logSourceChanged();
    void logsLoadingChanged();
    void logFilterChanged();
    // A message for the window's status line (errors from start/stop).
    void message(const QString &text);
    void runRemoved(const QString &runId);

private:
    void onRunUpdated(const runs::RunRecord &run);
    void showRecord(const std::optional<runs::RunRecord> &record);
    void onLogLines(const QString &runId, const QList<runs::LogLine> &lines);
    void reloadLogs();
    void loadPage(quint64 generation, qint64 afterId);
    void finishLoading();
    std::optional<QString> serviceFilter() const;

    runs::Orchestrator *m_orchestrator;
    LogModel *m_logs;
    QString m_selected;
    RunSummary m_summary;
    PhaseListModel *m_phases;
    ServiceListModel *m_services;
    RunEvents *m_events;
    QString m_logSource;
    bool m_loading = false;
    quint64 m_generation = 0;           // bumps on every reload; stale pages are dropped
    QList<runs::LogLine> m_pendingLive; // live lines not yet in the view (loading, or batching)
    QTimer m_liveFlush;
    QString m_logFilter;
    QString m_logFilterError;
};

} // namespace rr::tray
