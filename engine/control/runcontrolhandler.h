#pragma once

#include "ipc/controlhandler.h"
#include "runs/planbuilder.h"
#include "runs/planrequest.h"
#include "source/checkout.h"

#include <QObject>

namespace rr::ipc {
class ControlServer;
}
namespace rr::source {
class Fetcher;
class TokenStore;
} // namespace rr::source

namespace rr::runs {
class Orchestrator;
struct StartOptions;
} // namespace rr::runs

namespace rr::control {

class RemoteDetector;
class RemotePlanner;
class TokenControl;

// The engine behind the control API (PRODUCT.md §9): maps each method onto the orchestrator,
// the detector and the planner, and pushes run updates and log lines to subscribers.
class RunControlHandler final : public QObject, public ipc::ControlHandler
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunControlHandler)

public:
    RunControlHandler(runs::Orchestrator *orchestrator, source::Fetcher *fetcher, QObject *parent = nullptr);

    // Where events go; the server is built with this handler, so it is set afterwards.
    void setServer(ipc::ControlServer *server) { m_server = server; }
    // Where auth.* keeps tokens (the desktop keychain); without it those methods say so.
    void setTokenStore(source::TokenStore *tokens);

    QFuture<ipc::HandlerResult> handle(const QString &method, const QJsonObject &params) override;

    // How `detect` looks at remote repositories without cloning them (token, fallback cache).
    RemoteDetector *remoteDetector() const { return m_remote; }
    // How `plan` plans remote repositories before Start without cloning them.
    RemotePlanner *remotePlanner() const { return m_planner; }

private:
    QFuture<ipc::HandlerResult> detect(const QJsonObject &params);
    QFuture<ipc::HandlerResult> plan(const QJsonObject &params);
    // A plan as the control API shows it, runtime aside.
    static QJsonObject planJson(const runs::PreparedPlan &prepared, const runs::PlanRequest &request);
    QFuture<ipc::HandlerResult> start(const QJsonObject &params);
    ipc::HandlerResult startNow(const runs::StartOptions &options);
    QFuture<ipc::HandlerResult> stop(const QJsonObject &params);
    QFuture<ipc::HandlerResult> logs(const QJsonObject &params);
    ipc::HandlerResult openPreview(const QJsonObject &params) const;
    ipc::HandlerResult settings(const QJsonObject &params);
    ipc::HandlerResult remove(const QJsonObject &params);
    QFuture<ipc::HandlerResult> prune(const QJsonObject &params);

    runs::Orchestrator *m_orchestrator;
    source::Fetcher *m_fetcher;
    RemoteDetector *m_remote;
    RemotePlanner *m_planner;
    ipc::ControlServer *m_server = nullptr;
    TokenControl *m_tokens = nullptr;
};

} // namespace rr::control
