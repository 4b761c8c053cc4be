#include "kuberender/kubejson.h"

namespace rr::kuberender {

using plan::RunPlan;
using plan::ServicePlan;

QJsonObject KubeJson::object(const QString &apiVersion, const QString &kind, const QString &name,
                             const QString &ns, const QMap<QString, QString> &labels)
{
    QJsonObject meta{{QStringLiteral("name"), name}, {QStringLiteral("labels"), map(labels)}};
    if (!ns.isEmpty())
        meta.insert(QStringLiteral("namespace"), ns);
    return QJsonObject{{QStringLiteral("apiVersion"), apiVersion},
                       {QStringLiteral("kind"), kind},
                       {QStringLiteral("metadata"), meta}};
}

QJsonObject KubeJson::map(const QMap<QString, QString> &values)
{
    QJsonObject o;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonArray KubeJson::strings(const QStringList &values)
{
    QJsonArray a;
    for (const QString &v : values)
        a.append(v);
    return a;
}

QString KubeJson::cpu(int milli)
{
    if (milli % 1000 == 0)
        return QString::number(milli / 1000);
    return QString::number(milli) + QLatin1Char('m');
}

QString KubeJson::memory(qint64 bytes)
{
    constexpr qint64 Ki = 1024, Mi = Ki * 1024, Gi = Mi * 1024;
    if (bytes > 0 && bytes % Gi == 0)
        return QString::number(bytes / Gi) + QStringLiteral("Gi");
    if (bytes > 0 && bytes % Mi == 0)
        return QString::number(bytes / Mi) + QStringLiteral("Mi");
    if (bytes > 0 && bytes % Ki == 0)
        return QString::number(bytes / Ki) + QStringLiteral("Ki");
    return QString::number(bytes);
}

QString KubeJson::literal(const QString &text)
{
    QString out = text;
    out.replace(QLatin1Char('$'), QStringLiteral("$$"));
    return out;
}

QJsonArray KubeJson::literals(const QStringList &values)
{
    QJsonArray a;
    for (const QString &v : values)
        a.append(literal(v));
    return a;
}

QJsonObject KubeJson::selector(const RunPlan &plan, const ServicePlan &service)
{
    return QJsonObject{
        {QStringLiteral("reporunner.dev/run-id"), plan.labels.value(QStringLiteral("reporunner.dev/run-id"))},
        {QStringLiteral("reporunner.dev/service"), service.dnsName}};
}

} // namespace rr::kuberender
