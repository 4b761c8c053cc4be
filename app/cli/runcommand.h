#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace rr::cli {

class ClusterSetup;
class EngineConnection;
class SignalWatcher;

// `reporunner run URL|PATH`: starts a run on the engine, shows its phases with durations and
// its logs until READY, prints the preview URLs and exits leaving the run up. Ctrl-C before
// READY stops the run. `--detach` returns as soon as the run is queued. Before that it may
// create the kind cluster, with consent only (ClusterSetup).
class RunCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunCommand)
public:
    explicit RunCommand(QObject *parent = nullptr);
    void start(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void fail(int exitCode, const QString &message);
    void onConnected();
    void onEvent(const QString &name, const QJsonObject &data);
    void showRun(const QJsonObject &run);
    void interrupt();

    EngineConnection *m_connection;
    ClusterSetup *m_setup = nullptr;
    SignalWatcher *m_signals = nullptr;
    QJsonObject m_params;
    QString m_runId;
    int m_phasesShown = 0;
    bool m_detach = false;
    bool m_json = false;
    bool m_raw = false; // --raw: the services' output with its escape sequences
    bool m_done = false;
    bool m_stopping = false;
};

} // namespace rr::cli
