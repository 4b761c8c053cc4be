#pragma once

#include "plan/runplan.h"
#include "runtime/serviceobservation.h"

#include <QJsonObject>
#include <QList>

namespace rr::kube {

// What the rollout needs to know of a service's pods, read from the pod objects the watch holds:
// one instance per pod that is not being deleted (Waiting placeholders for replicas the
// Deployment has not made yet), its phase, readiness as health (when the service declares a
// check), restarts and the latest container start.
class PodObservation final
{
public:
    static runtime::ServiceObservation observe(const plan::ServicePlan &service,
                                               const QList<QJsonObject> &pods);
    static runtime::InstanceObservation instance(const plan::ServicePlan &service, const QJsonObject &pod);
};

} // namespace rr::kube
