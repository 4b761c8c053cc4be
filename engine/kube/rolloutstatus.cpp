#include "kube/rolloutstatus.h"

#include <QJsonArray>

namespace rr::kube {

namespace {

QJsonObject condition(const QJsonObject &object, const QString &type)
{
    const QJsonArray conditions =
        object.value(QStringLiteral("status")).toObject().value(QStringLiteral("conditions")).toArray();
    for (const QJsonValue &v : conditions)
        if (v.toObject().value(QStringLiteral("type")).toString() == type)
            return v.toObject();
    return {};
}

} // namespace

RolloutStatus::Result RolloutStatus::deployment(const QJsonObject &d)
{
    const QJsonObject status = d.value(QStringLiteral("status")).toObject();
    const auto n = [&status](const char *key) { return status.value(QLatin1String(key)).toInt(); };
    const qint64 generation =
        d.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("generation")).toInteger();
    if (generation > status.value(QStringLiteral("observedGeneration")).toInteger())
        return {State::Waiting, QStringLiteral("waiting for the deployment spec update to be observed")};
    const QJsonObject progressing = condition(d, QStringLiteral("Progressing"));
    if (progressing.value(QStringLiteral("reason")).toString() == QLatin1String("ProgressDeadlineExceeded"))
        return {State::Failed, progressing.value(QStringLiteral("message")).toString()};
    const int replicas =
        d.value(QStringLiteral("spec")).toObject().value(QStringLiteral("replicas")).toInt(1);
    if (n("updatedReplicas") < replicas)
        return {State::Waiting, QStringLiteral("%1 of %2 updated replicas are available")
                                    .arg(n("updatedReplicas"))
                                    .arg(replicas)};
    if (n("replicas") > n("updatedReplicas"))
        return {State::Waiting, QStringLiteral("%1 old replicas are pending termination")
                                    .arg(n("replicas") - n("updatedReplicas"))};
    if (n("availableReplicas") < n("updatedReplicas"))
        return {State::Waiting, QStringLiteral("%1 of %2 updated replicas are available")
                                    .arg(n("availableReplicas"))
                                    .arg(n("updatedReplicas"))};
    return {State::Done, QStringLiteral("successfully rolled out")};
}

RolloutStatus::Result RolloutStatus::job(const QJsonObject &job)
{
    const QJsonObject complete = condition(job, QStringLiteral("Complete"));
    if (complete.value(QStringLiteral("status")).toString() == QLatin1String("True"))
        return {State::Done, QStringLiteral("completed")};
    const QJsonObject failed = condition(job, QStringLiteral("Failed"));
    if (failed.value(QStringLiteral("status")).toString() == QLatin1String("True"))
        return {State::Failed, failed.value(QStringLiteral("message")).toString()};
    return {State::Waiting, QStringLiteral("running")};
}

} // namespace rr::kube
