#include "kuberender/kuberenderer.h"

#include "kuberender/kubejson.h"
#include "kuberender/kubenetworkpolicy.h"
#include "kuberender/kubesandbox.h"
#include "kuberender/kubestorage.h"
#include "kuberender/kubeworkloads.h"

#include <QStringDecoder>

namespace rr::kuberender {

using plan::DataObject;
using plan::RunPlan;
using plan::ServicePlan;

namespace {

bool isUtf8Text(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    return !decoder.hasError() && !text.contains(QChar(0));
}

QJsonObject dataObject(const RunPlan &plan, const DataObject &d)
{
    const bool secret = d.kind == DataObject::Kind::Secret;
    QJsonObject o = KubeJson::object(QStringLiteral("v1"),
                                     secret ? QStringLiteral("Secret") : QStringLiteral("ConfigMap"), d.name,
                                     plan.namespaceName, plan.labels);
    QJsonObject text, binary;
    for (auto it = d.data.cbegin(); it != d.data.cend(); ++it) {
        if (secret)
            binary.insert(it.key(), QString::fromLatin1(it.value().toBase64()));
        else if (isUtf8Text(it.value()))
            text.insert(it.key(), QString::fromUtf8(it.value()));
        else
            binary.insert(it.key(), QString::fromLatin1(it.value().toBase64()));
    }
    if (secret) {
        o.insert(QStringLiteral("type"), QStringLiteral("Opaque"));
        o.insert(QStringLiteral("data"), binary);
    } else {
        if (!text.isEmpty())
            o.insert(QStringLiteral("data"), text);
        if (!binary.isEmpty())
            o.insert(QStringLiteral("binaryData"), binary);
    }
    return o;
}

} // namespace

QList<QJsonObject> KubeRenderer::render(const RunPlan &plan)
{
    QList<QJsonObject> out{KubeSandbox::namespaceObject(plan), KubeSandbox::serviceAccount(plan),
                           KubeSandbox::resourceQuota(plan), KubeSandbox::limitRange(plan),
                           KubeNetworkPolicy::render(plan)};
    out.append(KubeStorage::claims(plan));
    for (const DataObject &d : plan.dataObjects)
        if (d.kind == DataObject::Kind::ConfigMap)
            out.append(dataObject(plan, d));
    out.append(KubeWorkloads::hostsConfigMaps(plan));
    for (const DataObject &d : plan.dataObjects)
        if (d.kind == DataObject::Kind::Secret)
            out.append(dataObject(plan, d));
    out.append(KubeWorkloads::services(plan));
    for (const ServicePlan &s : plan.services)
        if (!s.oneShot)
            out.append(KubeWorkloads::workload(plan, s));
    for (const ServicePlan &s : plan.services)
        if (s.oneShot)
            out.append(KubeWorkloads::workload(plan, s));
    return out;
}

} // namespace rr::kuberender
