#include "dockerruntime/diagnosis.h"

#include <QJsonArray>

namespace rr::dockerruntime {

using core::ErrorCategory;

core::Error Diagnosis::stopped(const QString &service, const QJsonObject &inspect,
                               const QStringList &lastLines)
{
    const QJsonObject state = inspect.value(QStringLiteral("State")).toObject();
    const int exitCode = state.value(QStringLiteral("ExitCode")).toInt();
    core::Error e;
    e.category = ErrorCategory::Docker;
    if (state.value(QStringLiteral("OOMKilled")).toBool()) {
        const qint64 limit = inspect.value(QStringLiteral("HostConfig"))
                                 .toObject()
                                 .value(QStringLiteral("Memory"))
                                 .toInteger();
        e.code = QStringLiteral("run.oom");
        e.message = limit > 0
                        ? QStringLiteral("service %1 was killed because it ran out of memory (limit %2 MiB)")
                              .arg(service)
                              .arg(limit / (1024 * 1024))
                        : QStringLiteral("service %1 was killed because it ran out of memory").arg(service);
    } else {
        e.code = QStringLiteral("run.exited");
        e.message = QStringLiteral("service %1 exited with code %2").arg(service).arg(exitCode);
        const QString error = state.value(QStringLiteral("Error")).toString();
        if (!error.isEmpty())
            e.message += QStringLiteral(": ") + error;
    }
    if (!lastLines.isEmpty())
        e.details = QStringLiteral("last lines of %1:\n").arg(service) + lastLines.join(QLatin1Char('\n'));
    return e;
}

core::Error Diagnosis::unhealthy(const QString &service, const QJsonObject &inspect)
{
    const QJsonObject health =
        inspect.value(QStringLiteral("State")).toObject().value(QStringLiteral("Health")).toObject();
    const QJsonArray log = health.value(QStringLiteral("Log")).toArray();
    core::Error e;
    e.category = ErrorCategory::Docker;
    e.code = QStringLiteral("run.unhealthy");
    e.message = QStringLiteral("service %1 never passed its health check (%2 failures in a row)")
                    .arg(service)
                    .arg(health.value(QStringLiteral("FailingStreak")).toInt());
    if (!log.isEmpty()) {
        const QJsonObject last = log.last().toObject();
        e.details = QStringLiteral("last check exited with %1: %2")
                        .arg(last.value(QStringLiteral("ExitCode")).toInt())
                        .arg(last.value(QStringLiteral("Output")).toString().trimmed());
    }
    return e;
}

} // namespace rr::dockerruntime
