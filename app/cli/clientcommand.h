#pragma once

#include "enginecommand.h"

#include <QJsonObject>
#include <QStringList>

namespace rr::cli {

class SignalWatcher;

// The small commands that talk to the engine: `ps`, `logs RUN [-f] [--service S]`,
// `stop RUN|--all` (waits until STOPPED) and `open RUN`.
class ClientCommand final : public EngineCommand
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClientCommand)
public:
    explicit ClientCommand(QObject *parent = nullptr);
    void start(const QStringList &arguments);

private:
    void ps();
    void logs();
    void fetchLogs(qint64 from);
    void stop();
    void open();
    void printLines(const QJsonArray &lines);

    SignalWatcher *m_signals = nullptr;
    QString m_command;
    QString m_runId;
    QString m_service;
    bool m_json = false;
    bool m_follow = false;
    bool m_raw = false; // logs --raw: lines with their escape sequences
    bool m_all = false;
};

} // namespace rr::cli
