#pragma once

#include <QObject>
#include <QStringList>

namespace rr::app {
class LocalEngine;
}

namespace rr::cli {

class SignalWatcher;

// `reporunner serve`: a headless engine hosting the control API until SIGINT/SIGTERM. Runs
// stay up when it exits; the next engine re-attaches to them.
class ServeCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServeCommand)
public:
    explicit ServeCommand(QObject *parent = nullptr);
    void start(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    app::LocalEngine *m_engine = nullptr;
    SignalWatcher *m_signals = nullptr;
};

} // namespace rr::cli
