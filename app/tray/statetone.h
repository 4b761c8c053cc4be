#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// How a run or service state is coloured. One mapping for C++ and QML, case-insensitive, so
// "FAILED" (a run) and "failed" (a service, as every runtime sends it) can never diverge again.
namespace Tone {
Q_NAMESPACE
QML_ELEMENT

enum Value
{
    Neutral, // stopped, completed, unknown
    Busy,    // queued, fetching, building, starting, ...
    Good,    // ready, running, healthy
    Bad,     // failed, exited, unhealthy
};
Q_ENUM_NS(Value)

} // namespace Tone

Tone::Value toneOf(const QString &state);

} // namespace rr::tray
