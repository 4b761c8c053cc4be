#pragma once

#include <QObject>
#include <QString>

namespace rr::cli {

class EngineConnection;

// A command that talks to the engine over the control socket and ends once, with an exit code.
class EngineCommand : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineCommand)
public:
    explicit EngineCommand(QObject *parent = nullptr);

Q_SIGNALS:
    void finished(int exitCode);

protected:
    // Prints `message` as the CLI's error, then finishes.
    void fail(int exitCode, const QString &message);
    // Emits finished() the first time; later calls change nothing.
    void finish(int exitCode);

    EngineConnection *const m_connection;

private:
    bool m_done = false;
};

} // namespace rr::cli
