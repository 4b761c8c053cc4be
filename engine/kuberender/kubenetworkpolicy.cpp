#include "kuberender/kubenetworkpolicy.h"

#include "kuberender/kubejson.h"
#include "plan/blockedranges.h"

namespace rr::kuberender {

using plan::RunPlan;

// Ingress only from the run's own pods; egress to them, to cluster DNS and (unless offline)
// to the internet, but never to plan::BlockedRanges (private, CGNAT, link-local/metadata,
// loopback, multicast, reserved). Offline runs reach only their own pods and DNS.
QJsonObject KubeNetworkPolicy::render(const RunPlan &plan)
{
    QJsonObject o = KubeJson::object(QStringLiteral("networking.k8s.io/v1"), QStringLiteral("NetworkPolicy"),
                                     QStringLiteral("rr-sandbox"), plan.namespaceName, plan.labels);
    const QJsonObject samePods{{QStringLiteral("podSelector"), QJsonObject()}};
    const QJsonObject dnsPeer{
        {QStringLiteral("namespaceSelector"),
         QJsonObject{
             {QStringLiteral("matchLabels"),
              QJsonObject{{QStringLiteral("kubernetes.io/metadata.name"), QStringLiteral("kube-system")}}}}},
        {QStringLiteral("podSelector"),
         QJsonObject{{QStringLiteral("matchLabels"),
                      QJsonObject{{QStringLiteral("k8s-app"), QStringLiteral("kube-dns")}}}}},
    };
    const QJsonArray dnsPorts{
        QJsonObject{{QStringLiteral("protocol"), QStringLiteral("UDP")}, {QStringLiteral("port"), 53}},
        QJsonObject{{QStringLiteral("protocol"), QStringLiteral("TCP")}, {QStringLiteral("port"), 53}},
    };
    QJsonArray egress{
        QJsonObject{{QStringLiteral("to"), QJsonArray{samePods}}},
        QJsonObject{{QStringLiteral("to"), QJsonArray{dnsPeer}}, {QStringLiteral("ports"), dnsPorts}},
    };
    if (!plan.sandbox.offline) {
        const QJsonObject internet{
            {QStringLiteral("ipBlock"),
             QJsonObject{{QStringLiteral("cidr"), QStringLiteral("0.0.0.0/0")},
                         {QStringLiteral("except"), KubeJson::strings(plan::BlockedRanges::ipv4())}}}};
        egress.append(QJsonObject{{QStringLiteral("to"), QJsonArray{internet}}});
    }
    o.insert(QStringLiteral("spec"),
             QJsonObject{{QStringLiteral("podSelector"), QJsonObject()},
                         {QStringLiteral("policyTypes"),
                          KubeJson::strings({QStringLiteral("Ingress"), QStringLiteral("Egress")})},
                         {QStringLiteral("ingress"),
                          QJsonArray{QJsonObject{{QStringLiteral("from"), QJsonArray{samePods}}}}},
                         {QStringLiteral("egress"), egress}});
    return o;
}

} // namespace rr::kuberender
