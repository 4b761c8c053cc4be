#pragma once

#include "runs/planrequest.h"

#include <QObject>
#include <QStringList>

namespace rr::source {
class Fetcher;
}
namespace rr::control {
class RemoteDetector;
class RemotePlanner;
} // namespace rr::control
namespace rr::runs {
struct PreparedPlan;
}

namespace rr::cli {

// `reporunner plan URL|PATH ...`: read (a GitHub repository through its API, without a clone),
// detect, load and plan, then print the
// manifests (stdout) and the translation report (stderr), or everything as JSON.
class PlanCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlanCommand)
public:
    explicit PlanCommand(QObject *parent = nullptr);
    // Parses `arguments` (starting with "plan") and starts; finished() follows.
    void start(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void fail(int exitCode, const QString &message);
    // Prints the plan; `via`/`fallback` say how a remote repository was read.
    void print(const runs::PreparedPlan &prepared, const QString &via, const QString &fallback);

    runs::PlanRequest m_request;
    bool m_json = false;
    source::Fetcher *m_fetcher = nullptr;
    control::RemoteDetector *m_remote = nullptr;
    control::RemotePlanner *m_planner = nullptr;
};

} // namespace rr::cli
