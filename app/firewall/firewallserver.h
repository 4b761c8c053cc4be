#pragma once

#include "core/result.h"

#include <QLocalServer>
#include <QObject>
#include <QThreadPool>

#include <sys/types.h>

namespace rr::firewall {

// `reporunner-firewall`'s socket: one FirewallRequest per connection, answered with one line.
// Callers keep their side open until the answer comes (a half-closed connection ends here).
// Only root and processes that hold the allowed group (docker: they control Docker, and through
// it the machine, already) are served; others get a refusal. Requests run one at a time on a worker
// thread, so iptables changes never interleave and the event loop stays free.
class FirewallServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FirewallServer)

public:
    explicit FirewallServer(gid_t allowedGroup, QObject *parent = nullptr);

    // A socket systemd made and passed (socket activation).
    core::Result<void> adopt(qintptr descriptor);
    // Our own socket at `path`, root:<allowed group> 0660 (running without systemd).
    core::Result<void> listen(const QString &path);

private:
    void onConnection();
    core::Result<void> checkPeer(qintptr descriptor) const;

    QLocalServer m_server;
    QThreadPool m_pool;
    gid_t m_allowedGroup;
};

} // namespace rr::firewall
