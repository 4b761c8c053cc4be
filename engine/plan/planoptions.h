#pragma once

#include "plan/quotasettings.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace rr::plan {

// What the user asked for when planning a run.
struct PlanOptions
{
    QString runId;               // short id, e.g. core::names::newRunId()
    QString owner, repo, commit; // commit may be empty for local folders
    QString subdir;              // the project's folder inside the repository ("" = its root)
    QStringList services;        // selection; empty = all active services (+ depends_on closure)
    QString primaryService;      // empty = first with a published port, else any port, else first
    bool allowUnsafe = false;    // per-repo allowance for dangerous options (never host mounts)
    bool offline = false;        // NetworkPolicy denies the internet too
    int maxReplicas = 3;
    // Health checks at the cadence the compose file declares (the default: the first check one
    // start_interval, else one interval, after the container starts, as Compose does), or also
    // run by the runtime as soon as a container runs and then every quarter second until it
    // passes (Docker), or with a 1 s readiness period (Kubernetes). Faster READY for services
    // with long intervals, at the price of extra checks the service did not ask for.
    bool fastProbes = false;
    QuotaSettings quota;
    // Values the user set for this run: the source of `environment:`-based secrets and configs.
    QMap<QString, QString> variables;
};

} // namespace rr::plan
