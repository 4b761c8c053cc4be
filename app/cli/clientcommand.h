#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace rr::cli {

class EngineConnection;
class SignalWatcher;

// The small commands that talk to the engine: `ps`, `logs RUN [-f] [--service S]`,
// `stop RUN|--all` (waits until STOPPED) and `open RUN`.
class ClientCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientCommand)
public:
    explicit ClientCommand(QObject *parent = nullptr);
    void start(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void fail(int exitCode, const QString &message);
    void finish(int exitCode);
    void ps();
    void logs();
    void fetchLogs(qint64 from);
    void stop();
    void open();
    void printLines(const QJsonArray &lines);

    EngineConnection *m_connection;
    SignalWatcher *m_signals = nullptr;
    QString m_command;
    QString m_runId;
    QString m_service;
    bool m_json = false;
    bool m_follow = false;
    bool m_raw = false; // logs --raw: lines with their escape sequences
    bool m_all = false;
    bool m_done = false;
};

} // namespace rr::cli
