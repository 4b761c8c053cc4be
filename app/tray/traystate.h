#pragma once

#include "runs/runrecord.h"

#include <QIcon>

namespace rr::tray {

// What the tray icon says at a glance.
enum class TrayState
{
    Idle,   // nothing running
    Busy,   // some run is queued, fetching, building, loading, deploying or stopping
    Ready,  // runs are up and nothing is in flight
    Failed, // the newest finished run failed and nothing else is up
};

TrayState trayStateFor(const QList<runs::RunRecord> &runs); // runs newest first
QString trayStateName(TrayState state);
// Drawn with QPainter: a grey ring, a blue ring with a gap, a green dot, a red dot with a bar.
QIcon trayIcon(TrayState state);

} // namespace rr::tray
