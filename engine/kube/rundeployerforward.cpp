// RunDeployer, part three: port-forwards for every Service port and the primary preview probe.
#include "kube/rundeployer.h"

#include "kube/portforwarder.h"
#include "kube/previewprobe.h"

#include <QJsonArray>

namespace rr::kube {

using core::ErrorCategory;

void RunDeployer::startForwards()
{
    m_forwarding = true;
    m_forwarder = new PortForwarder(m_client, m_plan.namespaceName, m_pods, this);
    connect(m_forwarder, &PortForwarder::message, this, [this](const QString &service, const QString &text) {
        Q_EMIT logLine(service, QStringLiteral("forward"), text);
    });
    int primaryPort = 0;
    for (const plan::ServicePlan &s : m_plan.services) {
        const QJsonObject spec = m_services.value(s.dnsName).value(QStringLiteral("spec")).toObject();
        QMap<QString, QString> selector;
        const QJsonObject sel = spec.value(QStringLiteral("selector")).toObject();
        for (auto it = sel.constBegin(); it != sel.constEnd(); ++it)
            selector.insert(it.key(), it.value().toString());
        for (const QJsonValue &v : spec.value(QStringLiteral("ports")).toArray()) {
            const QJsonObject port = v.toObject();
            if (port.value(QStringLiteral("protocol")).toString(QStringLiteral("TCP")) !=
                QLatin1String("TCP"))
                continue;
            ForwardSpec f;
            f.service = s.name;
            f.selector = selector;
            f.containerPort = port.value(QStringLiteral("port")).toInt();
            f.targetPort = port.value(QStringLiteral("targetPort"));
            for (const plan::PlanPort &pp : s.ports)
                if (pp.containerPort == f.containerPort)
                    f.preferredPort = pp.hostPort;
            const core::Result<int> local = m_forwarder->add(f);
            if (!local) {
                fail(local.error());
                return;
            }
            runtime::Endpoint e;
            e.service = s.name;
            e.containerPort = f.containerPort;
            e.protocol = QStringLiteral("tcp");
            e.localPort = *local;
            e.url = QStringLiteral("http://127.0.0.1:%1/").arg(*local);
            e.primary = s.primary && primaryPort == 0;
            if (e.primary)
                primaryPort = *local;
            m_deployment.endpoints.append(e);
        }
    }
    if (primaryPort == 0) {
        becomeReady();
        return;
    }
    auto *probe = new PreviewProbe(primaryPort, m_options.previewProbeSeconds, this);
    connect(probe, &PreviewProbe::answered, this, [this, probe] {
        probe->deleteLater();
        becomeReady();
    });
    connect(probe, &PreviewProbe::timedOut, this, [this, probe, primaryPort] {
        probe->deleteLater();
        const plan::ServicePlan *p = m_plan.primary();
        fail(core::makeError(
            ErrorCategory::Kube, QStringLiteral("kube.preview.silent"),
            QStringLiteral("Service %1 is running, but its preview port (127.0.0.1:%2) did not "
                           "answer within %3 seconds.")
                .arg(p ? p->name : QString())
                .arg(primaryPort)
                .arg(m_options.previewProbeSeconds)));
    });
    probe->start();
}

void RunDeployer::becomeReady()
{
    if (m_finished)
        return;
    m_deadline.stop();
    m_ready = true;
    Q_EMIT ready(m_deployment);
}

} // namespace rr::kube
