#pragma once

#include <QMetaType>
#include <QString>
#include <QStringView>

#include <optional>

namespace rr::runtime {

Q_NAMESPACE

// The one set of service states the engine, the control protocol (protocol.json's
// "enums.ServiceState", which must list exactly these names), the tray and the extension share.
//   Pending    waits for its dependencies; nothing created yet
//   Creating   the runtime is creating its containers / workload
//   Starting   created, no instance runs yet (image pull, scheduling, container start)
//   Running    runs, but its health check has not passed yet
//   Healthy    runs and passes its health check (or declares none): counts towards READY
//   Completed  a one-shot service that exited with 0
//   Failed     exited, turned unhealthy or could not be created; the detail says why
//   Stopped    the run was stopped or cancelled before it got further
enum class ServiceState
{
    Pending,
    Creating,
    Starting,
    Running,
    Healthy,
    Completed,
    Failed,
    Stopped
};
Q_ENUM_NS(ServiceState)

// The protocol name of a state: lowercase, e.g. "healthy".
QString serviceStateName(ServiceState state);
std::optional<ServiceState> serviceStateFromName(QStringView name);
// Every state in declaration order (for drift checks against protocol.json).
QStringList serviceStateNames();

} // namespace rr::runtime
