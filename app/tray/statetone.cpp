#include "statetone.h"

namespace rr::tray {

Tone::Value toneOf(const QString &state)
{
    const QString s = state.toLower();
    if (s == QLatin1String("ready") || s == QLatin1String("running") || s == QLatin1String("healthy"))
        return Tone::Good;
    if (s == QLatin1String("failed") || s == QLatin1String("exited") || s == QLatin1String("unhealthy") ||
        s == QLatin1String("oomkilled"))
        return Tone::Bad;
    if (s.isEmpty() || s == QLatin1String("stopped") || s == QLatin1String("completed"))
        return Tone::Neutral;
    return Tone::Busy;
}

} // namespace rr::tray
