#include "core/logging.h"

Q_LOGGING_CATEGORY(lcCore, "reporunner.core")
Q_LOGGING_CATEGORY(lcSource, "reporunner.source")
Q_LOGGING_CATEGORY(lcProject, "reporunner.project")
Q_LOGGING_CATEGORY(lcPlan, "reporunner.plan")
Q_LOGGING_CATEGORY(lcDocker, "reporunner.docker")
Q_LOGGING_CATEGORY(lcKube, "reporunner.kube")
Q_LOGGING_CATEGORY(lcIpc, "reporunner.ipc")
Q_LOGGING_CATEGORY(lcRuns, "reporunner.runs")
