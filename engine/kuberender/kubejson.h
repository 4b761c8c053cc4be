#pragma once

#include "plan/runplan.h"

#include <QJsonArray>
#include <QJsonObject>

namespace rr::kuberender {

// Internal: small builders shared by the Kubernetes rendering files.
class KubeJson final
{
public:
    static QJsonObject object(const QString &apiVersion, const QString &kind, const QString &name,
                              const QString &ns, const QMap<QString, QString> &labels);
    static QJsonObject map(const QMap<QString, QString> &values);
    static QJsonArray strings(const QStringList &values);
    static QString cpu(int milli);
    static QString memory(qint64 bytes);
    // Kubernetes expands $(VAR) and $$ in command, args and env values; doubling every '$'
    // keeps the compose text literal.
    static QString literal(const QString &text);
    static QJsonArray literals(const QStringList &values);
    // The Service/Deployment selector of one service.
    static QJsonObject selector(const plan::RunPlan &plan, const plan::ServicePlan &service);
};

} // namespace rr::kuberender
