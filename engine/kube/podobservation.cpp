#include "kube/podobservation.h"

#include <QDateTime>
#include <QJsonArray>

namespace rr::kube {

namespace {

using Instance = runtime::InstanceObservation;

QJsonObject obj(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toObject();
}

QString text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

Instance PodObservation::instance(const plan::ServicePlan &service, const QJsonObject &pod)
{
    const QJsonObject status = obj(pod, "status");
    Instance i;
    i.id = text(obj(pod, "metadata"), "name");
    const QString phase = text(status, "phase");
    bool allRunning = true;
    bool any = false;
    QDateTime latest;
    for (const QJsonValue &v : status.value(QStringLiteral("containerStatuses")).toArray()) {
        const QJsonObject cs = v.toObject();
        any = true;
        i.restarts += cs.value(QStringLiteral("restartCount")).toInt();
        const QJsonObject state = obj(cs, "state");
        const QJsonObject running = obj(state, "running");
        const QJsonObject terminated = obj(state, "terminated");
        allRunning = allRunning && !running.isEmpty();
        const QDateTime started =
            QDateTime::fromString(text(running.isEmpty() ? terminated : running, "startedAt"), Qt::ISODate);
        if (started.isValid() && (!latest.isValid() || started > latest))
            latest = started;
        if (!terminated.isEmpty() && i.exitCode <= 0)
            i.exitCode = terminated.value(QStringLiteral("exitCode")).toInt(-1);
    }
    if (phase == QLatin1String("Succeeded") || phase == QLatin1String("Failed")) {
        i.phase = Instance::Phase::Exited;
        if (i.exitCode < 0)
            i.exitCode = phase == QLatin1String("Succeeded") ? 0 : 1;
    } else if (phase == QLatin1String("Running") && any && allRunning) {
        i.phase = Instance::Phase::Running;
    }
    i.startedAt = latest.isValid() ? latest : QDateTime::fromString(text(status, "startTime"), Qt::ISODate);
    if (service.readiness && i.phase == Instance::Phase::Running) {
        i.health = Instance::Health::Starting;
        for (const QJsonValue &v : status.value(QStringLiteral("conditions")).toArray())
            if (text(v.toObject(), "type") == QLatin1String("Ready") &&
                text(v.toObject(), "status") == QLatin1String("True"))
                i.health = Instance::Health::Healthy;
    }
    return i;
}

runtime::ServiceObservation PodObservation::observe(const plan::ServicePlan &service,
                                                    const QList<QJsonObject> &pods)
{
    runtime::ServiceObservation o;
    o.service = service.name;
    for (const QJsonObject &pod : pods)
        if (!obj(pod, "metadata").contains(QStringLiteral("deletionTimestamp")))
            o.instances << instance(service, pod);
    // A Deployment's missing replicas count as instances that have not started yet; a Job has one.
    const int wanted = service.oneShot ? 1 : qMax(1, service.replicas);
    while (o.instances.size() < wanted)
        o.instances << Instance{};
    if (service.oneShot && o.instances.size() > 1) {
        // A Job may have retried: the newest pod is the one that counts.
        std::sort(o.instances.begin(), o.instances.end(),
                  [](const Instance &a, const Instance &b) { return a.startedAt < b.startedAt; });
        o.instances = {o.instances.last()};
    }
    return o;
}

} // namespace rr::kube
