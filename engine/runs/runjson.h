#pragma once

#include "runs/planrequest.h"
#include "runs/runrecord.h"

#include <QJsonArray>
#include <QJsonObject>

namespace rr::runs {

// The wire and storage shapes of runs, requests and log lines, shared by the control API,
// the CLI and the store's `request` column so they can never drift apart.
class RunJson final
{
public:
    static QJsonObject fromRecord(const RunRecord &run);
    static QJsonObject fromRequest(const PlanRequest &request);
    // Unknown keys are ignored; a missing mode means "compose when present".
    static PlanRequest toRequest(const QJsonObject &json);
    // A run's quota as its stored request keeps it; missing or wrong fields take the defaults.
    static QJsonObject fromQuota(const plan::QuotaSettings &quota);
    static plan::QuotaSettings toQuota(const QJsonValue &json);
    static QJsonObject fromLogLine(const LogLine &line);
    static QJsonArray fromLogLines(const QList<LogLine> &lines);
    // The preview URL of the primary service (or the first one), empty when none.
    static QString primaryUrl(const RunRecord &run);
};

} // namespace rr::runs
