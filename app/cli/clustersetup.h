#pragma once

#include "core/error.h"

#include <QObject>

#include <memory>

class QSocketNotifier;

namespace rr::docker {
class DockerClient;
}
namespace rr::kind {
class ClusterCreator;
}

namespace rr::cli {

// Runs before `reporunner run` reaches the engine. When the engine would find no Kubernetes
// cluster, no kind cluster "reporunner" exists and the kind CLI is installed, it creates that
// cluster only with the user's consent: --create-cluster, or "y" at a prompt when stdin and
// stderr are terminals. Without consent it says how and the run goes on (on Docker).
class ClusterSetup final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClusterSetup)
public:
    ClusterSetup(bool consent, QObject *parent = nullptr);
    ~ClusterSetup() override;

    void start();
    // Stops a creation in progress (kind removes what it made); failed() follows.
    void cancel();

Q_SIGNALS:
    void done();                               // go on with the run
    void failed(const rr::core::Error &error); // consent was given and creating failed

private:
    void offer();
    void ask();
    void onAnswer();
    void create();
    void proceed(const QString &note); // done(), after printing `note` when there is one
    void fail(const core::Error &error);

    bool m_consent;
    std::unique_ptr<docker::DockerClient> m_docker;
    kind::ClusterCreator *m_creator = nullptr;
    QSocketNotifier *m_stdin = nullptr;
    QByteArray m_answer;
    bool m_finished = false;
};

} // namespace rr::cli
