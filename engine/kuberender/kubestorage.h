#pragma once

#include "plan/runplan.h"

#include <QJsonObject>
#include <QList>

namespace rr::kuberender {

// Named volumes on Kubernetes. With a default StorageClass, each is one PersistentVolumeClaim
// in the run's namespace, mounted by every service that uses it (ReadWriteOnce: every pod of a
// run on a local cluster lands on the same node); namespace deletion removes the claims. Without
// one, each pod gets its own emptyDir and the report says the volume is not shared.
class KubeStorage final
{
public:
    static constexpr const char *DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";
    static constexpr const char *BetaDefaultClassAnnotation =
        "storageclass.beta.kubernetes.io/is-default-class";

    // The default class of a StorageClassList (the newest when several are marked, as the API
    // server's admission picks); empty when none is.
    static QString defaultClass(const QJsonObject &storageClassList);
    // Records what backs the plan's named volumes on this cluster: sets sandbox.storageClass and
    // adds one report line per named volume. `whyNone` says why `storageClass` is empty.
    static void settle(plan::RunPlan &plan, const QString &storageClass, const QString &whyNone);
    // The run's claims (none when the plan has no StorageClass or no named volume).
    static QList<QJsonObject> claims(const plan::RunPlan &plan);
    // Whether `volume` of a service is rendered as a claim.
    static bool isClaim(const plan::RunPlan &plan, const plan::PlanVolume &volume);

private:
    // Named volumes in use (by the plan's services): run-wide name -> compose names of the services.
    static QMap<QString, QStringList> usage(const plan::RunPlan &plan);
};

} // namespace rr::kuberender
