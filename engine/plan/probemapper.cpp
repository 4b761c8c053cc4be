#include "plan/probemapper.h"

namespace rr::plan {

namespace {

int seconds(qint64 ms, int fallback)
{
    if (ms <= 0)
        return fallback;
    return int(qMax<qint64>(1, (ms + 999) / 1000));
}

} // namespace

std::optional<QStringList> ProbeMapper::execCommand(const QStringList &test)
{
    if (test.isEmpty())
        return std::nullopt;
    const QString kind = test.first().toUpper();
    if (kind == QLatin1String("NONE"))
        return std::nullopt;
    if (kind == QLatin1String("CMD")) {
        if (test.size() < 2)
            return std::nullopt;
        return test.mid(1);
    }
    if (kind == QLatin1String("CMD-SHELL")) {
        const QString cmd = test.mid(1).join(QLatin1Char(' '));
        if (cmd.trimmed().isEmpty())
            return std::nullopt;
        return QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), cmd};
    }
    // A bare string test is run by a shell, as in Compose's short syntax.
    return QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), test.join(QLatin1Char(' '))};
}

void ProbeMapper::map(const project::Service &svc, const project::DockerfileFacts *facts, PlanContext &ctx,
                      ServicePlan &sp)
{
    const QString key = QStringLiteral("healthcheck");
    const std::optional<project::HealthCheck> &compose = svc.healthcheck;
    const std::optional<project::HealthCheck> image = facts ? facts->healthcheck : std::nullopt;

    if (compose && compose->disable) {
        ctx.note(svc, key, Status::Mapped, QStringLiteral("disabled: no probes"));
        return;
    }
    project::HealthCheck hc;
    QString source;
    if (compose) {
        hc = *compose;
        source = QStringLiteral("compose healthcheck");
        if (hc.test.isEmpty() && image && !image->disable) {
            // Compose overrides only the timings it sets; the test comes from the image.
            hc.test = image->test;
            if (hc.intervalMs <= 0)
                hc.intervalMs = image->intervalMs;
            if (hc.timeoutMs <= 0)
                hc.timeoutMs = image->timeoutMs;
            if (hc.startPeriodMs <= 0)
                hc.startPeriodMs = image->startPeriodMs;
            if (hc.retries <= 0)
                hc.retries = image->retries;
            source = QStringLiteral("compose timings with the Dockerfile's HEALTHCHECK test");
        }
    } else if (image && !image->disable) {
        hc = *image;
        source = QStringLiteral("the Dockerfile's HEALTHCHECK");
    } else {
        return;
    }

    const std::optional<QStringList> exec = execCommand(hc.test);
    if (!exec) {
        if (compose)
            ctx.note(svc, key, Status::Mapped, QStringLiteral("test NONE: no probes"));
        return;
    }
    const int interval = seconds(hc.intervalMs, 30);
    const int timeout = seconds(hc.timeoutMs, 30);
    const int retries = hc.retries > 0 ? hc.retries : 3;
    const int startPeriod = hc.startPeriodMs > 0 ? seconds(hc.startPeriodMs, 0) : 0;

    const int startInterval = hc.startIntervalMs > 0 ? seconds(hc.startIntervalMs, 5) : 0;
    // The first check comes one start_interval (if declared) or one interval after the start.
    const int firstCheck = startInterval > 0 ? startInterval : interval;

    PlanProbe readiness;
    readiness.exec = *exec;
    readiness.timeoutSeconds = timeout;
    readiness.failureThreshold = retries;
    readiness.declaredIntervalSeconds = interval;
    readiness.declaredStartPeriodSeconds = startPeriod;
    readiness.declaredStartIntervalSeconds = startInterval;
    const bool fast = ctx.options.fastProbes;
    readiness.initialDelaySeconds = fast ? 0 : firstCheck;
    readiness.periodSeconds = fast ? 1 : firstCheck;
    sp.readiness = readiness;

    PlanProbe liveness = readiness;
    liveness.periodSeconds = interval;
    liveness.failureThreshold = retries * 3;
    liveness.initialDelaySeconds = startPeriod;
    sp.liveness = liveness;

    const QString cadence =
        fast ? QStringLiteral("; fast probes: also checked as soon as the container runs, then every 250 ms "
                              "(Docker) or every second (Kubernetes) until it passes, more often than "
                              "declared")
             : QStringLiteral("; declared cadence: first check %1 s after the start, then every %2 s")
                   .arg(firstCheck)
                   .arg(startInterval > 0 ? startInterval : interval);
    if (compose)
        ctx.note(svc, key, Status::Mapped,
                 QStringLiteral("readiness probe and a more tolerant liveness probe from the ") + source +
                     cadence);
    else
        ctx.report().add(svc.name, key, Status::Adapted,
                         QStringLiteral("no compose healthcheck: probes from ") + source + cadence,
                         svc.where);
}

} // namespace rr::plan
