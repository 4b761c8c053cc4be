#include "plan/portmapper.h"

#include "plan/localport.h"
#include "plan/naming.h"

namespace rr::plan {

namespace {

QString kubeProtocol(const QString &p)
{
    const QString l = p.trimmed().toLower();
    if (l == QLatin1String("udp"))
        return QStringLiteral("UDP");
    if (l == QLatin1String("sctp"))
        return QStringLiteral("SCTP");
    return QStringLiteral("TCP");
}

struct Collector
{
    ServicePlan &sp;
    bool truncated = false;

    PlanPort *find(int port, const QString &proto)
    {
        for (PlanPort &p : sp.ports)
            if (p.containerPort == port && p.protocol == proto)
                return &p;
        return nullptr;
    }
    PlanPort *add(int port, const QString &proto, const QString &wantedName)
    {
        if (port <= 0 || port > 65535)
            return nullptr;
        if (PlanPort *p = find(port, proto))
            return p;
        if (sp.ports.size() >= PortMapper::MaxPortsPerService) {
            truncated = true;
            return nullptr;
        }
        PlanPort p;
        p.containerPort = port;
        p.protocol = proto;
        QString name = wantedName.toLower();
        if (!Naming::isIanaServiceName(name))
            name = Naming::portName(port, proto);
        for (const PlanPort &o : sp.ports)
            if (o.name == name)
                name = Naming::portName(port, proto);
        p.name = name;
        sp.ports.append(p);
        return &sp.ports.last();
    }
};

} // namespace

void PortMapper::map(const project::Service &svc, const project::DockerfileFacts *facts, PlanContext &ctx,
                     ServicePlan &sp)
{
    Collector c{sp};

    QStringList adaptations;
    for (const project::PortMapping &m : svc.ports) {
        const QString proto = kubeProtocol(m.protocol);
        const int count = qMax(1, m.targetEnd - m.target + 1);
        for (int i = 0; i < count; ++i) {
            PlanPort *p = c.add(m.target + i, proto, count == 1 ? m.name : QString());
            if (!p || m.published <= 0)
                continue;
            const int host = m.publishedEnd > m.published ? m.published + i : (i == 0 ? m.published : 0);
            if (host <= 0 || p->hostPort > 0)
                continue;
            p->hostPort = LocalPort::preferred(host);
            if (p->hostPort != host)
                adaptations << QStringLiteral("host port %1 \u2192 127.0.0.1:%2 (or the next free port)")
                                   .arg(host)
                                   .arg(p->hostPort);
        }
        if (!m.hostIp.isEmpty() && m.hostIp != QLatin1String("127.0.0.1") &&
            m.hostIp != QLatin1String("localhost"))
            adaptations << QStringLiteral("host IP %1 becomes 127.0.0.1").arg(m.hostIp);
        if (m.published > 0 && m.publishedEnd > m.published &&
            m.publishedEnd - m.published != m.targetEnd - m.target)
            adaptations << QStringLiteral("published range %1-%2 is used as a preference only")
                               .arg(m.published)
                               .arg(m.publishedEnd);
    }
    if (!svc.ports.isEmpty()) {
        // A published port is a wish, never a reason to refuse: previews bind the run's own loopback address
        // only.
        adaptations.prepend(QStringLiteral("Service ports are the container ports; published ports are "
                                           "local preferences on the run's own loopback address"));
        ctx.note(svc, QStringLiteral("ports"), adaptations.size() > 1 ? Status::Adapted : Status::Mapped,
                 adaptations.join(QStringLiteral("; ")));
    }

    for (const project::PortMapping &m : svc.expose) {
        const int count = qMax(1, m.targetEnd - m.target + 1);
        for (int i = 0; i < count; ++i)
            c.add(m.target + i, kubeProtocol(m.protocol), QString());
    }
    if (!svc.expose.isEmpty())
        ctx.note(svc, QStringLiteral("expose"), Status::Mapped, QStringLiteral("Service ports"));

    if (facts) {
        for (const project::PortMapping &m : facts->exposes)
            c.add(m.target, kubeProtocol(m.protocol), QString());
    }
    if (c.truncated)
        ctx.report().add(svc.name, QStringLiteral("ports"), Status::Adapted,
                         QStringLiteral("only the first %1 ports are exposed").arg(MaxPortsPerService),
                         svc.keys.value(QStringLiteral("ports"), svc.where));
}

} // namespace rr::plan
