#pragma once

#include "core/result.h"
#include "dockerruntime/firewallrequest.h"

#include <QString>
#include <QStringList>

namespace rr::dockerruntime {

// Asks the firewall helper (`reporunner-firewall`, root) to do one FirewallRequest. The helper
// must run as root (SO_PEERCRED): nobody else can stand in for it. Blocking, with a deadline;
// call it on a worker thread, as RunFirewall.
class FirewallHelperClient final
{
public:
    explicit FirewallHelperClient(QString socketPath);

    core::Result<QStringList> call(const FirewallRequest &request) const;

private:
    QString m_socketPath;
};

} // namespace rr::dockerruntime
