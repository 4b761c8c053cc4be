#include "kube/imagemap.h"

namespace rr::kube {

void ImageMap::insert(const QString &original, const QString &delivered)
{
    if (delivered.isEmpty() || delivered == original)
        m_moved.remove(original);
    else
        m_moved.insert(original, delivered);
}

QString ImageMap::deliveredFor(const QString &original) const
{
    return m_moved.value(original, original);
}

bool ImageMap::isEmpty() const
{
    return m_moved.isEmpty();
}

plan::RunPlan ImageMap::apply(plan::RunPlan plan) const
{
    for (plan::ServicePlan &service : plan.services)
        service.image = deliveredFor(service.image);
    return plan;
}

QString ImageMap::pullPolicyFor(const QString &image, const QString &fallback) const
{
    for (auto it = m_moved.cbegin(); it != m_moved.cend(); ++it)
        if (it.value() == image)
            return QStringLiteral("IfNotPresent");
    return fallback;
}

QJsonObject ImageMap::toJson() const
{
    QJsonObject o;
    for (auto it = m_moved.cbegin(); it != m_moved.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

ImageMap ImageMap::fromJson(const QJsonObject &json)
{
    ImageMap map;
    for (auto it = json.begin(); it != json.end(); ++it)
        map.insert(it.key(), it.value().toString());
    return map;
}

} // namespace rr::kube
