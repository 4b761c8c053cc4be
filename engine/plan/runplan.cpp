#include "plan/runplan.h"

#include <QSet>

namespace rr::plan {

const ServicePlan *RunPlan::service(const QString &name) const
{
    for (const ServicePlan &s : services)
        if (s.name == name)
            return &s;
    for (const ServicePlan &s : services)
        if (s.dnsName == name)
            return &s;
    return nullptr;
}

const ServicePlan *RunPlan::primary() const
{
    for (const ServicePlan &s : services)
        if (s.primary)
            return &s;
    return services.isEmpty() ? nullptr : &services.first();
}

QMap<QString, QString> RunPlan::serviceLabels(const ServicePlan &service) const
{
    QMap<QString, QString> out = labels;
    out.insert(QStringLiteral("reporunner.dev/service"), service.dnsName);
    return out;
}

QList<QStringList> RunPlan::deploymentOrder() const
{
    // Kahn's algorithm in waves; dependencies on services outside the plan are ignored
    // (the planner reports them), and file order is kept inside a wave.
    QSet<QString> inPlan;
    for (const ServicePlan &s : services)
        inPlan.insert(s.name);
    QSet<QString> done;
    QList<QStringList> waves;
    while (done.size() < services.size()) {
        QStringList wave;
        for (const ServicePlan &s : services) {
            if (done.contains(s.name))
                continue;
            bool ready = true;
            for (const PlanDependency &d : s.dependsOn)
                if (inPlan.contains(d.service) && d.service != s.name && !done.contains(d.service))
                    ready = false;
            for (const PlanDependency &d : s.dependsOn)
                if (d.service == s.name)
                    ready = false;
            if (ready)
                wave.append(s.name);
        }
        if (wave.isEmpty())
            return {}; // cycle
        for (const QString &n : wave)
            done.insert(n);
        waves.append(wave);
    }
    return waves;
}

} // namespace rr::plan
