#pragma once

#include "core/result.h"

#include <QFuture>
#include <QObject>

class QNetworkAccessManager;

#include <memory>

namespace rr::docker {
class DockerClient;
}
namespace rr::ipc {
class ControlServer;
}
namespace rr::runtime {
class Runtime;
}
namespace rr::source {
class Fetcher;
class TokenStore;
} // namespace rr::source
namespace rr::runs {
class Orchestrator;
class RunStore;
} // namespace rr::runs
namespace rr::control {
class RunControlHandler;
}

namespace rr::app {

// A headless engine: the run store, Docker client and runtime, orchestrator and the control
// API server on `socketPath`, composed here the way the app composes them.
class LocalEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalEngine)
public:
    explicit LocalEngine(QObject *parent = nullptr);
    ~LocalEngine() override;

    // Opens the store, reconciles and starts listening.
    QFuture<core::Result<void>> start(const QString &socketPath);
    runs::Orchestrator *orchestrator() const { return m_orchestrator; }
    source::TokenStore *tokens() const { return m_tokens; }
    // The control API's handler, for in-process clients (the tray's new-run flow).
    control::RunControlHandler *handler() const { return m_handler; }

private:
    runs::RunStore *m_store = nullptr;
    source::Fetcher *m_fetcher = nullptr;
    source::TokenStore *m_tokens = nullptr;
    docker::DockerClient *m_docker = nullptr;
    runtime::Runtime *m_dockerRuntime = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    runtime::Runtime *m_kubeRuntime = nullptr;
    runs::Orchestrator *m_orchestrator = nullptr;
    control::RunControlHandler *m_handler = nullptr;
    ipc::ControlServer *m_server = nullptr;
};

} // namespace rr::app
