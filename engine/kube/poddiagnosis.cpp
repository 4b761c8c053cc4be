#include "kube/poddiagnosis.h"

#include <QJsonArray>

namespace rr::kube {

using core::ErrorCategory;

namespace {

QJsonObject obj(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toObject();
}

QString text(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

bool PodProblem::wantsLogs() const
{
    return reason == QLatin1String("CrashLoopBackOff") || reason == QLatin1String("OOMKilled") ||
           reason == QLatin1String("Error");
}

std::optional<PodProblem> PodDiagnosis::find(const QJsonObject &pod)
{
    const QJsonObject meta = obj(pod, "metadata");
    const QJsonObject status = obj(pod, "status");
    PodProblem p;
    p.pod = text(meta, "name");
    if (text(status, "reason") == QLatin1String("Evicted")) {
        p.reason = QStringLiteral("Evicted");
        p.message = text(status, "message");
        return p;
    }
    for (const QJsonValue &v : status.value(QStringLiteral("conditions")).toArray()) {
        const QJsonObject c = v.toObject();
        if (text(c, "type") == QLatin1String("PodScheduled") && text(c, "status") == QLatin1String("False") &&
            text(c, "reason") == QLatin1String("Unschedulable")) {
            p.reason = QStringLiteral("Unschedulable");
            p.message = text(c, "message");
            return p;
        }
    }
    QJsonArray statuses = status.value(QStringLiteral("initContainerStatuses")).toArray();
    for (const QJsonValue &v : status.value(QStringLiteral("containerStatuses")).toArray())
        statuses.append(v);
    for (const QJsonValue &v : statuses) {
        const QJsonObject cs = v.toObject();
        p.container = text(cs, "name");
        p.image = text(cs, "image");
        p.restarts = cs.value(QStringLiteral("restartCount")).toInt();
        const QJsonObject waiting = obj(obj(cs, "state"), "waiting");
        const QJsonObject last = obj(obj(cs, "lastState"), "terminated");
        const QString reason = text(waiting, "reason");
        static const QStringList fatal{QStringLiteral("ErrImagePull"),
                                       QStringLiteral("ImagePullBackOff"),
                                       QStringLiteral("InvalidImageName"),
                                       QStringLiteral("ErrImageNeverPull"),
                                       QStringLiteral("CreateContainerConfigError"),
                                       QStringLiteral("CreateContainerError"),
                                       QStringLiteral("RunContainerError"),
                                       QStringLiteral("CrashLoopBackOff")};
        if (fatal.contains(reason)) {
            p.reason = reason;
            p.message = text(waiting, "message");
            if (reason == QLatin1String("CrashLoopBackOff")) {
                p.exitCode = last.value(QStringLiteral("exitCode")).toInt(-1);
                if (text(last, "reason") == QLatin1String("OOMKilled"))
                    p.reason = QStringLiteral("OOMKilled");
            }
            return p;
        }
        // A one-shot container (restartPolicy Never) that failed.
        const QJsonObject terminated = obj(obj(cs, "state"), "terminated");
        if (text(status, "phase") == QLatin1String("Failed") && !terminated.isEmpty() &&
            terminated.value(QStringLiteral("exitCode")).toInt() != 0) {
            p.reason = text(terminated, "reason") == QLatin1String("OOMKilled") ? QStringLiteral("OOMKilled")
                                                                                : QStringLiteral("Error");
            p.exitCode = terminated.value(QStringLiteral("exitCode")).toInt();
            p.message = text(terminated, "message");
            return p;
        }
    }
    return std::nullopt;
}

core::Error PodDiagnosis::describe(const PodProblem &p, const QString &service, const QStringList &lastLines)
{
    QString code, message;
    const QString img = p.image.isEmpty() ? service : p.image;
    if (p.reason == QLatin1String("ErrImageNeverPull")) {
        code = QStringLiteral("kube.image.notLoaded");
        message = QStringLiteral("Service %1: image %2 was not loaded into the cluster.").arg(service, img);
    } else if (p.reason == QLatin1String("ErrImagePull") || p.reason == QLatin1String("ImagePullBackOff")) {
        code = QStringLiteral("kube.image.pull");
        message = QStringLiteral("Service %1: the cluster cannot pull image %2 (%3).")
                      .arg(service, img, p.message.isEmpty() ? p.reason : p.message);
    } else if (p.reason == QLatin1String("InvalidImageName")) {
        code = QStringLiteral("kube.image.invalid");
        message = QStringLiteral("Service %1: %2 is not a valid image name.").arg(service, img);
    } else if (p.reason == QLatin1String("OOMKilled")) {
        code = QStringLiteral("kube.oomKilled");
        message = QStringLiteral("Service %1 ran out of memory and was killed (exit code %2, %3 restarts); "
                                 "raise its memory limit.")
                      .arg(service)
                      .arg(p.exitCode)
                      .arg(p.restarts);
    } else if (p.reason == QLatin1String("CrashLoopBackOff") || p.reason == QLatin1String("Error")) {
        code = QStringLiteral("kube.crashLoop");
        message = p.reason == QLatin1String("Error")
                      ? QStringLiteral("Service %1 exited with code %2.").arg(service).arg(p.exitCode)
                      : QStringLiteral("Service %1 keeps crashing: it exited with code %2 (%3 restarts).")
                            .arg(service)
                            .arg(p.exitCode)
                            .arg(p.restarts);
    } else if (p.reason == QLatin1String("CreateContainerConfigError")) {
        code = QStringLiteral("kube.containerConfig");
        message = QStringLiteral("Service %1 cannot start: %2").arg(service, p.message);
    } else if (p.reason == QLatin1String("Unschedulable")) {
        code = QStringLiteral("kube.unschedulable");
        message = QStringLiteral("Service %1 cannot be scheduled: %2").arg(service, p.message);
    } else if (p.reason == QLatin1String("Evicted")) {
        code = QStringLiteral("kube.evicted");
        message = QStringLiteral("Service %1 was evicted: %2").arg(service, p.message);
    } else {
        code = QStringLiteral("kube.container");
        message = QStringLiteral("Service %1 cannot start its container (%2): %3")
                      .arg(service, p.reason, p.message);
    }
    core::Error e = core::makeError(ErrorCategory::Kube, code, message);
    if (!lastLines.isEmpty())
        e.details = QStringLiteral("Last log lines:\n") + lastLines.join(QLatin1Char('\n'));
    return e;
}

std::optional<core::Error> PodDiagnosis::deploymentFailure(const QJsonObject &deployment,
                                                           const QString &service,
                                                           const QString &eventMessage)
{
    for (const QJsonValue &v : obj(deployment, "status").value(QStringLiteral("conditions")).toArray()) {
        const QJsonObject c = v.toObject();
        if (text(c, "type") == QLatin1String("ReplicaFailure") &&
            text(c, "status") == QLatin1String("True")) {
            const QString why = eventMessage.isEmpty() ? text(c, "message") : eventMessage;
            QString code = QStringLiteral("kube.rejected");
            QString message = QStringLiteral("Service %1 was refused by the cluster: %2").arg(service, why);
            if (why.contains(QLatin1String("PodSecurity"))) {
                code = QStringLiteral("kube.podSecurity");
                message = QStringLiteral("Service %1 was refused by the sandbox's Pod Security policy: %2")
                              .arg(service, why);
            } else if (why.contains(QLatin1String("exceeded quota"))) {
                code = QStringLiteral("kube.quota");
                message =
                    QStringLiteral("Service %1 does not fit the run's resource quota: %2").arg(service, why);
            }
            return core::makeError(ErrorCategory::Kube, code, message);
        }
        if (text(c, "type") == QLatin1String("Progressing") &&
            text(c, "reason") == QLatin1String("ProgressDeadlineExceeded"))
            return core::makeError(ErrorCategory::Kube, QStringLiteral("kube.rollout.deadline"),
                                   QStringLiteral("Service %1 did not become ready in time: %2")
                                       .arg(service, text(c, "message")));
    }
    return std::nullopt;
}

QString PodDiagnosis::eventLine(const QJsonObject &event)
{
    const QJsonObject involved = obj(event, "involvedObject");
    return QStringLiteral("%1 %2 %3/%4: %5")
        .arg(text(event, "type"), text(event, "reason"), text(involved, "kind"), text(involved, "name"),
             text(event, "message"));
}

} // namespace rr::kube
