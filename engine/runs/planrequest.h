#pragma once

#include "plan/quotasettings.h"
#include "project/detection.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace rr::runs {

// What a user asks for when planning or starting a run; shared by the CLI, the control API and the GUI.
struct PlanRequest
{
    QString source;                           // URL, git remote or local folder
    std::optional<project::ProjectMode> mode; // empty = compose when present, else Dockerfile
    QString dockerfile;                       // pick a specific Dockerfile (relative to the project root)
    QStringList composeFiles; // -f: these compose files, in order, instead of the detected ones
    QStringList profiles;
    QStringList services; // selection; dependencies are always included
    QString primaryService;
    QMap<QString, QString> values; // --set VAR=value, used for interpolation
    bool allowUnsafe = false;
    bool offline = false;
    bool fastProbes = false; // plan::PlanOptions::fastProbes
    // A run that fails keeps its containers / namespace for inspection until it is stopped.
    bool keepOnFailure = false;
    // The sandbox's quota and limits. Not part of the wire request: the orchestrator fills it
    // from its settings when a run starts and keeps it with the run (RunJson::fromQuota).
    plan::QuotaSettings quota;
    QString runId; // empty = a fresh one
};

} // namespace rr::runs
