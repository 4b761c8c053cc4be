#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace rr::dockerruntime {

// A Docker run's firewall (RunFirewall's rules), made by whoever may change this machine's
// iptables: the engine itself when it runs as root, else the firewall helper
// (`reporunner-firewall`, installed with the package, socket-activated by systemd) that does the
// same work as root for members of the docker group — who already control Docker, and through
// it the machine. REPORUNNER_FIREWALL_SOCKET names the helper's socket and makes the engine use
// it even as root (tests); an empty value means "never the helper". Blocking; call it on a
// worker thread.
class RunIsolation final
{
public:
    RunIsolation(QString owner, QString runLabel);

    QString bridge() const;
    core::Result<void> install(const QString &bridge, bool offline);
    core::Result<void> remove();
    static core::Result<QStringList> runLabels(const QString &owner);

    // The helper's socket when the engine goes through it; empty when it acts itself.
    static QString helperSocket();
    static constexpr const char *DefaultHelperSocket = "/run/reporunner-firewall.sock";

private:
    QString m_owner;
    QString m_runLabel;
};

} // namespace rr::dockerruntime
