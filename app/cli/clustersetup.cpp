#include "clustersetup.h"

#include "common/clusterchoice.h"
#include "engineconnection.h"
#include "infradir.h"
#include "terminal.h"

#include "docker/dockerclient.h"
#include "kind/clustercreator.h"
#include "kind/kindclusters.h"

#include <QLocalSocket>
#include <QSocketNotifier>

#include <unistd.h>

namespace rr::cli {

using core::ErrorCategory;

namespace {

QString clusterName()
{
    return QLatin1String(kind::KindClusters::DefaultClusterName);
}

} // namespace

ClusterSetup::ClusterSetup(bool consent, QObject *parent)
    : QObject(parent)
    , m_consent(consent)
{}

ClusterSetup::~ClusterSetup() = default;

void ClusterSetup::start()
{
    // A cluster the engine would use anyway (another local context, or REPORUNNER_KUBE_CONTEXT)
    // is never second-guessed.
    const QString kindContext = QStringLiteral("kind-") + clusterName();
    if (const auto cluster = app::chooseCluster(nullptr); cluster && cluster->context != kindContext)
        return proceed(m_consent ? QStringLiteral("using Kubernetes context %1; not creating a kind cluster")
                                       .arg(cluster->context)
                                 : QString());
    const auto host = docker::DockerHost::fromEnvironment();
    if (!host) {
        if (m_consent)
            fail(host.error());
        else
            proceed({});
        return;
    }
    m_docker = std::make_unique<docker::DockerClient>(*host);
    kind::KindClusters::find(*m_docker, clusterName())
        .then(this, [this](const core::Result<kind::KindCluster> &found) {
            if (found)
                return proceed(m_consent
                                   ? QStringLiteral("kind cluster \"%1\" already exists").arg(clusterName())
                                   : QString());
            if (found.error().code == QLatin1String("kind.cluster.not_found"))
                return offer();
            if (!m_consent)
                return proceed({});
            core::Error e = found.error();
            e.message = QStringLiteral("kind needs a working Docker: %1").arg(e.message);
            fail(e);
        });
}

void ClusterSetup::offer()
{
    if (m_consent)
        return create();
    if (kind::ClusterCreator::kindExecutable().isEmpty())
        return proceed({}); // nothing to offer; the run goes to Docker as before
    if (isatty(STDIN_FILENO) == 1 && Terminal::stderrIsTty())
        return ask();
    proceed(QStringLiteral("no Kubernetes cluster is set up, so this run uses Docker; to create the kind "
                           "cluster \"%1\" and run there, add --create-cluster")
                .arg(clusterName()));
}

void ClusterSetup::ask()
{
    Terminal::err(QStringLiteral("No Kubernetes cluster is set up. Create the kind cluster \"%1\" now (kind "
                                 "downloads its node image the first time)? [y/N] ")
                      .arg(clusterName())
                      .toUtf8());
    m_stdin = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_stdin, &QSocketNotifier::activated, this, &ClusterSetup::onAnswer);
}

void ClusterSetup::onAnswer()
{
    char buffer[256];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n > 0)
        m_answer.append(buffer, n);
    if (n > 0 && !m_answer.contains('\n'))
        return;
    m_stdin->setEnabled(false);
    const QByteArray answer = m_answer.trimmed().toLower();
    if (answer == "y" || answer == "yes")
        return create();
    proceed(QStringLiteral("not creating a cluster; this run uses Docker"));
}

void ClusterSetup::create()
{
    const QString infra = InfraDir::find();
    if (infra.isEmpty() && !kind::ClusterCreator::kindExecutable().isEmpty()) {
        fail(core::makeError(ErrorCategory::Io, QStringLiteral("kind.config.missing"),
                             QStringLiteral("RepoRunner's infra/kind/cluster.yaml was not found; set "
                                            "REPORUNNER_INFRA_DIR to the infra folder.")));
        return;
    }
    m_creator = new kind::ClusterCreator(this);
    connect(m_creator, &kind::ClusterCreator::progressLine, this,
            [](const QString &line) { Terminal::err(QStringLiteral("  kind | %1\n").arg(line).toUtf8()); });
    Terminal::err(QStringLiteral("creating kind cluster \"%1\" ...\n").arg(clusterName()).toUtf8());
    m_creator->create(clusterName(), InfraDir::clusterConfig(infra))
        .then(this, [this, infra](const core::Result<void> &created) {
            if (!created) {
                fail(created.error());
                return;
            }
            Terminal::err(
                QStringLiteral("kind cluster \"%1\" is ready (context kind-%1). For registry delivery, "
                               "which pushes only changed layers, also run: %2/kind-cluster.sh "
                               "create\n")
                    .arg(clusterName(), infra)
                    .toUtf8());
            // An engine that is already running chose its runtimes when it started.
            auto *probe = new QLocalSocket(this);
            connect(probe, &QLocalSocket::connected, this, [this, probe] {
                probe->abort();
                proceed(QStringLiteral("an engine was already running; it uses the new cluster only after it "
                                       "restarts, so this run goes where that engine decides"));
            });
            connect(probe, &QLocalSocket::errorOccurred, this, [this] { proceed({}); });
            probe->connectToServer(EngineConnection::socketPath());
        });
}

void ClusterSetup::cancel()
{
    if (m_creator)
        m_creator->cancel();
    else if (!m_finished)
        fail(core::makeError(ErrorCategory::Cancelled, QStringLiteral("kind.create.cancelled"),
                             QStringLiteral("cancelled")));
}

void ClusterSetup::fail(const core::Error &error)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT failed(error);
}

void ClusterSetup::proceed(const QString &note)
{
    if (m_finished)
        return;
    m_finished = true;
    if (!note.isEmpty())
        Terminal::err(QStringLiteral("reporunner: %1\n").arg(note).toUtf8());
    Q_EMIT done();
}

} // namespace rr::cli
