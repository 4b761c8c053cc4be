#include "plan/resourcemapper.h"

#include <cmath>

namespace rr::plan {

namespace {

int podsOf(const ServicePlan &s)
{
    return s.oneShot ? 1 : qMax(1, s.replicas);
}

QString mib(qint64 bytes)
{
    return QString::number(bytes / (1024 * 1024)) + QStringLiteral("Mi");
}

} // namespace

void ResourceMapper::map(const project::Service &svc, PlanContext &ctx, ServicePlan &sp)
{
    const project::Resources &in = svc.resources;
    const QuotaSettings &q = ctx.options.quota;
    PlanResources &out = sp.resources;
    QStringList capped;

    if (in.cpuLimit > 0) {
        out.cpuLimitMilli = int(std::ceil(in.cpuLimit * 1000));
        if (out.cpuLimitMilli > q.limitsCpuMilli) {
            out.cpuLimitMilli = q.limitsCpuMilli;
            capped << QStringLiteral("cpu limit to %1m").arg(q.limitsCpuMilli);
        }
    }
    if (in.cpuReservation > 0) {
        out.cpuRequestMilli = int(std::ceil(in.cpuReservation * 1000));
        if (out.cpuRequestMilli > q.requestsCpuMilli) {
            out.cpuRequestMilli = q.requestsCpuMilli;
            capped << QStringLiteral("cpu reservation to %1m").arg(q.requestsCpuMilli);
        }
    }
    if (in.memoryLimit > 0) {
        out.memoryLimit = in.memoryLimit;
        if (out.memoryLimit > q.limitsMemory) {
            out.memoryLimit = q.limitsMemory;
            capped << QStringLiteral("memory limit to %1").arg(mib(q.limitsMemory));
        }
    }
    if (in.memoryReservation > 0) {
        out.memoryRequest = in.memoryReservation;
        if (out.memoryRequest > q.requestsMemory) {
            out.memoryRequest = q.requestsMemory;
            capped << QStringLiteral("memory reservation to %1").arg(mib(q.requestsMemory));
        }
    }
    // Requests must not exceed limits; a limit alone gets a modest request, not the limit.
    if (out.cpuLimitMilli > 0 && out.cpuRequestMilli == 0)
        out.cpuRequestMilli = qMin(q.defaultRequestCpuMilli, out.cpuLimitMilli);
    if (out.cpuRequestMilli > 0 && out.cpuLimitMilli == 0)
        out.cpuLimitMilli = qMin(q.limitsCpuMilli, qMax(q.defaultCpuMilli, out.cpuRequestMilli));
    out.cpuRequestMilli = qMin(out.cpuRequestMilli, out.cpuLimitMilli);
    if (out.memoryLimit > 0 && out.memoryRequest == 0)
        out.memoryRequest = qMin(q.defaultRequestMemory, out.memoryLimit);
    if (out.memoryRequest > 0 && out.memoryLimit == 0)
        out.memoryLimit = qMin(q.limitsMemory, qMax(q.defaultMemory, out.memoryRequest));
    out.memoryRequest = qMin(out.memoryRequest, out.memoryLimit);
    out.pidsLimit = in.pidsLimit;

    const bool any =
        in.cpuLimit > 0 || in.cpuReservation > 0 || in.memoryLimit > 0 || in.memoryReservation > 0;
    if (!any)
        return;
    const QString why =
        capped.isEmpty() ? QStringLiteral("deploy.resources -> container limits and requests")
                         : QStringLiteral("capped by the run's quota: ") + capped.join(QStringLiteral(", "));
    for (const char *k : {"deploy", "cpus", "mem_limit", "mem_reservation", "cpu_shares"}) {
        const QString key = QString::fromLatin1(k);
        if (svc.keys.contains(key) && key != QLatin1String("deploy"))
            ctx.note(svc, key, capped.isEmpty() ? Status::Mapped : Status::Adapted, why);
    }
    if (!capped.isEmpty())
        ctx.report().add(svc.name, QStringLiteral("deploy"), Status::Adapted, why,
                         svc.keys.value(QStringLiteral("deploy"), svc.where));
}

void ResourceMapper::share(PlanContext &ctx)
{
    const QuotaSettings &q = ctx.options.quota;
    // One pass per axis (CPU fields are int, memory qint64), so take getters and setters.
    auto shareOf = [&](qint64 quota, qint64 fallback, qint64 minimum, auto get, auto set) -> QString {
        qint64 used = 0;
        int unsetPods = 0;
        for (ServicePlan &s : ctx.plan.services) {
            const qint64 v = get(s.resources);
            if (v > 0)
                used += v * podsOf(s);
            else
                unsetPods += podsOf(s);
        }
        if (unsetPods == 0)
            return {};
        const qint64 share = qMax(minimum, qMin(fallback, (quota - used) / unsetPods));
        for (ServicePlan &s : ctx.plan.services)
            if (get(s.resources) <= 0)
                set(s.resources, share);
        return share < fallback ? QString::number(share) : QString();
    };
    const QString cpuL = shareOf(
        q.limitsCpuMilli, q.defaultCpuMilli, MinCpuMilli,
        [](PlanResources &r) { return qint64(r.cpuLimitMilli); },
        [](PlanResources &r, qint64 v) { r.cpuLimitMilli = int(v); });
    const QString memL = shareOf(
        q.limitsMemory, q.defaultMemory, MinMemory, [](PlanResources &r) { return r.memoryLimit; },
        [](PlanResources &r, qint64 v) { r.memoryLimit = v; });
    const QString cpuR = shareOf(
        q.requestsCpuMilli, q.defaultRequestCpuMilli, qMin<qint64>(MinCpuMilli, q.defaultRequestCpuMilli),
        [](PlanResources &r) { return qint64(r.cpuRequestMilli); },
        [](PlanResources &r, qint64 v) { r.cpuRequestMilli = int(v); });
    const QString memR = shareOf(
        q.requestsMemory, q.defaultRequestMemory, qMin(MinMemory, q.defaultRequestMemory),
        [](PlanResources &r) { return r.memoryRequest; },
        [](PlanResources &r, qint64 v) { r.memoryRequest = v; });
    for (ServicePlan &s : ctx.plan.services) {
        s.resources.cpuRequestMilli = qMin(s.resources.cpuRequestMilli, s.resources.cpuLimitMilli);
        s.resources.memoryRequest = qMin(s.resources.memoryRequest, s.resources.memoryLimit);
    }

    qint64 cpu = 0, mem = 0;
    int pods = 0;
    for (const ServicePlan &s : ctx.plan.services) {
        cpu += qint64(s.resources.cpuLimitMilli) * podsOf(s);
        mem += s.resources.memoryLimit * podsOf(s);
        pods += podsOf(s);
    }
    if (!cpuL.isEmpty() || !memL.isEmpty() || !cpuR.isEmpty() || !memR.isEmpty())
        ctx.report().add(QString(), QStringLiteral("quota"), Status::Adapted,
                         QStringLiteral("services without deploy.resources share the quota: smaller than the "
                                        "default limits so that all %1 pods fit")
                             .arg(pods));
    if (cpu > q.limitsCpuMilli || mem > q.limitsMemory || pods > q.pods)
        ctx.report().add(
            QString(), QStringLiteral("quota"), Status::Adapted,
            QStringLiteral("the services ask for more than the run's quota (%1m CPU, %2, %3 pods of "
                           "%4m, %5, %6); some pods may be rejected: raise the quota in the settings")
                .arg(cpu)
                .arg(mib(mem))
                .arg(pods)
                .arg(q.limitsCpuMilli)
                .arg(mib(q.limitsMemory))
                .arg(q.pods));
}

} // namespace rr::plan
