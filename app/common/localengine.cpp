#include "localengine.h"

#include "clusterchoice.h"

#include "control/runcontrolhandler.h"
#include "docker/dockerclient.h"
#include "dockerruntime/dockerruntime.h"
#include "ipc/controlserver.h"
#include "kube/kuberuntime.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"
#include "source/tokenstore.h"
#include "storedtokens.h"

#include <QNetworkAccessManager>

namespace rr::app {

LocalEngine::LocalEngine(QObject *parent)
    : QObject(parent)
{}

LocalEngine::~LocalEngine()
{
    // The server refers to the handler, the handler to the orchestrator: tear down in order.
    delete m_server;
    delete m_handler;
    delete m_orchestrator;
    delete m_kubeRuntime;
    delete m_dockerRuntime;
    delete m_docker;
}

QFuture<core::Result<void>> LocalEngine::start(const QString &socketPath)
{
    m_store = new runs::RunStore({}, {}, this);
    m_fetcher = new source::Fetcher(this);
    // A token in the keychain (the tray's settings, `reporunner auth`) reaches libgit2 on the
    // fetch worker only when a remote asks for credentials.
    m_tokens = new source::TokenStore(this);
    offerStoredTokens(m_fetcher, m_tokens);
    auto host = docker::DockerHost::fromEnvironment();
    if (host) {
        m_docker = new docker::DockerClient(*host);
        m_dockerRuntime = new dockerruntime::DockerRuntime(m_docker);
    }
    // Kubernetes is the primary runtime when a cluster is configured; `auto` still falls back
    // to Docker when its probe gets no answer.
    if (auto cluster = chooseCluster(m_docker)) {
        m_network = new QNetworkAccessManager(this);
        m_kubeRuntime = new kube::KubeRuntime(m_network, *cluster);
    }
    return m_store->open()
        .then(this,
              [this, socketPath](const core::Result<void> &opened) {
                  if (!opened)
                      return QtFuture::makeReadyFuture(core::Result<void>(opened));
                  m_orchestrator =
                      new runs::Orchestrator(m_store, m_fetcher, m_docker, m_dockerRuntime, m_kubeRuntime);
                  m_handler = new control::RunControlHandler(m_orchestrator, m_fetcher);
                  offerStoredTokens(m_handler->remoteDetector(), m_tokens);
                  ipc::ServerOptions options;
                  options.socketPath = socketPath;
                  m_server = new ipc::ControlServer(m_handler, options);
                  m_handler->setServer(m_server);
                  m_handler->setTokenStore(m_tokens);
                  return m_orchestrator->initialize().then(
                      this, [this](const core::Result<void> &loaded) -> core::Result<void> {
                          if (!loaded)
                              return loaded;
                          // The engine keeps its images and caches in bounds by itself, daily.
                          m_orchestrator->startDailyRetention();
                          return m_server->listen();
                      });
              })
        .unwrap();
}

} // namespace rr::app
