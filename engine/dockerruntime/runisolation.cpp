#include "dockerruntime/runisolation.h"

#include "dockerruntime/firewallhelperclient.h"
#include "dockerruntime/firewallrequest.h"
#include "dockerruntime/runfirewall.h"

#include <QFileInfo>

#include <unistd.h>

namespace rr::dockerruntime {

namespace {

core::Result<void> done(const core::Result<QStringList> &result)
{
    if (!result)
        return core::fail(result.error());
    return {};
}

} // namespace

RunIsolation::RunIsolation(QString owner, QString runLabel)
    : m_owner(std::move(owner))
    , m_runLabel(std::move(runLabel))
{}

QString RunIsolation::helperSocket()
{
    if (qEnvironmentVariableIsSet("REPORUNNER_FIREWALL_SOCKET"))
        return qEnvironmentVariable("REPORUNNER_FIREWALL_SOCKET");
    const QString fallback = QString::fromLatin1(DefaultHelperSocket);
    return ::geteuid() != 0 && QFileInfo::exists(fallback) ? fallback : QString();
}

QString RunIsolation::bridge() const
{
    return RunFirewall(m_owner, m_runLabel).bridge();
}

core::Result<void> RunIsolation::install(const QString &bridge, bool offline)
{
    const QString socket = helperSocket();
    if (socket.isEmpty())
        return RunFirewall(m_owner, m_runLabel).install(bridge, offline);
    FirewallRequest request{FirewallRequest::Op::Install, m_owner, m_runLabel, bridge, offline};
    return done(FirewallHelperClient(socket).call(request));
}

core::Result<void> RunIsolation::remove()
{
    const QString socket = helperSocket();
    if (socket.isEmpty())
        return RunFirewall(m_owner, m_runLabel).remove();
    return done(
        FirewallHelperClient(socket).call({FirewallRequest::Op::Remove, m_owner, m_runLabel, {}, false}));
}

core::Result<QStringList> RunIsolation::runLabels(const QString &owner)
{
    const QString socket = helperSocket();
    if (socket.isEmpty())
        return RunFirewall::runLabels(owner);
    return FirewallHelperClient(socket).call({FirewallRequest::Op::Labels, owner, {}, {}, false});
}

} // namespace rr::dockerruntime
