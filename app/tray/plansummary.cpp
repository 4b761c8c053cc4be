#include "plansummary.h"

#include <QJsonArray>

namespace rr::tray {

QString PlanSummary::detectedText(const QJsonObject &detection)
{
    QStringList parts;
    const QJsonArray files = detection.value(QStringLiteral("composeFiles")).toArray();
    if (detection.value(QStringLiteral("compose")).toBool()) {
        QStringList names;
        for (const QJsonValue &f : files)
            names.append(f.toString());
        parts.append(QStringLiteral("Compose: %1 (%2 services)")
                         .arg(names.join(QStringLiteral(", ")))
                         .arg(detection.value(QStringLiteral("services")).toArray().size()));
    }
    QStringList dockerfiles;
    for (const QJsonValue &d : detection.value(QStringLiteral("dockerfiles")).toArray())
        dockerfiles.append(d.toObject().value(QStringLiteral("dockerfile")).toString());
    if (!dockerfiles.isEmpty())
        parts.append(QStringLiteral("Dockerfiles: %1").arg(dockerfiles.join(QStringLiteral(", "))));
    if (parts.isEmpty())
        return QStringLiteral("No compose file or Dockerfile found.");
    QString text = parts.join(QStringLiteral("; "));
    if (const QString commit = detection.value(QStringLiteral("commit")).toString(); !commit.isEmpty())
        text += QStringLiteral(" at %1").arg(commit.left(12));
    return text;
}

void PlanSummary::takePlan(const QJsonObject &plan)
{
    mode = plan.value(QStringLiteral("mode")).toString();
    commit = plan.value(QStringLiteral("commit")).toString().left(12);
    ref = plan.value(QStringLiteral("ref")).toString();
    const QJsonObject chosen = plan.value(QStringLiteral("runtime")).toObject();
    runtime = chosen.value(QStringLiteral("name")).toString();
    runtimeTarget = chosen.value(QStringLiteral("target")).toString();
    runtimeReason = chosen.value(QStringLiteral("reason")).toString();
    primary.clear();
    for (const QJsonValue &v : plan.value(QStringLiteral("services")).toArray()) {
        if (v.toObject().value(QStringLiteral("primary")).toBool())
            primary = v.toObject().value(QStringLiteral("name")).toString();
    }
    mapped = adapted = dropped = refused = 0;
    for (const QJsonValue &v : plan.value(QStringLiteral("report")).toArray()) {
        const QString status = v.toObject().value(QStringLiteral("status")).toString();
        if (status == QLatin1String("mapped"))
            ++mapped;
        else if (status == QLatin1String("adapted"))
            ++adapted;
        else if (status == QLatin1String("dropped"))
            ++dropped;
        else if (status == QLatin1String("refused"))
            ++refused;
    }
}

} // namespace rr::tray
