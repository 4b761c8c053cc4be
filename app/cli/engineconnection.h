#pragma once

#include "core/error.h"

#include <QObject>

class QTimer;

namespace rr::ipc {
class ControlClient;
}

namespace rr::cli {

// The CLI's way to the engine: the app's control socket when something answers there,
// otherwise a `reporunner serve` it starts in the background (which keeps runs alive after
// the CLI exits) and waits for.
class EngineConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineConnection)
public:
    explicit EngineConnection(QObject *parent = nullptr);

    // $REPORUNNER_SOCKET, else the control API's default socket.
    static QString socketPath();

    void open(bool autostart = true);
    ipc::ControlClient *client() const { return m_client; }

Q_SIGNALS:
    void ready();
    void failed(const rr::core::Error &error);

private:
    void attempt();
    void spawnServe();

    ipc::ControlClient *m_client = nullptr;
    QTimer *m_retry;
    bool m_autostart = true;
    bool m_spawned = false;
    int m_attempts = 0;
};

} // namespace rr::cli
