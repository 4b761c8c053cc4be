#include "runsummary.h"

#include "runlistmodel.h"
#include "statetone.h"

#include "runs/runjson.h"

namespace rr::tray {

RunSummary RunSummary::of(const runs::RunRecord &r)
{
    RunSummary s;
    s.id = r.id;
    s.repo = RunListModel::displayName(r);
    s.source = r.source;
    s.ref = r.ref;
    s.shortCommit = r.commit.left(7);
    s.mode = r.mode;
    s.runtime = r.runtime;
    s.state = runs::stateName(r.state);
    s.tone = toneOf(s.state);
    s.active = runs::isActive(r.state);
    s.stopping = r.state == runs::RunState::Stopping;
    s.previewUrl = runs::RunJson::primaryUrl(r);
    s.building = r.state == runs::RunState::Building;
    for (const runs::PhaseRecord &p : r.phases) {
        if (p.phase == runs::RunState::Building)
            s.buildProgress = p.progress;
    }
    const QJsonObject step = r.details.value(QStringLiteral("buildStep")).toObject();
    if (!step.isEmpty())
        s.buildStep =
            step.value(QStringLiteral("service")).toString() + QStringLiteral(": ") +
            step.value(QStringLiteral("step")).toString() +
            (step.value(QStringLiteral("cached")).toBool() ? QStringLiteral(" (cached)") : QString());
    if (r.diagnosis) {
        s.failedPhase = r.diagnosis->phase;
        s.diagnosis = r.diagnosis->summary;
        s.lastLines = r.diagnosis->lastLines.join(QLatin1Char('\n'));
    }
    return s;
}

} // namespace rr::tray
